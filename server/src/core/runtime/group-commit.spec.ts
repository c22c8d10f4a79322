import { GroupCommit } from './group-commit';

/** A batch writer whose writes finish when the test says so. */
function controlledWriter(fails: (item: number) => boolean = () => false) {
  const batches: number[][] = [];
  const finish: (() => void)[] = [];
  const writeBatch = (items: number[]): Promise<void> => {
    batches.push(items);
    return new Promise((resolve, reject) => {
      finish.push(() => (items.some(fails) ? reject(new Error(`bad ${items.join(',')}`)) : resolve()));
    });
  };
  const finishNext = async (): Promise<void> => {
    finish.shift()?.();
    // Let the committer see the outcome and start its next batch.
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return { batches, writeBatch, finishNext };
}

describe('GroupCommit', () => {
  it('writes a lone item at once, and gathers what arrives meanwhile into the next batch', async () => {
    const writer = controlledWriter();
    const commit = new GroupCommit(writer.writeBatch);
    const first = commit.write(1);
    expect(writer.batches).toEqual([[1]]);
    const later = [commit.write(2), commit.write(3), commit.write(4)];
    expect(writer.batches).toEqual([[1]]);
    await writer.finishNext();
    await expect(first).resolves.toBeUndefined();
    expect(writer.batches).toEqual([[1], [2, 3, 4]]);
    await writer.finishNext();
    await expect(Promise.all(later)).resolves.toHaveLength(3);
  });

  it('keeps batches within their maximum size', async () => {
    const writer = controlledWriter();
    const commit = new GroupCommit(writer.writeBatch, 2);
    const all = [1, 2, 3, 4, 5].map((item) => commit.write(item));
    for (let i = 0; i < 3; i++) await writer.finishNext();
    await Promise.all(all);
    expect(writer.batches).toEqual([[1], [2, 3], [4, 5]]);
  });

  it('writes a failed batch again item by item, so only the bad item fails', async () => {
    const writer = controlledWriter((item) => item === 3);
    const commit = new GroupCommit(writer.writeBatch);
    const first = commit.write(1);
    const rest = [2, 3, 4].map((item) => commit.write(item));
    const outcomes = Promise.allSettled(rest);
    for (let i = 0; i < 5; i++) await writer.finishNext();
    await first;
    expect((await outcomes).map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(writer.batches).toEqual([[1], [2, 3, 4], [2], [3], [4]]);
  });

  it('fails the items a committed batch refused, and only those', async () => {
    const commit = new GroupCommit<number>(async (items) =>
      items.map((item) => (item % 2 === 0 ? new Error(`refused ${item}`) : undefined)),
    );
    const outcomes = await Promise.allSettled([1, 2, 3, 4].map((item) => commit.write(item)));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected']);
    expect((outcomes[3] as PromiseRejectedResult).reason).toEqual(new Error('refused 4'));
  });
});
