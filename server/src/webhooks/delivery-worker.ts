// Runs due delivery jobs with bounded concurrency per receiver, so a slow or dead receiver only ever occupies its own
// lane: jobs it cannot finish soon are handed back to the queue for later instead of piling up in memory.
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../core/config/app-config';
import { DeliveriesRepository } from './deliveries.repository';
import { DeliveryJob, DeliveryQueue } from './delivery-queue';
import { DeliveryService } from './delivery.service';

const FETCH_BATCH = 100;
/** How often the queue is polled when idle; jobs committed in this process wake the loop at once. */
const POLL_INTERVAL_MS = 500;
const COMPLETION_FLUSH_MS = 20;
/** A job may wait in its lane this long; a lane that cannot start it sooner hands it back to the queue. */
const MAX_LANE_WAIT_MS = 10_000;
/** What a receiver whose answers we have not timed yet is assumed to take. */
const INITIAL_LATENCY_MS = 1000;
const LATENCY_SMOOTHING = 0.2;
const SHUTDOWN_GRACE_MS = 5000;

interface WaitingJob {
  job: DeliveryJob;
  since: number;
}

/** One receiver's share of this process: at most `concurrencyPerReceiver` attempts at a time. */
interface Lane {
  active: number;
  waiting: WaitingJob[];
  /** Smoothed attempt duration: how fast this receiver drains its lane. */
  latencyMs: number;
}

