// Baileys is ESM-only while the sim compiles to CommonJS: its codec, protobufs and jid helpers are loaded once, here.
export type WaLibrary = typeof import('@whiskeysockets/baileys');

let loading: Promise<WaLibrary> | undefined;

export function loadWaLibrary(): Promise<WaLibrary> {
  loading ??= import('@whiskeysockets/baileys');
  return loading;
}
