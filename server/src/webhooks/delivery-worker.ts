// Runs due delivery jobs with bounded concurrency per receiver (a webhook, or a sink), so a slow or dead receiver only
// ever occupies its own lane: jobs it cannot start soon are handed back to the queue for later instead of piling up in
// memory. A lane slot is held only for the request (HTTP, or a broker's publish); reading and recording happen in
// batches outside it.
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../core/config/app-config';
import { Clock } from '../core/runtime/clock';
import { TaskTracker } from '../core/runtime/task-tracker';
import { WakeableLoop } from '../core/runtime/wakeable-loop';
import { WriteBehindBatcher } from '../core/runtime/write-behind-batcher';
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
  private readonly tasks: TaskTracker;
  /** Jobs claimed from the queue and not yet completed, deferred or released. */
  private readonly held = new Set<string>();
  /** Completions are written in batches: a lost one is harmless (the job expires, runs again and is skipped). */
  private readonly completed: WriteBehindBatcher<string>;
  private readonly fetching: WakeableLoop;
  private readonly sweeping: WakeableLoop;
  private readonly perReceiver: number;
  private readonly maxInFlight: number;
  private running = false;
  private completionsClosed = false;

  constructor(
    private readonly queue: DeliveryQueue,
    private readonly delivery: DeliveryService,
    private readonly deliveries: DeliveriesRepository,
    config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.perReceiver = config.webhooks.concurrencyPerReceiver;
    this.maxInFlight = config.webhooks.maxInFlight;
    this.tasks = new TaskTracker(clock);
    this.completed = new WriteBehindBatcher(
      'completed delivery jobs',
      (jobIds) => this.queue.complete(jobIds),
      { maxItems: FETCH_BATCH, maxDelayMs: COMPLETION_FLUSH_MS },
      clock,
    );
    this.fetching = new WakeableLoop(
      'Webhook delivery fetch',
      () => this.fetch(),
      { intervalMs: POLL_INTERVAL_MS, firstDelayMs: 0 },
      clock,
    );
    this.sweeping = new WakeableLoop(
      'Webhook lane sweep',
      async () => this.sweepWaiting(),
      { intervalMs: SWEEP_INTERVAL_MS },
      clock,
    );
  }

  onApplicationBootstrap(): void {
    this.running = true;
    this.fetching.start();
    this.sweeping.start();
  }

  /** New jobs were committed in this process: look for them now rather than at the next poll. */
  wake(): void {
    this.fetching.wake();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await Promise.all([this.fetching.stop(), this.sweeping.stop()]);
    for (const lane of this.lanes.values()) lane.waiting.splice(0);
    await this.tasks.drain(SHUTDOWN_GRACE_MS);
    this.completionsClosed = true;
    // Failures are logged by the batcher; a lost completion is harmless.
    await this.completed.close().catch(() => undefined);
    // What could not finish goes back to the queue at once, for a restart or another node.
    await this.queue.release([...this.held]).catch((error: unknown) => this.logError(error, 'release'));
  }

  /** Claims due jobs up to the in-flight limit; when it got all it asked for, more may be due: runs again at once. */
  private async fetch(): Promise<void> {
    if (!this.running) return;
    const wanted = Math.min(this.maxInFlight - this.held.size, FETCH_BATCH);
    if (wanted <= 0) return;
    const jobs = await this.queue.fetch(wanted);
    if (jobs.length > 0) this.prepare(jobs);
    if (jobs.length === wanted) this.fetching.wake();
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

  private lane(targetId: string): Lane {
    let lane = this.lanes.get(targetId);
    if (!lane) {
      lane = { active: new Map(), waiting: [], latencyMs: INITIAL_LATENCY_MS };
      this.lanes.set(targetId, lane);
    }
    return lane;
  }

  private admit(attempt: PreparedAttempt): void {
    const lane = this.lane(attempt.job.targetId);
    if (!this.running) this.release([attempt.job.id]);
    else if (lane.active.size < this.perReceiver) this.start(attempt, lane);
    else if (lane.waiting.length < this.waitCapacity(lane))
      lane.waiting.push({ attempt, since: this.clock.now().getTime() });
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
          this.next(job.targetId, lane);
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
  private next(targetId: string, lane: Lane): void {
    const waiting = lane.waiting.shift();
    if (waiting && this.running) this.start(waiting.attempt, lane);
    else if (lane.active.size === 0 && lane.waiting.length === 0 && this.lanes.get(targetId) === lane) {
      this.lanes.delete(targetId);
    }
  }

  private defer(job: DeliveryJob, lane: Lane): void {
    const drainMs = Math.ceil(((lane.waiting.length + lane.active.size) / this.perReceiver) * this.latency(lane));
    const delayMs = Math.min(Math.max(drainMs, 1000), 30_000);
    this.track(
      this.deliveries.defer(job.deliveryId, job.targetId, job.id, delayMs).then(
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
    const cutoff = this.clock.now().getTime() - MAX_LANE_WAIT_MS;
    for (const lane of this.lanes.values()) {
      while (lane.waiting.length > 0 && lane.waiting[0].since < cutoff) {
        this.defer((lane.waiting.shift() as WaitingAttempt).attempt.job, lane);
      }
      const capacity = this.waitCapacity(lane);
      while (lane.waiting.length > capacity) this.defer((lane.waiting.pop() as WaitingAttempt).attempt.job, lane);
    }
  }

  private complete(jobId: string): void {
    this.letGo([jobId]);
    // After shutdown closed the batch, a late completion is dropped: the job expires and is skipped when it reruns.
    if (!this.completionsClosed) this.completed.add(jobId);
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

  /** Owns a piece of work until shutdown; its failure is logged here. */
  private track(task: Promise<unknown>): void {
    void this.tasks.track(task.catch((error: unknown) => this.logError(error, 'task')));
  }

  private logError(error: unknown, during: string): void {
    this.logger.error({ err: error }, `Webhook worker error during ${during}`);
  }
}
