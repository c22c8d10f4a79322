import { Logger } from '@nestjs/common';
import { FakeClock } from '../../../test/support/fake-clock';
import { WriteBehindBatcher } from './write-behind-batcher';

function setup(write: (items: number[]) => Promise<void> = async () => undefined) {
  const clock = new FakeClock();
  const batches: number[][] = [];
  const batcher = new WriteBehindBatcher<number>(
    'numbers',
    async (items) => {
      batches.push(items);
      await write(items);
    },
    { maxItems: 3, maxDelayMs: 100 },
    clock,
  );
  return { clock, batches, batcher };
}

describe('WriteBehindBatcher', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('writes a batch the moment it is full', async () => {
    const { clock, batches, batcher } = setup();
    [1, 2, 3, 4].forEach((item) => batcher.add(item));
    await clock.advance(0);
    expect(batches).toEqual([[1, 2, 3]]);
    expect(batcher.waiting).toBe(1);
  });

  it('writes a partial batch the delay after its first item', async () => {
    const { clock, batches, batcher } = setup();
    batcher.add(1);
    await clock.advance(60);
    batcher.add(2);
    await clock.advance(39);
    expect(batches).toEqual([]);
    await clock.advance(1);
    expect(batches).toEqual([[1, 2]]);
  });

  it('writes one batch at a time, in order', async () => {
    const clock = new FakeClock();
    const log: string[] = [];
    const batcher = new WriteBehindBatcher<number>(
      'numbers',
      async (items) => {
        log.push(`start ${items.join()}`);
        await clock.sleep(50);
        log.push(`end ${items.join()}`);
      },
      { maxItems: 2, maxDelayMs: 100 },
      clock,
    );
    [1, 2, 3, 4].forEach((item) => batcher.add(item));
    await clock.advance(100);
    expect(log).toEqual(['start 1,2', 'end 1,2', 'start 3,4', 'end 3,4']);
  });

  it('flush and close write what is waiting; a closed batcher refuses items', async () => {
    const { batches, batcher } = setup();
    batcher.add(1);
    await batcher.flush();
    expect(batches).toEqual([[1]]);
    batcher.add(2);
    await batcher.close();
    expect(batches).toEqual([[1], [2]]);
    expect(() => batcher.add(3)).toThrow('closed');
  });

  it('logs a failed write and goes on with the next batch', async () => {
    let fail = true;
    const { batches, batcher } = setup(async () => {
      if (fail) throw new Error('database away');
    });
    batcher.add(1);
    await expect(batcher.flush()).rejects.toThrow('database away');
    fail = false;
    batcher.add(2);
    await batcher.flush();
    expect(batches).toEqual([[1], [2]]);
  });
});
