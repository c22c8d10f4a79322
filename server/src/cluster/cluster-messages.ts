// What nodes tell each other on the cluster bus: small hints, each naming what changed so the node concerned acts
// at once instead of at its next scan.
import type { SessionUpdate } from '../gateway/session-updates.service';

export interface ClusterMessageMap {
  /** A message was queued for the session: its owner sends it now. */
  'send.queued': { sessionId: string };
  /** A queued message was sent or failed: a request waiting for it on another node answers now. */
  'send.settled': { messageRowId: string };
  /** The session was started, stopped, logged out or deleted through another node: its owner (or any node, for a
   * session nobody runs) reconciles it now. */
  'session.changed': { sessionId: string };
  /** The node that runs the session is giving it to node `to` (rebalancing, or stopping): the others leave it. */
  'session.handoff': { sessionId: string; to: string };
  /** A node joined: the others count it as a peer at once rather than at their next heartbeat. */
  'node.joined': { nodeId: string };
  /** Webhook subscriptions changed: every node forgets the ones it remembers. */
  'webhooks.changed': Record<string, never>;
  /** A status or QR change or a published event of a session this node owns, for realtime clients on other nodes. */
  'session.update': SessionUpdate;
  /** A request for the node concerned (see ClusterRequests). */
  request: { id: string; from: string; kind: keyof ClusterRequestMap; body: unknown };
  /** The concerned node's answer, for the node that asked. */
  answer:
    | { id: string; to: string; ok: true; value: unknown }
    | { id: string; to: string; ok: false; status: number; message: string };
}

/** What a node may ask of the node that runs a session, and what it answers. */
export interface ClusterRequestMap {
  /** A pairing code for the session, which that node is linking. */
  'session.pairing-code': { request: { sessionId: string; phoneNumber: string }; answer: { code: string } };
  /** Log the session's device out at WhatsApp and wipe its credentials. */
  'session.logout': { request: { sessionId: string }; answer: Record<string, never> };
  /** A WhatsAppProvider method on the session's connection (see SessionConnections); arguments and answer are JSON. */
  'session.call': { request: { sessionId: string; method: string; args: unknown[] }; answer: { value: unknown } };
}
