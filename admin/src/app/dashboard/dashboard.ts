// The console's home: how the gateway is doing, from GET /stats, refreshed live as the followed sessions change.
import { DatePipe, DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, resource } from '@angular/core';
import { RouterLink } from '@angular/router';
import { Api } from '../core/api';
import type { DeliveryBucket, MessageBucket, ProblemReason, SessionStatus } from '../core/api-types';
import { SESSION_STATUSES } from '../core/api-types';
import { errorMessage } from '../core/errors';
import { LoadError } from '../core/load-error';
import { Realtime } from '../core/realtime';
import { SessionStatusBadge } from '../sessions/session-status-badge';
import { BarChart, ChartData } from './bar-chart';

/** A burst of events refreshes the figures once, at most once a second. */
export const REFRESH_DELAY_MS = 1_000;
/** Without events the figures still move (windows slide, deliveries settle): refreshed this often anyway. */
export const PERIODIC_REFRESH_MS = 30_000;
/** The sessions followed for live updates: the first page of the list (an admin's may be many). */
export const FOLLOWED_SESSIONS = 100;

// Colours with at least 4.5:1 contrast on white, the same in the chart and its legend.
const COLORS = { in: '#1d4ed8', out: '#0f766e', delivered: '#166534', failed: '#b91c1c', pending: '#854d0e' };

const REASONS: Record<ProblemReason, string> = {
  disconnected: $localize`:why a session is listed among those with problems:Disconnected`,
  failing_deliveries: $localize`:why a session is listed among those with problems:Deliveries failing`,
};

/** The names of the charts' series, also read out in their text alternatives. */
const SERIES_LABELS = {
  in: $localize`:chart series of messages received:In`,
  out: $localize`:chart series of messages sent:Out`,
  delivered: $localize`:chart series of deliveries:Delivered`,
  failed: $localize`:chart series of deliveries:Failed`,
  pending: $localize`:chart series of deliveries:Pending`,
};

@Component({
  selector: 'wago-dashboard',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [BarChart, DatePipe, DecimalPipe, LoadError, RouterLink, SessionStatusBadge],
  template: `
    <header class="page-header">
      <h1 i18n>Dashboard</h1>
      @if (figures(); as stats) {
        <p class="muted" i18n>
          Updated <time [attr.datetime]="stats.generatedAt">{{ stats.generatedAt | date: 'mediumTime' }}</time>
        </p>
      }
    </header>

    @if (loadError(); as error) {
      <wago-load-error subject="The figures" i18n-subject [error]="error" (retry)="stats.reload()" />
    }
    @if (figures(); as stats) {
      <section class="figures" aria-label="Key figures" i18n-aria-label>
        <div class="figure card" data-figure="sessions">
          <span class="figure__label" i18n>Sessions</span>
          <span class="figure__value">{{ stats.sessions.total | number }}</span>
          <span class="figure__note" i18n>{{ stats.sessions.byStatus.connected | number }} connected</span>
        </div>
        <div class="figure card" data-figure="messages-in">
          <span class="figure__label" i18n>Messages in</span>
          <span class="figure__value">{{ stats.messages.in | number }}</span>
          <span class="figure__note" i18n>last 24 hours</span>
        </div>
        <div class="figure card" data-figure="messages-out">
          <span class="figure__label" i18n>Messages out</span>
          <span class="figure__value">{{ stats.messages.out | number }}</span>
          <span class="figure__note" i18n>last 24 hours</span>
        </div>
        <div class="figure card" data-figure="deliveries">
          <span class="figure__label" i18n>Deliveries</span>
          <span class="figure__value">{{ stats.deliveries.byStatus.delivered | number }}</span>
          <span class="figure__note" i18n>
            delivered, {{ stats.deliveries.byStatus.failed | number }} failed (24 hours)
          </span>
        </div>
        <div class="figure card" data-figure="latency">
          <span class="figure__label" i18n>Delivery latency</span>
          <span class="figure__value">{{ milliseconds(stats.deliveries.latencyMs.p50) }}</span>
          <span class="figure__note" i18n>
            median, p95 {{ milliseconds(stats.deliveries.latencyMs.p95) }} (last hour)
          </span>
        </div>
        <div class="figure card" data-figure="backlog">
          <span class="figure__label" i18n>Backlog</span>
          <span class="figure__value">{{ stats.deliveries.backlog | number }}</span>
          <span class="figure__note" i18n>deliveries pending</span>
        </div>
      </section>

      <div class="dashboard-grid">
        <section class="card" aria-labelledby="by-status-title">
          <h2 id="by-status-title" i18n>Sessions by status</h2>
          @if (statuses().length === 0) {
            <p class="muted" i18n>No sessions yet. <a routerLink="/sessions">Create one</a>.</p>
          } @else {
            <table class="table">
              <thead>
                <tr>
                  <th scope="col" i18n>Status</th>
                  <th scope="col" i18n>Sessions</th>
                </tr>
              </thead>
              <tbody>
                @for (entry of statuses(); track entry.status) {
                  <tr [attr.data-status]="entry.status">
                    <td><wago-session-status-badge [status]="entry.status" /></td>
                    <td>{{ entry.count | number }}</td>
                  </tr>
                }
              </tbody>
            </table>
          }
        </section>

        <section class="card" aria-labelledby="problems-title">
          <h2 id="problems-title" i18n>Sessions with problems</h2>
          @if (stats.problems.length === 0) {
            <p class="muted" i18n>None: every session is connected or stopped, and its deliveries go through.</p>
          } @else {
            <ul class="problem-list">
              @for (problem of stats.problems; track problem.sessionId) {
                <li [attr.data-session]="problem.sessionId">
                  <a [routerLink]="['/sessions', problem.sessionId]">{{ problem.name }}</a>
                  <wago-session-status-badge [status]="problem.status" />
                  <span class="muted">{{ describe(problem.reasons) }}</span>
                  @if (problem.failedDeliveries + problem.retryingDeliveries > 0) {
                    <span class="muted" i18n>
                      ({{ problem.failedDeliveries }} failed, {{ problem.retryingDeliveries }} retrying)
                    </span>
                  }
                </li>
              }
            </ul>
          }
        </section>
      </div>

      <div class="dashboard-grid">
        <section class="card" data-chart="messages-per-minute">
          <wago-bar-chart
            title="Messages per minute, last hour"
            i18n-title
            labelHeading="Minute"
            i18n-labelHeading
            [data]="messagesPerMinute()"
          />
        </section>
        <section class="card" data-chart="messages-per-hour">
          <wago-bar-chart
            title="Messages per hour, last 24 hours"
            i18n-title
            labelHeading="Hour"
            i18n-labelHeading
            [data]="messagesPerHour()"
          />
        </section>
        <section class="card" data-chart="deliveries-per-minute">
          <wago-bar-chart
            title="Deliveries per minute, last hour"
            i18n-title
            labelHeading="Minute"
            i18n-labelHeading
            [data]="deliveriesPerMinute()"
          />
        </section>
        <section class="card" data-chart="deliveries-per-hour">
          <wago-bar-chart
            title="Deliveries per hour, last 24 hours"
            i18n-title
            labelHeading="Hour"
            i18n-labelHeading
            [data]="deliveriesPerHour()"
          />
        </section>
      </div>
    } @else if (!loadError()) {
      <p class="loading" role="status" i18n>Loading the figures…</p>
    }
  `,
})
export class Dashboard {
  private readonly api = inject(Api);
  private readonly realtime = inject(Realtime);
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;

