import type { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  FakeSocket,
  aSession,
  element,
  provideFakeSockets,
  setUpConsole,
  settle,
  verifyNoPendingRequests,
} from '../../testing/console-testing';
import { SESSION_STATUSES, type Stats } from '../core/api-types';
import { CHART_DRAWER, type ChartData } from './bar-chart';
import { Dashboard, PERIODIC_REFRESH_MS, REFRESH_DELAY_MS } from './dashboard';

function aStats(overrides: { in?: number; lastMinuteIn?: number } = {}): Stats {
  const minutes = Array.from({ length: 60 }, (_, index) => ({
    at: new Date(Date.UTC(2026, 0, 2, 9, 1 + index)).toISOString(),
    in: index === 59 ? (overrides.lastMinuteIn ?? 2) : 0,
    out: index === 59 ? 1 : 0,
  }));
  const hours = Array.from({ length: 24 }, (_, index) => ({
    at: new Date(Date.UTC(2026, 0, 1, 11 + index)).toISOString(),
    in: index === 23 ? 2 : 0,
    out: 0,
  }));
  const deliveryBuckets = (count: number) =>
    Array.from({ length: count }, (_, index) => ({ at: minutes[index % 60].at, pending: 0, delivered: 1, failed: 0 }));
  return {
    generatedAt: '2026-01-02T10:00:30.000Z',
    sessions: {
      total: 3,
      byStatus: {
        ...Object.fromEntries(SESSION_STATUSES.map((status) => [status, 0])),
        connected: 2,
        logged_out: 1,
      } as Stats['sessions']['byStatus'],
    },
    messages: {
      in: overrides.in ?? 7,
      out: 4,
      since: '2026-01-01T10:00:30.000Z',
      series: { perMinute: minutes, perHour: hours },
    },
    deliveries: {
      since: '2026-01-01T10:00:30.000Z',
      byStatus: { pending: 1, delivered: 12, failed: 3 },
      latencyMs: { p50: 42, p95: 310, attempts: 15, since: '2026-01-02T09:00:30.000Z' },
      backlog: 5,
      oldestPendingAt: '2026-01-02T09:59:00.000Z',
      series: { perMinute: deliveryBuckets(60), perHour: deliveryBuckets(24) },
    },
    problems: [
      {
        sessionId: 's-9',
        name: 'old phone',
        status: 'logged_out',
        reasons: ['disconnected', 'failing_deliveries'],
        failedDeliveries: 3,
        retryingDeliveries: 1,
      },
    ],
  };
}

async function started(): Promise<void> {
  TestBed.tick();
  await new Promise((resolve) => setTimeout(resolve));
}

