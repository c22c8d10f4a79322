// Calls' entry point for the sim's composition root: the call signalling, and the routes to place calls and read
// how they ended.
import { badRequest } from '../control/control-error';
import { requireAccount, requireAccountAt } from '../control/sim-control';
import {
  optionalBoolean,
  parsePhoneNumber,
  rejectUnknownFields,
  requireObject,
  requireOneOf,
  requireString,
} from '../control/validation';
import type { SimCore } from '../core/sim-core';
import type { Addressing } from '../messaging';
import { Calls } from './calls';

export type { CallStatus, CallView } from './calls';

const ADDRESSING: readonly Addressing[] = ['pn', 'lid'];
const TO_MAX = 128;

export function registerCalls(core: SimCore, options: { ringTimeoutMs?: number } = {}): void {
  const calls = new Calls(core, options.ringTimeoutMs);
  core.registerRoute({
    method: 'POST',
    path: '/control/accounts/:phoneNumber/call',
    handle: ({ params, body }) => {
      const caller = requireAccount(core, parsePhoneNumber(params.phoneNumber));
      const input = requireObject(body);
      rejectUnknownFields(input, ['to', 'video', 'callerAddressing']);
      const callee = requireAccountAt(core, requireString(input, 'to', { maxLength: TO_MAX }).trim());
      if (callee === caller) throw badRequest('an account cannot call itself');
      const addressing =
        input.callerAddressing === undefined ? 'lid' : requireOneOf(input, 'callerAddressing', ADDRESSING);
      const offered = calls.offer(caller, { to: callee, video: optionalBoolean(input, 'video') ?? false, addressing });
      return { status: 201, body: offered };
    },
  });
  core.registerRoute({
    method: 'GET',
    path: '/control/accounts/:phoneNumber/calls',
    handle: ({ params }) => ({
      status: 200,
      body: calls.list(requireAccount(core, parsePhoneNumber(params.phoneNumber))),
    }),
  });
}
