// Baileys is ESM-only and this server compiles to CommonJS: every use goes through this one cached dynamic import.
import { quietLibsignal } from './quiet-libsignal';

export type Baileys = typeof import('@whiskeysockets/baileys');

let loading: Promise<Baileys> | undefined;

export function loadBaileys(): Promise<Baileys> {
  loading ??= import('@whiskeysockets/baileys').then((baileys) => {
    quietLibsignal();
    return baileys;
  });
  return loading;
}
