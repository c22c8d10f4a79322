// Presence's entry point for the sim's composition root: the relay, and the route that makes a sim account's phone
// go online, offline, or type in a chat.
import { badRequest } from '../control/control-error';
import { requireAccount, requireAccountAt } from '../control/sim-control';
import {
  parsePhoneNumber,
  rejectUnknownFields,
  requireObject,
  requireOneOf,
  requireString,
} from '../control/validation';
import type { SimCore } from '../core/sim-core';
import type { Addressing } from '../messaging';
import { PresenceRelay, type ChatState } from './presence';

const STATES = ['available', 'unavailable', 'composing', 'recording', 'paused'] as const;
const ADDRESSING: readonly Addressing[] = ['pn', 'lid'];
const CHAT_MAX = 128;

export function registerPresence(core: SimCore): void {
  const relay = new PresenceRelay(core);
  core.registerRoute({
    method: 'POST',
    path: '/control/accounts/:phoneNumber/presence',
    handle: ({ params, body }) => {
      const account = requireAccount(core, parsePhoneNumber(params.phoneNumber));
      const input = requireObject(body);
      rejectUnknownFields(input, ['state', 'chat', 'senderAddressing']);
      const state = requireOneOf(input, 'state', STATES);
      if (state === 'available' || state === 'unavailable') {
        if (input.chat !== undefined || input.senderAddressing !== undefined) {
          throw badRequest(`${state} takes neither chat nor senderAddressing`);
        }
        relay.setAvailability(account, state);
      } else {
        const addressing =
          input.senderAddressing === undefined ? 'pn' : requireOneOf(input, 'senderAddressing', ADDRESSING);
        const partner = requireAccountAt(core, requireString(input, 'chat', { maxLength: CHAT_MAX }).trim());
        relay.sendChatState(account, partner, state satisfies ChatState, addressing);
      }
      return { status: 204 };
    },
  });
}
