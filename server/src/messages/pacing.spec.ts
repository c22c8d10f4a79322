import { SessionPacing } from './pacing';

const settings = { minIntervalMs: 1000, jitterMs: 500, perChatPerMinute: 2 };

describe('SessionPacing', () => {
  it('lets the first message go at once', () => {
    expect(new SessionPacing(settings).earliest('a', 10_000)).toBe(10_000);
  });

  it('spaces messages by the minimum interval plus jitter', () => {
    const pacing = new SessionPacing(settings, () => 0.5);
    pacing.record('a', 10_000);
    expect(pacing.earliest('b', 10_100)).toBe(11_250);
    expect(pacing.earliest('b', 12_000)).toBe(12_000);
  });

  it('never draws more jitter than configured', () => {
    const pacing = new SessionPacing(settings, () => 0.999);
    pacing.record('a', 0);
    expect(pacing.earliest('b', 0)).toBeLessThanOrEqual(1500);
  });

  it('holds a chat at its per-minute limit until its oldest send leaves the window', () => {
    const pacing = new SessionPacing({ ...settings, minIntervalMs: 0, jitterMs: 0 });
    pacing.record('a', 0);
    pacing.record('a', 5_000);
    expect(pacing.earliest('a', 6_000)).toBe(60_000);
    expect(pacing.earliest('b', 6_000)).toBe(6_000);
    expect(pacing.earliest('a', 60_001)).toBe(60_001);
  });

  it('becomes idle once nothing it remembers can delay a message', () => {
    const pacing = new SessionPacing(settings, () => 0);
    pacing.record('a', 0);
    expect(pacing.idle(500)).toBe(false);
    expect(pacing.idle(60_001)).toBe(true);
  });
});
