// libsignal (Baileys' Signal implementation) writes whole session records to the console, private ratchet keys
// included, whenever a session opens or closes. Those lines must never reach WAGO's logs.

/** The exact openings of libsignal's console messages (node_modules/libsignal/src). */
const LIBSIGNAL_MESSAGES = [
  'Closing session:',
  'Opening session:',
  'Removing old closed session:',
  'Migrating session to:',
  'Session already closed',
  'Session already open',
  'Closing open session in favor of incoming prekey bundle',
  'Decrypted message with closed session.',
  'Failed to decrypt message with any known session',
  'Session error:',
  'V1 session storage migration error',
  'Unhandled bucket type',
  'WARNING: Expected pubkey of length 33',
];

let installed = false;

/** Drops libsignal's console lines (and only those); everything else is printed as before. Idempotent. */
export function quietLibsignal(): void {
  if (installed) return;
  installed = true;
  for (const method of ['info', 'warn', 'error'] as const) {
    const original = console[method].bind(console);
    console[method] = (...args: unknown[]): void => {
      const [first] = args;
      if (typeof first === 'string' && LIBSIGNAL_MESSAGES.some((opening) => first.startsWith(opening))) return;
      original(...args);
    };
  }
}
