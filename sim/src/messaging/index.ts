// Messaging's entry point for the sim's composition root: hooks into the core and adds its control routes.
import type { SimCore } from '../core/sim-core';
import type { MediaHost } from '../media';
import { messagingRoutes } from './control-routes';
import { groupRoutes } from './group-control';
import { Messaging } from './messaging';

export { parseSendMessage } from './control-routes';
export {
  parseCreateGroup,
  parseInviteCodeRequest,
  parseJoinGroup,
  parseLeaveGroup,
  parseParticipantsRequest,
  parseUpdateGroup,
} from './group-control';
export type {
  CreateGroupRequest,
  GroupParticipantsRequest,
  GroupView,
  ParticipantResult,
  UpdateGroupRequest,
} from './group-control';
export { GROUP_QUERY_LIMIT, GROUP_QUERY_WINDOW_MS } from './group-operations';
export type { SendMessageRequest } from './messaging';
export type { Addressing } from './stanzas';
export type { InboxMessage } from './history';
export type { PresenceReport, ReceiptReport } from './device-reports';
export type { Messaging };

export function registerMessaging(core: SimCore, media: MediaHost): Messaging {
  const messaging = new Messaging(core, media);
  for (const route of [...messagingRoutes(messaging), ...groupRoutes(messaging.groupControl)])
    core.registerRoute(route);
  return messaging;
}
