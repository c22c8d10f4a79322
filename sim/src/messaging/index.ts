// Messaging's entry point for the sim's composition root: hooks into the core and adds its control routes.
import type { SimCore } from '../core/sim-core';
import type { MediaHost } from '../media';
import { messagingRoutes } from './control-routes';
import { Messaging } from './messaging';

export { parseCreateGroup, parseSendMessage } from './control-routes';
export type { CreateGroupRequest, SendMessageRequest } from './messaging';
export type { Addressing } from './stanzas';
export type { InboxMessage } from './history';
export type { PresenceReport, ReceiptReport } from './device-reports';
export type { Messaging };

export function registerMessaging(core: SimCore, media: MediaHost): Messaging {
  const messaging = new Messaging(core, media);
  for (const route of messagingRoutes(messaging)) core.registerRoute(route);
  return messaging;
}
