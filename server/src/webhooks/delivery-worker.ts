// Runs due delivery jobs with bounded concurrency per receiver, so a slow or dead receiver only ever occupies its own
// lane: jobs it cannot start soon are handed back to the queue for later instead of piling up in memory. A lane slot
// is held only for the HTTP request; reading and recording happen in batches outside it.
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../core/config/app-config';
import { DeliveriesRepository } from './deliveries.repository';
import { DeliveryJob, DeliveryQueue } from './delivery-queue';
import { DeliveryService, PreparedAttempt } from './delivery.service';

const FETCH_BATCH = 100;
/** How often the queue is polled when idle; jobs committed in this process wake the loop at once. */
const POLL_INTERVAL_MS = 500;
const COMPLETION_FLUSH_MS = 20;
/** An attempt may wait for its lane this long; a lane that cannot start it sooner hands it back to the queue. */
const MAX_LANE_WAIT_MS = 10_000;
/** What a receiver whose answers we have not timed yet is assumed to take (a hung one shows within a second). */
const INITIAL_LATENCY_MS = 100;
const LATENCY_SMOOTHING = 0.2;
const SHUTDOWN_GRACE_MS = 5000;
const SWEEP_INTERVAL_MS = 500;

interface WaitingAttempt {
  attempt: PreparedAttempt;
  since: number;
}

/** One receiver's share of this process: at most `concurrencyPerReceiver` requests at a time. */
interface Lane {
  /** Start times of the requests in flight, by job id. */
  active: Map<string, number>;
  waiting: WaitingAttempt[];
  /** Smoothed request duration: how fast this receiver drains its lane. */
  latencyMs: number;
}

