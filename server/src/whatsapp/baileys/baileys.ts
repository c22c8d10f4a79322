// Baileys is ESM-only and this server compiles to CommonJS: every use goes through this one cached dynamic import.
import { quietLibsignal } from './quiet-libsignal';
import { useSecretKeyObjects } from './secret-key-objects';

export type Baileys = typeof import('@whiskeysockets/baileys');

let loading: Promise<Baileys> | undefined;

export function loadBaileys(): Promise<Baileys> {
  useSecretKeyObjects();
  loading ??= import('@whiskeysockets/baileys').then((baileys) => {
    quietLibsignal();
    return baileys;
  });
  return loading;
}
