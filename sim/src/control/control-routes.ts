// The control API's own routes (accounts, linking, disconnects, outages, health); features add theirs beside them.
import type { SimCore } from '../core/sim-core';
import type { OutageMode } from '../transport/traffic-gate';
import { badRequest } from './control-error';
import { DISCONNECT_REASONS, type LinkRequest, type SimControl } from './sim-control';
import {
  optionalString,
  parsePhoneNumber,
  rejectUnknownFields,
  requireNumber,
  requireObject,
  requireOneOf,
  requireString,
} from './validation';

const OUTAGE_MODES: readonly OutageMode[] = ['refuse', 'delay'];
const MAX_OUTAGE_SECONDS = 3_600;
const MAX_NAME_LENGTH = 100;
const MAX_QR_LENGTH = 1_000;

export function registerControlRoutes(core: SimCore, control: SimControl): void {
  core.registerRoute({
    method: 'POST',
    path: '/control/accounts',
    handle: ({ body }) => {
      const input = requireObject(body);
      rejectUnknownFields(input, ['phoneNumber', 'pushName', 'history']);
      const phoneNumber = parsePhoneNumber(input.phoneNumber);
      const pushName = requireString(input, 'pushName', { maxLength: MAX_NAME_LENGTH });
      return { status: 201, body: control.createAccount(phoneNumber, pushName, input.history) };
    },
  });

  core.registerRoute({
    method: 'GET',
    path: '/control/accounts',
    handle: () => ({ status: 200, body: control.accounts() }),
  });

  core.registerRoute({
    method: 'GET',
    path: '/control/accounts/:phoneNumber/devices',
    handle: ({ params }) => ({ status: 200, body: control.devices(parsePhoneNumber(params.phoneNumber)) }),
  });

  core.registerRoute({
    method: 'POST',
    path: '/control/accounts/:phoneNumber/link',
    handle: async ({ params, body }) => {
      const phoneNumber = parsePhoneNumber(params.phoneNumber);
      const input = requireObject(body);
      rejectUnknownFields(input, ['qr', 'pairingCode']);
      const qr = optionalString(input, 'qr', { maxLength: MAX_QR_LENGTH });
      const pairingCode = optionalString(input, 'pairingCode', { maxLength: 16 });
      if ((qr === undefined) === (pairingCode === undefined)) throw badRequest('give exactly one of qr or pairingCode');
      const request: LinkRequest = qr !== undefined ? { qr } : { pairingCode: pairingCode ?? '' };
      return { status: 200, body: await control.link(phoneNumber, request) };
    },
  });

  core.registerRoute({
    method: 'POST',
    path: '/control/scan',
    handle: async ({ body }) => {
      const input = requireObject(body);
      rejectUnknownFields(input, ['qr', 'pushName']);
      const qr = requireString(input, 'qr', { maxLength: MAX_QR_LENGTH });
      const pushName = optionalString(input, 'pushName', { maxLength: MAX_NAME_LENGTH });
      return { status: 201, body: await control.scan(qr, pushName) };
    },
  });

  core.registerRoute({
    method: 'POST',
    path: '/control/accounts/:phoneNumber/disconnect',
    handle: ({ params, body }) => {
      const phoneNumber = parsePhoneNumber(params.phoneNumber);
      const input = requireObject(body);
      rejectUnknownFields(input, ['reason']);
      control.disconnect(phoneNumber, requireOneOf(input, 'reason', DISCONNECT_REASONS));
      return { status: 204 };
    },
  });

  core.registerRoute({
    method: 'POST',
    path: '/control/outage',
    handle: ({ body }) => {
      const input = requireObject(body);
      rejectUnknownFields(input, ['seconds', 'mode']);
      const seconds = requireNumber(input, 'seconds', { min: 0, max: MAX_OUTAGE_SECONDS });
      control.outage(seconds, requireOneOf(input, 'mode', OUTAGE_MODES));
      return { status: 204 };
    },
  });

  core.registerRoute({
    method: 'GET',
    path: '/control/health',
    handle: () => ({ status: 200, body: control.health() }),
  });
}