@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DeliveryWorker.name);
  private readonly lanes = new Map<string, Lane>();
  private readonly tasks = new Set<Promise<void>>();
  /** Jobs claimed from the queue and not yet completed, deferred or released. */
  private readonly held = new Set<string>();
  private readonly completed: string[] = [];
  private readonly perReceiver: number;
  private readonly maxInFlight: number;
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
    this.sweepTimer = setInterval(() => this.sweepWaiting(), SWEEP_INTERVAL_MS);
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
    for (const lane of this.lanes.values()) lane.waiting.splice(0);
    await this.settle(SHUTDOWN_GRACE_MS);
    await this.flushCompleted();
    // What could not finish goes back to the queue at once, for a restart or another node.
    await this.queue.release([...this.held]).catch((error: unknown) => this.logError(error, 'release'));
  }

  private async run(): Promise<void> {
    while (this.running) {
      const wanted = Math.min(this.maxInFlight - this.held.size, FETCH_BATCH);
      let fetched = 0;
      if (wanted > 0) {
        try {
          const jobs = await this.queue.fetch(wanted);
          fetched = jobs.length;
          if (jobs.length > 0) this.prepare(jobs);
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

  private prepare(jobs: DeliveryJob[]): void {
    jobs.forEach((job) => this.held.add(job.id));
    this.track(
      this.delivery.prepare(jobs).then(
        ({ ready, finished }) => {
          finished.forEach((job) => this.complete(job.id));
          ready.forEach((attempt) => this.admit(attempt));
        },
        (error: unknown) => {
          this.logError(error, 'prepare');
          this.release(jobs.map((job) => job.id));
        },
      ),
    );
  }

  private lane(webhookId: string): Lane {
    let lane = this.lanes.get(webhookId);
    if (!lane) {
      lane = { active: new Map(), waiting: [], latencyMs: INITIAL_LATENCY_MS };
      this.lanes.set(webhookId, lane);
    }
    return lane;
  }

  private admit(attempt: PreparedAttempt): void {
    const lane = this.lane(attempt.job.webhookId);
    if (!this.running) this.release([attempt.job.id]);
    else if (lane.active.size < this.perReceiver) this.start(attempt, lane);
    else if (lane.waiting.length < this.waitCapacity(lane)) lane.waiting.push({ attempt, since: Date.now() });
    else this.defer(attempt.job, lane);
  }

  /**
   * How long the receiver takes per request: its smoothed past, or longer if a request in flight already took
   * longer (a receiver that just hung is known as slow at once, not only when its requests time out).
   */
  private latency(lane: Lane): number {
    const oldest = Math.min(...lane.active.values());
    return Math.max(lane.latencyMs, Number.isFinite(oldest) ? performance.now() - oldest : 0, 1);
  }

  /** As many attempts as the lane can start within MAX_LANE_WAIT_MS at its receiver's pace. */
  private waitCapacity(lane: Lane): number {
    return Math.max(this.perReceiver, Math.floor((this.perReceiver * MAX_LANE_WAIT_MS) / this.latency(lane)));
  }

  private start(attempt: PreparedAttempt, lane: Lane): void {
    const { job } = attempt;
    const started = performance.now();
    lane.active.set(job.id, started);
    this.track(
      this.delivery
        .send(attempt)
        .finally(() => {
          lane.latencyMs += LATENCY_SMOOTHING * (performance.now() - started - lane.latencyMs);
          lane.active.delete(job.id);
          this.next(job.webhookId, lane);
        })
        .then((sent) => this.delivery.finish(sent))
        .then(
          () => this.complete(job.id),
          (error: unknown) => {
            // Not the receiver's answer but our own trouble (database): pg-boss runs the job again shortly.
            this.logError(error, `delivery ${job.deliveryId}`);
            this.release([job.id]);
          },
        ),
    );
  }

  /** Starts the lane's next waiting attempt, or forgets an idle lane. */
  private next(webhookId: string, lane: Lane): void {
    const waiting = lane.waiting.shift();
    if (waiting && this.running) this.start(waiting.attempt, lane);
    else if (lane.active.size === 0 && lane.waiting.length === 0 && this.lanes.get(webhookId) === lane) {
      this.lanes.delete(webhookId);
    }
  }

  private defer(job: DeliveryJob, lane: Lane): void {
    const drainMs = Math.ceil(((lane.waiting.length + lane.active.size) / this.perReceiver) * this.latency(lane));
    const delayMs = Math.min(Math.max(drainMs, 1000), 30_000);
    this.track(
      this.deliveries.defer(job.deliveryId, job.webhookId, job.id, delayMs).then(
        () => this.complete(job.id),
        (error: unknown) => {
          this.logError(error, `deferral of delivery ${job.deliveryId}`);
          this.release([job.id]);
        },
      ),
    );
  }

  /**
   * Attempts a lane cannot start soon go back to the queue for later: those that already waited too long, and the
   * newest beyond what the lane can start in time now that its receiver turned out slow.
   */
  private sweepWaiting(): void {
    const cutoff = Date.now() - MAX_LANE_WAIT_MS;
    for (const lane of this.lanes.values()) {
      while (lane.waiting.length > 0 && lane.waiting[0].since < cutoff) {
        this.defer((lane.waiting.shift() as WaitingAttempt).attempt.job, lane);
      }
      const capacity = this.waitCapacity(lane);
      while (lane.waiting.length > capacity) this.defer((lane.waiting.pop() as WaitingAttempt).attempt.job, lane);
    }
  }

  private complete(jobId: string): void {
    this.completed.push(jobId);
    this.letGo([jobId]);
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

  /** Hands jobs back to pg-boss, which makes them due again shortly, here or on another node. */
  private release(jobIds: string[]): void {
    this.letGo(jobIds);
    this.track(this.queue.release(jobIds).catch((error: unknown) => this.logError(error, 'release')));
  }

  private letGo(jobIds: string[]): void {
    const wasFull = this.held.size >= this.maxInFlight;
    jobIds.forEach((jobId) => this.held.delete(jobId));
    if (wasFull && this.held.size < this.maxInFlight) this.wake();
  }

  private track(task: Promise<unknown>): void {
    const tracked: Promise<void> = task
      .then(
        () => undefined,
        (error: unknown) => this.logError(error, 'task'),
      )
      .finally(() => this.tasks.delete(tracked));
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
