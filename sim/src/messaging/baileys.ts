// Baileys is ESM-only while the sim compiles to CommonJS: load it once through a dynamic import and share the module.
export type Baileys = typeof import('@whiskeysockets/baileys');
export type BinaryNode = import('@whiskeysockets/baileys').BinaryNode;
export type WAMessageContent = import('@whiskeysockets/baileys').proto.IMessage;
export type SignalRepository = ReturnType<Baileys['DEFAULT_CONNECTION_CONFIG']['makeSignalRepository']>;

let loading: Promise<Baileys> | undefined;

export const loadBaileys = (): Promise<Baileys> => {
  loading ??= import('@whiskeysockets/baileys');
  return loading;
};
