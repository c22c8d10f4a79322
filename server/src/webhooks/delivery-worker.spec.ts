import type { AppConfig } from '../core/config/app-config';
import { FakeClock, settle } from '../../test/support/fake-clock';
import type { DeliveriesRepository } from './deliveries.repository';
import type { DeliveryJob, DeliveryQueue } from './delivery-queue';
import { DeliveryWorker } from './delivery-worker';
import type { DeliveryService, PreparedAttempt, SentAttempt } from './delivery.service';

/** A queue, a delivery service and a receiver whose answers come when the test says so. */
function harness(options: { perReceiver?: number; maxInFlight?: number } = {}) {
  const clock = new FakeClock();
  const due: DeliveryJob[] = [];
  const fetches: number[] = [];
  const completed: string[][] = [];
  const released: string[] = [];
  const inFlight = new Map<string, () => void>();
  let nextId = 0;
  const queue = {
    fetch: async (count: number) => {
      fetches.push(count);
      return due.splice(0, count);
    },
    complete: async (ids: string[]) => void completed.push(ids),
    release: async (ids: string[]) => void released.push(...ids),
  } as unknown as DeliveryQueue;
  const delivery = {
    prepare: async (jobs: DeliveryJob[]) => ({ ready: jobs.map((job) => ({ job, context: {} })), finished: [] }),
    send: (attempt: PreparedAttempt) =>
      new Promise<SentAttempt>((resolve) =>
        inFlight.set(attempt.job.id, () => resolve({ ...attempt, at: clock.now() } as SentAttempt)),
      ),
    finish: async () => undefined,
  } as unknown as DeliveryService;
  const deliveries = { defer: async () => undefined } as unknown as DeliveriesRepository;
  const config = {
    webhooks: { concurrencyPerReceiver: options.perReceiver ?? 10, maxInFlight: options.maxInFlight ?? 500 },
  } as AppConfig;
  const worker = new DeliveryWorker(queue, delivery, deliveries, config, clock);
  const enqueue = (count: number, targetId = 'w1'): void => {
    for (let i = 0; i < count; i++) due.push({ id: `job-${nextId}`, deliveryId: `d-${nextId++}`, targetId });
  };
  /** The receiver answers the request of `jobId`. */
  const answer = async (jobId: string): Promise<void> => {
    inFlight.get(jobId)?.();
    inFlight.delete(jobId);
    await settle();
  };
  /** Shuts down with every request answered, so the grace period is not waited for. */
  const stop = async (): Promise<void> => {
    for (const jobId of [...inFlight.keys()]) await answer(jobId);
    await worker.beforeApplicationShutdown();
  };
  return { clock, worker, enqueue, answer, stop, fetches, completed, released, inFlight };
}

describe('DeliveryWorker', () => {
  it('looks for jobs at once when woken, and otherwise every poll interval', async () => {
    const { clock, worker, enqueue, stop, fetches, inFlight } = harness();
    worker.onApplicationBootstrap();
    await clock.advance(0);
    expect(fetches).toHaveLength(1);
    enqueue(1);
    worker.wake();
    await clock.advance(0);
    expect(fetches).toHaveLength(2);
    expect([...inFlight.keys()]).toEqual(['job-0']);
    await clock.advance(499);
    expect(fetches).toHaveLength(2);
    await clock.advance(1);
    expect(fetches).toHaveLength(3);
    await stop();
  });

  it('fetches again at once while a fetch comes back full', async () => {
    const { clock, worker, enqueue, stop, fetches, inFlight } = harness({ maxInFlight: 250, perReceiver: 500 });
    enqueue(230);
    worker.onApplicationBootstrap();
    await clock.advance(0);
    // 100, 100, then the 50 slots left of 250: the third came back short of nothing, so no fourth at once.
    expect(fetches).toEqual([100, 100, 50]);
    expect(inFlight.size).toBe(230);
    await stop();
  });

  it('keeps at most the receiver’s concurrency in flight, starting the next as each answers', async () => {
    const { clock, worker, enqueue, answer, stop, inFlight } = harness({ perReceiver: 2 });
    enqueue(3, 'slow');
    enqueue(1, 'other');
    worker.onApplicationBootstrap();
    await clock.advance(0);
    expect([...inFlight.keys()].sort()).toEqual(['job-0', 'job-1', 'job-3']);
    await answer('job-0');
    expect([...inFlight.keys()].sort()).toEqual(['job-1', 'job-2', 'job-3']);
    await stop();
  });

  it('writes completions in batches, a short while after the first', async () => {
    const { clock, worker, enqueue, answer, completed } = harness();
    enqueue(3);
    worker.onApplicationBootstrap();
    await clock.advance(0);
    await answer('job-0');
    await answer('job-1');
    expect(completed).toEqual([]);
    await clock.advance(20);
    expect(completed).toEqual([['job-0', 'job-1']]);
    await answer('job-2');
    await worker.beforeApplicationShutdown();
    expect(completed).toEqual([['job-0', 'job-1'], ['job-2']]);
  });

  it('at shutdown waits the grace period for requests in flight, then hands the rest back to the queue', async () => {
    const { clock, worker, enqueue, answer, completed, released } = harness();
    enqueue(2);
    worker.onApplicationBootstrap();
    await clock.advance(0);
    const stopping = worker.beforeApplicationShutdown();
    await answer('job-0');
    await clock.advance(4_999);
    expect(released).toEqual([]);
    await clock.advance(1);
    await stopping;
    expect(completed.flat()).toEqual(['job-0']);
    expect(released).toEqual(['job-1']);
  });
});
