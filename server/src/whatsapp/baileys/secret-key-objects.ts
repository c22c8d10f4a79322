// Since Node 24.18 (the KeyObject hardening, nodejs/node#63111) `createHmac` and `createCipheriv`/`createDecipheriv`
// find out whether a key is a KeyObject or a CryptoKey by reading a private field and catching the TypeError it throws
// for anything else. For a Buffer key that is two exceptions, stack traces captured, per call: 16 µs instead of 2 µs
// for an HMAC. libsignal and Baileys' noise transport pass Buffers some twenty times for every incoming message, so
// this alone cost about 0.3 ms of CPU per message (see the README's performance section).
//
// `createSecretKey` takes the buffer-only path and is cheap, and a KeyObject passes the first brand check without a
// throw: the same call with the key wrapped costs 4 µs. The output is identical. Remove this once Node checks brands
// without exceptions.
// The module object itself (not a namespace copy), so the CommonJS callers see the replacement too.
import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';

type KeyedFactory = (algorithm: string, key: unknown, ...rest: unknown[]) => unknown;

/** A non-empty byte key (a Buffer or another Uint8Array) as a secret KeyObject; anything else (a string, a KeyObject, an empty key) as it came. */
export function asSecretKeyObject(key: unknown): unknown {
  return key instanceof Uint8Array && key.byteLength > 0 ? crypto.createSecretKey(key) : key;
}

function withKeyObject(original: KeyedFactory): KeyedFactory {
  return function (this: unknown, algorithm, key, ...rest) {
    return original.call(this, algorithm, asSecretKeyObject(key), ...rest);
  };
}

let installed = false;

/**
 * Makes `createHmac`, `createCipheriv` and `createDecipheriv` wrap byte keys in a KeyObject, for the CommonJS module
 * object (libsignal) and the ES module bindings (Baileys) alike. Idempotent; call it before Baileys is imported.
 */
export function useSecretKeyObjects(): void {
  if (installed) return;
  installed = true;
  const writable = crypto as unknown as Record<'createHmac' | 'createCipheriv' | 'createDecipheriv', KeyedFactory>;
  for (const name of ['createHmac', 'createCipheriv', 'createDecipheriv'] as const) {
    writable[name] = withKeyObject(writable[name]);
  }
  syncBuiltinESMExports();
}