describe('Dashboard', () => {
  let http: HttpTestingController;
  let sockets: FakeSocket[];
  let drawn: Map<HTMLCanvasElement, ChartData>;

  beforeEach(() => {
    const fakes = provideFakeSockets();
    sockets = fakes.sockets;
    drawn = new Map();
    http = setUpConsole({
      providers: [
        fakes.provider,
        {
          provide: CHART_DRAWER,
          useValue: (canvas: HTMLCanvasElement, data: ChartData) => {
            drawn.set(canvas, data);
            return { update: (next: ChartData) => drawn.set(canvas, next), destroy: () => drawn.delete(canvas) };
          },
        },
      ],
    });
  });

  afterEach(() => {
    vi.useRealTimers();
    verifyNoPendingRequests();
  });

  async function render(stats = aStats()) {
    const fixture = TestBed.createComponent(Dashboard);
    // Not whenStable: the figures' resource keeps the app unstable until its request is answered.
    await started();
    http
      .expectOne((request) => request.url === '/api/v1/sessions')
      .flush({ items: [aSession({ id: 's-1' }), aSession({ id: 's-9', name: 'old phone' })], total: 2 });
    http.expectOne('/api/v1/stats').flush(stats);
    await settle(fixture);
    sockets[0].receive('connect');
    await settle(fixture);
    return fixture;
  }

  const figure = (fixture: Parameters<typeof element>[0], name: string) =>
    Array.from(element(fixture).querySelector(`[data-figure="${name}"]`)?.children ?? [])
      .map((part) => part.textContent?.replace(/\s+/g, ' ').trim())
      .join(' ');

  const chartOf = (fixture: Parameters<typeof element>[0], name: string) => {
    const canvas = element(fixture).querySelector<HTMLCanvasElement>(`[data-chart="${name}"] canvas`);
    return canvas ? drawn.get(canvas) : undefined;
  };

  it('shows the key figures, the sessions by status and the sessions with problems', async () => {
    const fixture = await render();
    expect(figure(fixture, 'sessions')).toBe('Sessions 3 2 connected');
    expect(figure(fixture, 'messages-in')).toBe('Messages in 7 last 24 hours');
    expect(figure(fixture, 'deliveries')).toBe('Deliveries 12 delivered, 3 failed (24 hours)');
    expect(figure(fixture, 'latency')).toBe('Delivery latency 42 ms median, p95 310 ms (last hour)');
    expect(figure(fixture, 'backlog')).toBe('Backlog 5 deliveries pending');
    const statuses = Array.from(element(fixture).querySelectorAll('tr[data-status]')).map((row) =>
      row.getAttribute('data-status'),
    );
    expect(statuses).toEqual(['connected', 'logged_out']);
    const problem = element(fixture).querySelector('[data-session="s-9"]');
    expect(problem?.querySelector('a')?.getAttribute('href')).toBe('/sessions/s-9');
    expect(problem?.textContent).toContain('Disconnected, Deliveries failing');
  });

  it('draws the series and gives each chart a text alternative', async () => {
    const fixture = await render();
    const perMinute = chartOf(fixture, 'messages-per-minute');
    expect(perMinute?.labels).toHaveLength(60);
    expect(perMinute?.series.map((series) => [series.label, series.values[59]])).toEqual([
      ['In', 2],
      ['Out', 1],
    ]);
    const canvas = element(fixture).querySelector('[data-chart="messages-per-minute"] canvas');
    expect(canvas?.getAttribute('aria-label')).toBe(
      'Messages per minute, last hour: 2 in, 1 out in total. The table that follows lists every value.',
    );
    const lastRow = element(fixture).querySelectorAll('[data-chart="messages-per-minute"] tbody tr')[59];
    expect(Array.from(lastRow.querySelectorAll('td')).map((cell) => cell.textContent)).toEqual(['2', '1']);
    expect(chartOf(fixture, 'deliveries-per-hour')?.series.map((series) => series.label)).toEqual([
      'Delivered',
      'Failed',
      'Pending',
    ]);
  });

  it('follows the listed sessions and refreshes once, a second after a burst of events', async () => {
    const fixture = await render();
    expect(sockets[0].subscriptions).toEqual(['s-1', 's-9']);
    vi.useFakeTimers();
    for (const id of ['e1', 'e2', 'e3']) {
      sockets[0].receive('session.event', {
        version: 1,
        id,
        type: 'message.received',
        sessionId: 's-1',
        timestamp: '2026-01-02T10:00:31.000Z',
        data: {},
      });
    }
    http.expectNone('/api/v1/stats');
    vi.advanceTimersByTime(REFRESH_DELAY_MS);
    vi.useRealTimers();
    await started();
    http.expectOne('/api/v1/stats').flush(aStats({ in: 8, lastMinuteIn: 3 }));
    await settle(fixture);
    expect(figure(fixture, 'messages-in')).toBe('Messages in 8 last 24 hours');
    expect(chartOf(fixture, 'messages-per-minute')?.series[0].values[59]).toBe(3);
  });

  it('refreshes periodically without events', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const fixture = await render();
    vi.advanceTimersByTime(PERIODIC_REFRESH_MS);
    await started();
    http.expectOne('/api/v1/stats').flush(aStats({ in: 9 }));
    await settle(fixture);
    expect(figure(fixture, 'messages-in')).toBe('Messages in 9 last 24 hours');
  });

  it('says when the figures cannot be loaded and offers to try again', async () => {
    const fixture = TestBed.createComponent(Dashboard);
    // Not whenStable: the figures' resource keeps the app unstable until its request is answered.
    await started();
    http.expectOne((request) => request.url === '/api/v1/sessions').flush({ items: [], total: 0 });
    http
      .expectOne('/api/v1/stats')
      .flush(
        { statusCode: 503, error: 'Service Unavailable', message: 'Database down' },
        { status: 503, statusText: 'Service Unavailable' },
      );
    await settle(fixture);
    expect(element(fixture).querySelector('[role="alert"]')?.textContent).toContain('The figures could not be loaded');
  });
});