@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DeliveryWorker.name);
  private readonly lanes = new Map<string, Lane>();
  private readonly tasks = new Set<Promise<void>>();
  private readonly active = new Set<string>();
  private readonly completed: string[] = [];
  private readonly perReceiver: number;
  private readonly maxInFlight: number;
  private held = 0;
  private running = false;
  private wakeRequested = false;
  private loop: Promise<void> | undefined;
  private wakeLoop: (() => void) | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly queue: DeliveryQueue,
    private readonly delivery: DeliveryService,
    private readonly deliveries: DeliveriesRepository,
    config: AppConfig,
  ) {
    this.perReceiver = config.webhooks.concurrencyPerReceiver;
    this.maxInFlight = config.webhooks.maxInFlight;
  }

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
    this.sweepTimer = setInterval(() => this.sweepWaiting(), 1000);
  }

  /** New jobs were committed in this process: look for them now rather than at the next poll. */
  wake(): void {
    this.wakeRequested = true;
    this.wakeLoop?.();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearInterval(this.sweepTimer);
    this.wake();
    await this.loop;
    const waiting = [...this.lanes.values()].flatMap((lane) => lane.waiting.splice(0).map((entry) => entry.job.id));
    this.held -= waiting.length;
    await this.settle(SHUTDOWN_GRACE_MS);
    await this.flushCompleted();
    // What could not finish goes back to the queue at once, for a restart or another node.
    await this.queue.release([...waiting, ...this.active]).catch((error: unknown) => this.logError(error, 'release'));
  }

  private async run(): Promise<void> {
    while (this.running) {
      const wanted = Math.min(this.maxInFlight - this.held, FETCH_BATCH);
      let fetched = 0;
      if (wanted > 0) {
        try {
          const jobs = await this.queue.fetch(wanted);
          fetched = jobs.length;
          for (const job of jobs) this.admit(job);
        } catch (error) {
          this.logError(error, 'fetch');
        }
      }
      if (this.running && (wanted === 0 || fetched < wanted)) await this.pause(POLL_INTERVAL_MS);
    }
  }

  /** Sleeps until the next poll, unless a wake-up came meanwhile (even during the last fetch). */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakeLoop = undefined;
        this.wakeRequested = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      if (this.wakeRequested) done();
      else this.wakeLoop = done;
    });
  }

  private lane(webhookId: string): Lane {
    let lane = this.lanes.get(webhookId);
    if (!lane) {
      lane = { active: 0, waiting: [], latencyMs: INITIAL_LATENCY_MS };
      this.lanes.set(webhookId, lane);
    }
    return lane;
  }

  private admit(job: DeliveryJob): void {
    const lane = this.lane(job.webhookId);
    this.held++;
    if (lane.active < this.perReceiver) {
      this.start(job, lane);
    } else if (lane.waiting.length < this.waitCapacity(lane)) {
      lane.waiting.push({ job, since: Date.now() });
    } else {
      this.defer(job, lane);
    }
  }

  /** As many jobs as the lane can start within MAX_LANE_WAIT_MS at its receiver's pace. */
  private waitCapacity(lane: Lane): number {
    return Math.max(this.perReceiver, Math.floor((this.perReceiver * MAX_LANE_WAIT_MS) / Math.max(lane.latencyMs, 1)));
  }

  private start(job: DeliveryJob, lane: Lane): void {
    lane.active++;
    this.active.add(job.id);
    const started = performance.now();
    this.track(
      this.delivery.attempt(job).then(
        () => this.complete(job.id),
        (error: unknown) => {
          // Not an answer from the receiver but our own trouble (database): pg-boss retries the job shortly.
          this.logError(error, `attempt of delivery ${job.deliveryId}`);
          return this.queue.release([job.id]).catch((failure: unknown) => this.logError(failure, 'release'));
        },
      ),
      () => {
        lane.latencyMs += LATENCY_SMOOTHING * (performance.now() - started - lane.latencyMs);
        lane.active--;
        this.active.delete(job.id);
        this.finished(job.webhookId, lane);
      },
    );
  }

  private defer(job: DeliveryJob, lane: Lane): void {
    const drainMs = Math.ceil(((lane.waiting.length + lane.active) / this.perReceiver) * lane.latencyMs);
    const delayMs = Math.min(Math.max(drainMs, 1000), 30_000);
    this.track(
      this.deliveries.defer(job.deliveryId, job.webhookId, job.id, delayMs).then(
        () => this.complete(job.id),
        (error: unknown) => this.logError(error, `deferral of delivery ${job.deliveryId}`),
      ),
      () => this.finished(job.webhookId, lane),
    );
  }

  private finished(webhookId: string, lane: Lane): void {
    const wasFull = this.held >= this.maxInFlight;
    this.held--;
    const next = lane.waiting.shift();
    if (next && this.running) {
      this.held--;
      this.admit(next.job);
    } else if (lane.active === 0 && lane.waiting.length === 0 && this.lanes.get(webhookId) === lane) {
      this.lanes.delete(webhookId);
    }
    if (wasFull) this.wake();
  }

  /** Jobs that waited too long behind a slow receiver go back to the queue for later. */
  private sweepWaiting(): void {
    const cutoff = Date.now() - MAX_LANE_WAIT_MS;
    for (const lane of this.lanes.values()) {
      while (lane.waiting.length > 0 && lane.waiting[0].since < cutoff) {
        const entry = lane.waiting.shift() as WaitingJob;
        this.defer(entry.job, lane);
      }
    }
  }

  private complete(jobId: string): void {
    this.completed.push(jobId);
    if (this.completed.length >= FETCH_BATCH) this.track(this.flushCompleted());
    else this.flushTimer ??= setTimeout(() => this.track(this.flushCompleted()), COMPLETION_FLUSH_MS);
  }

  private async flushCompleted(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const ids = this.completed.splice(0);
    // A job left uncompleted expires and runs again, and is then skipped as stale: losing a completion is harmless.
    await this.queue.complete(ids).catch((error: unknown) => this.logError(error, 'complete'));
  }

  private track(task: Promise<unknown>, after?: () => void): void {
    const tracked: Promise<void> = task
      .then(
        () => undefined,
        (error: unknown) => this.logError(error, 'task'),
      )
      .finally(() => {
        this.tasks.delete(tracked);
        after?.();
      });
    this.tasks.add(tracked);
  }

  private async settle(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.tasks.size > 0 && Date.now() < deadline) {
      await Promise.race([Promise.all(this.tasks), new Promise((resolve) => setTimeout(resolve, 100))]);
    }
  }

  private logError(error: unknown, during: string): void {
    this.logger.error({ err: error }, `Webhook worker error during ${during}`);
  }
}
