// What nodes tell each other on the cluster bus: small hints, each naming what changed so the node concerned acts
// at once instead of at its next scan.
import type { SessionUpdate } from '../gateway/session-updates.service';

export interface ClusterMessageMap {
  /** A message was queued for the session: its owner sends it now. */
  'send.queued': { sessionId: string };
  /** The session was started, stopped, logged out or deleted through another node: its owner (or any node, for a
   * session nobody runs) reconciles it now. */
  'session.changed': { sessionId: string };
  /** Webhook subscriptions changed: every node forgets the ones it remembers. */
  'webhooks.changed': Record<string, never>;
  /** A status or QR change of a session this node owns, for realtime clients connected to other nodes. */
  'session.update': SessionUpdate;
}
