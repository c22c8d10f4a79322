// The cluster bus between this node and the others, for unit tests: what the node published, and a way to deliver
// a message as if another node had sent it.
import type { ClusterBus } from '../../src/cluster/cluster-bus';
import type { ClusterMessageMap } from '../../src/cluster/cluster-messages';

type Kind = keyof ClusterMessageMap;

export class FakeClusterBus {
  readonly published: { kind: Kind; payload: unknown }[] = [];
  private readonly listeners = new Map<Kind, ((payload: never) => void)[]>();

  on<K extends Kind>(kind: K, listener: (payload: ClusterMessageMap[K]) => void): () => void {
    this.listeners.set(kind, [...(this.listeners.get(kind) ?? []), listener as (payload: never) => void]);
    return () =>
      this.listeners.set(
        kind,
        (this.listeners.get(kind) ?? []).filter((entry) => entry !== listener),
      );
  }

  async publish<K extends Kind>(kind: K, payload: ClusterMessageMap[K]): Promise<void> {
    this.published.push({ kind, payload });
  }

  receive<K extends Kind>(kind: K, payload: ClusterMessageMap[K]): void {
    for (const listener of this.listeners.get(kind) ?? []) listener(payload as never);
  }

  asBus(): ClusterBus {
    return this as unknown as ClusterBus;
  }
}
