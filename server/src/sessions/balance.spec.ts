import { NodeLoad, planHandoffs } from './balance';

const ids = (count: number): string[] => Array.from({ length: count }, (_, index) => `s${index}`);

/** Runs every node's plan round after round, as the cluster does, until nothing moves. */
function settle(nodes: NodeLoad[], max: number): { loads: number[]; rounds: number } {
  const loads = nodes.map((node) => ({ ...node }));
  for (let round = 1; round <= 100; round++) {
    const plans = loads.map((node) => planHandoffs(node.id, loads, ids(node.sessions), max));
    if (plans.every((plan) => plan.length === 0))
      return { loads: loads.map((node) => node.sessions), rounds: round - 1 };
    plans.forEach((plan, index) => {
      for (const handoff of plan) {
        loads[index].sessions -= 1;
        (loads.find((node) => node.id === handoff.to) as NodeLoad).sessions += 1;
      }
    });
  }
  throw new Error('never settled');
}

describe('planHandoffs', () => {
  it('gives a joining node its share from the nodes over theirs, least loaded first', () => {
    const nodes = [
      { id: 'a', sessions: 75 },
      { id: 'b', sessions: 75 },
      { id: 'c', sessions: 0 },
    ];
    const plan = planHandoffs('a', nodes, ids(75), 10);
    expect(plan).toHaveLength(10);
    expect(plan.every((handoff) => handoff.to === 'c')).toBe(true);
    expect(planHandoffs('c', nodes, [], 10)).toEqual([]);
  });

  it('ends with every node between ⌊S/K⌋ and ⌈S/K⌉, whatever the start', () => {
    const starts = [
      [150, 0, 0],
      [75, 75, 0],
      [7, 0, 0, 0],
      [1, 0],
      [10, 9, 1],
      [5, 5, 5],
      [0, 0, 0],
    ];
    for (const start of starts) {
      const nodes = start.map((sessions, index) => ({ id: `n${index}`, sessions }));
      const total = start.reduce((sum, count) => sum + count, 0);
      const { loads } = settle(nodes, 10);
      for (const load of loads) {
        expect(load).toBeGreaterThanOrEqual(Math.floor(total / start.length));
        expect(load).toBeLessThanOrEqual(Math.ceil(total / start.length));
      }
      expect(loads.reduce((sum, count) => sum + count, 0)).toBe(total);
    }
  });

  it('moves nothing when the gap is one session or less, or when it is alone', () => {
    expect(
      planHandoffs(
        'a',
        [
          { id: 'a', sessions: 2 },
          { id: 'b', sessions: 1 },
        ],
        ids(2),
        10,
      ),
    ).toEqual([]);
    expect(planHandoffs('a', [{ id: 'a', sessions: 9 }], ids(9), 10)).toEqual([]);
    expect(
      planHandoffs(
        'gone',
        [
          { id: 'a', sessions: 9 },
          { id: 'b', sessions: 0 },
        ],
        ids(9),
        10,
      ),
    ).toEqual([]);
  });

  it('gives only sessions that may move, and no more than asked at once', () => {
    const nodes = [
      { id: 'a', sessions: 20 },
      { id: 'b', sessions: 0 },
    ];
    expect(planHandoffs('a', nodes, ['only'], 10)).toEqual([{ sessionId: 'only', to: 'b' }]);
    expect(planHandoffs('a', nodes, ids(20), 3)).toHaveLength(3);
  });
});
