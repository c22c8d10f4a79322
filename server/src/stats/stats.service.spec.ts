import type { AuthUser } from '../auth/auth-user';
import { Clock } from '../core/runtime/clock';
import type { SessionStatus } from '../sessions/session-status';
import type {
  DeliveryFigures,
  MessageFigures,
  SessionProblemRow,
  StatsReader,
  StatsScope,
  StatsWindows,
} from './stats.repository';
import { StatsService, windowsAt } from './stats.service';

const NOW = new Date('2026-03-01T12:30:30.000Z');

class FixedClock extends Clock {
  override now(): Date {
    return NOW;
  }
}

class FakeStatsReader implements StatsReader {
  scopes: StatsScope[] = [];
  sessions: Partial<Record<SessionStatus, number>> = {};
  messageFigures: MessageFigures = { total: { in: 0, out: 0 }, buckets: [] };
  deliveryFigures: DeliveryFigures = {
    total: {},
    buckets: [],
    backlog: 0,
    oldestPendingAt: null,
    latency: { p50: null, p95: null, attempts: 0 },
  };
  problemRows: SessionProblemRow[] = [];

  async sessionsByStatus(scope: StatsScope): Promise<Partial<Record<SessionStatus, number>>> {
    this.scopes.push(scope);
    return this.sessions;
  }
  async messages(): Promise<MessageFigures> {
    return this.messageFigures;
  }
  async deliveries(): Promise<DeliveryFigures> {
    return this.deliveryFigures;
  }
  async problems(_scope: StatsScope, _windows: StatsWindows): Promise<SessionProblemRow[]> {
    return this.problemRows;
  }
}

const owner: AuthUser = { id: 'u1', username: 'ana', role: 'user', via: 'jwt' };

function harness(): { reader: FakeStatsReader; service: StatsService } {
  const reader = new FakeStatsReader();
  return { reader, service: new StatsService(reader, new FixedClock()) };
}

describe('StatsService', () => {
  it('cuts the windows at the current minute and hour', () => {
    const windows = windowsAt(NOW);
    expect(windows.firstMinute.toISOString()).toBe('2026-03-01T11:31:00.000Z');
    expect(windows.firstHour.toISOString()).toBe('2026-02-28T13:00:00.000Z');
    expect(windows.dayAgo.toISOString()).toBe('2026-02-28T12:30:30.000Z');
    expect(windows.hourAgo.toISOString()).toBe('2026-03-01T11:30:30.000Z');
  });

  it('reads an owner’s sessions, an admin’s of everyone, and only the sessions an API key reaches', async () => {
    const { reader, service } = harness();
    await service.of(owner);
    await service.of({ ...owner, role: 'admin' });
    await service.of({ ...owner, via: 'api-key', apiKey: { id: 'k1', scopes: ['sessions:read'], sessionIds: ['s1'] } });
    expect(reader.scopes).toEqual([
      { ownerId: 'u1', sessionIds: null },
      { ownerId: null, sessionIds: null },
      { ownerId: 'u1', sessionIds: ['s1'] },
    ]);
  });

  it('names every status and fills every bucket, zero where nothing happened', async () => {
    const { reader, service } = harness();
    reader.sessions = { connected: 2, logged_out: 1 };
    reader.messageFigures = {
      total: { in: 5, out: 3 },
      buckets: [{ grain: 'minute', at: Date.parse('2026-03-01T12:30:00.000Z'), counts: { in: 2, out: 1 } }],
    };
    reader.deliveryFigures.buckets = [
      { grain: 'hour', at: Date.parse('2026-03-01T12:00:00.000Z'), status: 'failed', count: 4 },
    ];
    const stats = await service.of(owner);
    expect(stats.sessions).toMatchObject({ total: 3, byStatus: { connected: 2, logged_out: 1, qr: 0 } });
    expect(Object.keys(stats.sessions.byStatus)).toHaveLength(12);
    expect(stats.messages.series.perMinute).toHaveLength(60);
    expect(stats.messages.series.perMinute[59]).toEqual({ at: '2026-03-01T12:30:00.000Z', in: 2, out: 1 });
    expect(stats.messages.series.perMinute[0]).toEqual({ at: '2026-03-01T11:31:00.000Z', in: 0, out: 0 });
    expect(stats.deliveries.series.perHour[23]).toEqual({
      at: '2026-03-01T12:00:00.000Z',
      pending: 0,
      delivered: 0,
      failed: 4,
    });
    expect(stats.deliveries.byStatus).toEqual({ pending: 0, delivered: 0, failed: 0 });
  });

  it('rounds latency to whole milliseconds and keeps null without attempts', async () => {
    const { reader, service } = harness();
    expect((await service.of(owner)).deliveries.latencyMs).toMatchObject({ p50: null, p95: null, attempts: 0 });
    reader.deliveryFigures.latency = { p50: 120.4, p95: 980.6, attempts: 7 };
    expect((await service.of(owner)).deliveries.latencyMs).toMatchObject({ p50: 120, p95: 981, attempts: 7 });
  });

  it('says why each session is listed with problems', async () => {
    const { reader, service } = harness();
    reader.problemRows = [
      { sessionId: 's1', name: 'a', status: 'reconnecting', failedDeliveries: 2, retryingDeliveries: 0 },
      { sessionId: 's2', name: 'b', status: 'connected', failedDeliveries: 0, retryingDeliveries: 1 },
    ];
    const { problems } = await service.of(owner);
    expect(problems.map((problem) => problem.reasons)).toEqual([
      ['disconnected', 'failing_deliveries'],
      ['failing_deliveries'],
    ]);
  });
});
