// How a node decides which of its sessions to give away so that the cluster's sessions spread evenly.

export interface NodeLoad {
  id: string;
  /** Sessions it runs. */
  sessions: number;
}

export interface Handoff {
  sessionId: string;
  /** The node that takes it. */
  to: string;
}

/**
 * This node's share of the rebalancing: of `movable` (its sessions that may move now), which go to which node, at
 * most `max` at a time. With S sessions on K nodes, a node over ⌈S/K⌉ gives to the least loaded nodes under it,
 * one at a time, as long as a move narrows the gap (giver − taker ≥ 2), so every node ends between ⌊S/K⌋ and ⌈S/K⌉
 * and nothing moves back and forth. Every node runs this on its own: each only ever gives, never takes.
 */
export function planHandoffs(selfId: string, nodes: NodeLoad[], movable: string[], max: number): Handoff[] {
  const self = nodes.find((node) => node.id === selfId);
  if (!self || nodes.length < 2) return [];
  const total = nodes.reduce((sum, node) => sum + node.sessions, 0);
  const ceiling = Math.ceil(total / nodes.length);
  const others = nodes.filter((node) => node.id !== selfId).map((node) => ({ ...node }));
  let mine = self.sessions;
  const plan: Handoff[] = [];
  for (const sessionId of movable) {
    if (plan.length >= max || mine <= ceiling) break;
    const taker = others
      .filter((node) => node.sessions < ceiling)
      .sort((a, b) => a.sessions - b.sessions || a.id.localeCompare(b.id))[0];
    if (!taker || mine - taker.sessions < 2) break;
    plan.push({ sessionId, to: taker.id });
    taker.sessions += 1;
    mine -= 1;
  }
  return plan;
}
