// Contacts' entry point for the sim's composition root: blocklists and profile pictures, with their control routes.
import type { ControlRequest } from '../control/router';
import { requireAccount } from '../control/sim-control';
import { parsePhoneNumber, rejectUnknownFields, requireBase64, requireObject } from '../control/validation';
import type { SimCore } from '../core/sim-core';
import type { MediaHost } from '../media';
import { Blocklist } from './blocklist';
import { ProfilePictures } from './profile-pictures';

export type { BlockedAccountView } from './blocklist';

export function registerContacts(core: SimCore, media: MediaHost): void {
  const blocklist = new Blocklist(core);
  const pictures = new ProfilePictures(core, media);
  const account = (request: ControlRequest) => requireAccount(core, parsePhoneNumber(request.params.phoneNumber));

  core.registerRoute({
    method: 'GET',
    path: '/control/accounts/:phoneNumber/blocklist',
    handle: (request) => ({ status: 200, body: blocklist.list(account(request)) }),
  });
  // The phone blocks or unblocks someone (not through a linked device): every linked device hears of it.
  for (const [method, action] of [
    ['PUT', 'block'],
    ['DELETE', 'unblock'],
  ] as const) {
    core.registerRoute({
      method,
      path: '/control/accounts/:phoneNumber/blocklist/:target',
      handle: (request) => {
        const target = requireAccount(core, parsePhoneNumber(request.params.target, 'target'));
        blocklist.change(account(request), action, target);
        return { status: 204 };
      },
    });
  }
  core.registerRoute({
    method: 'GET',
    path: '/control/accounts/:phoneNumber/number-checks',
    handle: (request) => ({
      status: 200,
      body: account(request).numberChecks.map(({ phoneNumbers, at }) => ({
        phoneNumbers,
        at: new Date(at).toISOString(),
      })),
    }),
  });
  core.registerRoute({
    method: 'PUT',
    path: '/control/accounts/:phoneNumber/picture',
    handle: async (request) => {
      const owner = account(request);
      const input = requireObject(request.body);
      rejectUnknownFields(input, ['data']);
      const { id, url } = await pictures.set(owner, requireBase64(input, 'data'));
      return { status: 200, body: { id, url } };
    },
  });
  core.registerRoute({
    method: 'DELETE',
    path: '/control/accounts/:phoneNumber/picture',
    handle: (request) => {
      pictures.remove(account(request));
      return { status: 204 };
    },
  });
}
