// The stanza shape WhatsApp's binary XML decodes to, and the few lookups the sim needs on it.
import type { BinaryNode } from '@whiskeysockets/baileys';

export type { BinaryNode };

export function childNodes(node: BinaryNode | undefined): BinaryNode[] {
  return Array.isArray(node?.content) ? node.content : [];
}

export function childNode(node: BinaryNode | undefined, tag: string): BinaryNode | undefined {
  return childNodes(node).find((child) => child.tag === tag);
}

export function childrenByTag(node: BinaryNode | undefined, tag: string): BinaryNode[] {
  return childNodes(node).filter((child) => child.tag === tag);
}

/** The binary content of a node; strings are taken as UTF-8, as WhatsApp's codec does. */
export function contentBuffer(node: BinaryNode | undefined): Buffer | undefined {
  if (!node || node.content === undefined || Array.isArray(node.content)) return undefined;
  return typeof node.content === 'string' ? Buffer.from(node.content, 'utf8') : Buffer.from(node.content);
}

export function childBuffer(node: BinaryNode | undefined, tag: string): Buffer | undefined {
  return contentBuffer(childNode(node, tag));
}

/** Reads a big-endian unsigned integer child (pre-key ids are 3 bytes, registration ids 4). */
export function childUInt(node: BinaryNode | undefined, tag: string): number | undefined {
  const buffer = childBuffer(node, tag);
  if (!buffer || buffer.length === 0 || buffer.length > 6) return undefined;
  return buffer.readUIntBE(0, buffer.length);
}

export function encodeUInt(value: number, bytes: number): Buffer {
  const buffer = Buffer.alloc(bytes);
  buffer.writeUIntBE(value, 0, bytes);
  return buffer;
}