  protected readonly stats = resource({ loader: () => this.api.stats.get() });
  /** The figures last loaded; none while the last load failed (the resource's value then throws). */
  protected readonly figures = computed(() => (this.stats.hasValue() ? this.stats.value() : undefined));
  protected readonly loadError = computed(() => {
    const error = this.stats.error();
    return error ? errorMessage(error) : null;
  });

  protected readonly statuses = computed(() => {
    const byStatus = this.figures()?.sessions.byStatus;
    if (!byStatus) return [];
    return SESSION_STATUSES.filter((status) => byStatus[status] > 0).map((status: SessionStatus) => ({
      status,
      count: byStatus[status],
    }));
  });
  protected readonly messagesPerMinute = computed(() =>
    messageChart(this.figures()?.messages.series.perMinute ?? [], 'minute'),
  );
  protected readonly messagesPerHour = computed(() =>
    messageChart(this.figures()?.messages.series.perHour ?? [], 'hour'),
  );
  protected readonly deliveriesPerMinute = computed(() =>
    deliveryChart(this.figures()?.deliveries.series.perMinute ?? [], 'minute'),
  );
  protected readonly deliveriesPerHour = computed(() =>
    deliveryChart(this.figures()?.deliveries.series.perHour ?? [], 'hour'),
  );

  constructor() {
    void this.followSessions();
    const stopListening = this.realtime.listen(() => this.refreshSoon());
    const periodic = setInterval(() => this.stats.reload(), PERIODIC_REFRESH_MS);
    inject(DestroyRef).onDestroy(() => {
      stopListening();
      clearInterval(periodic);
      if (this.refreshTimer) clearTimeout(this.refreshTimer);
    });
  }

  protected milliseconds(value: number | null): string {
    return value === null ? '—' : $localize`:a duration in milliseconds:${value}:milliseconds: ms`;
  }

  protected describe(reasons: ProblemReason[]): string {
    return reasons.map((reason) => REASONS[reason]).join(', ');
  }

  /** Their status changes and events are what moves the figures: follow them, and refresh when they come. */
  private async followSessions(): Promise<void> {
    try {
      const page = await this.api.sessions.list({ limit: FOLLOWED_SESSIONS });
      for (const session of page.items) this.realtime.follow(session.id);
    } catch {
      // Reported by the error interceptor; the periodic refresh still keeps the figures current.
    }
  }

  private refreshSoon(): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      this.stats.reload();
    }, REFRESH_DELAY_MS);
  }
}

/** `12:05` for a minute, `12:00` for an hour, in the browser's time zone. */
function bucketLabel(at: string, grain: 'minute' | 'hour'): string {
  const date = new Date(at);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${pad(date.getHours())}:${grain === 'minute' ? pad(date.getMinutes()) : '00'}`;
}

function messageChart(buckets: MessageBucket[], grain: 'minute' | 'hour'): ChartData {
  return {
    labels: buckets.map((bucket) => bucketLabel(bucket.at, grain)),
    series: [
      { label: SERIES_LABELS.in, color: COLORS.in, values: buckets.map((bucket) => bucket.in) },
      { label: SERIES_LABELS.out, color: COLORS.out, values: buckets.map((bucket) => bucket.out) },
    ],
  };
}

function deliveryChart(buckets: DeliveryBucket[], grain: 'minute' | 'hour'): ChartData {
  return {
    labels: buckets.map((bucket) => bucketLabel(bucket.at, grain)),
    series: [
      { label: SERIES_LABELS.delivered, color: COLORS.delivered, values: buckets.map((bucket) => bucket.delivered) },
      { label: SERIES_LABELS.failed, color: COLORS.failed, values: buckets.map((bucket) => bucket.failed) },
      { label: SERIES_LABELS.pending, color: COLORS.pending, values: buckets.map((bucket) => bucket.pending) },
    ],
  };
}
