// Peer messages: what a phone sends its own linked devices (history sync notifications, app state keys), marked
// `category="peer"` so the device answers with a `peer_msg` receipt instead of a delivery one.
import type { BinaryNode } from '../core/binary-node';
import type { Encrypted } from './stanzas';

export function peerMessage(envelope: { id: string; t: number; from: string; encrypted: Encrypted }): BinaryNode {
  const { id, t, from, encrypted } = envelope;
  return {
    tag: 'message',
    attrs: { from, id, type: 'text', t: String(t), category: 'peer', push_priority: 'high_force' },
    content: [{ tag: 'enc', attrs: { v: '2', type: encrypted.type }, content: encrypted.ciphertext }],
  };
}
