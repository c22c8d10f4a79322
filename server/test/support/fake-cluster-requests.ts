// Requests between nodes, for unit tests: what this node asked (answered as the test says) and its own handlers,
// callable as if another node asked.
import { ClusterRequests, NodeUnavailableError, RequestHandler } from '../../src/cluster/cluster-requests';
import type { ClusterRequestMap } from '../../src/cluster/cluster-messages';

type Kind = keyof ClusterRequestMap;

export class FakeClusterRequests {
  readonly asked: { kind: Kind; request: unknown }[] = [];
  readonly answers = new Map<Kind, unknown>();
  private readonly handlers = new Map<Kind, RequestHandler<Kind>>();

  answer<K extends Kind>(kind: K, handler: RequestHandler<K>): void {
    this.handlers.set(kind, handler as unknown as RequestHandler<Kind>);
  }

  async ask<K extends Kind>(
    kind: K,
    request: ClusterRequestMap[K]['request'],
  ): Promise<ClusterRequestMap[K]['answer']> {
    this.asked.push({ kind, request });
    // No answer set up: no node answers in time.
    if (!this.answers.has(kind)) throw new NodeUnavailableError(`No node of the cluster answered in time (${kind})`);
    return this.answers.get(kind) as ClusterRequestMap[K]['answer'];
  }

  /** What this node answers when another asks; null when it is not the one concerned. */
  handle<K extends Kind>(
    kind: K,
    request: ClusterRequestMap[K]['request'],
  ): Promise<ClusterRequestMap[K]['answer']> | null {
    const handler = this.handlers.get(kind);
    if (!handler) throw new Error(`no handler for ${kind}`);
    return handler(request as never) as Promise<ClusterRequestMap[K]['answer']> | null;
  }

  asRequests(): ClusterRequests {
    return this as unknown as ClusterRequests;
  }
}
