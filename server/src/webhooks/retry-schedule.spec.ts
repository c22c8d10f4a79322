import { nextRetryDelayMs, parseRetryAfter } from './retry-schedule';

const schedule = [5, 300, 1800];

describe('retry schedule', () => {
  it('waits the scheduled delay after each failed attempt', () => {
    const middle = (): number => 0.5;
    expect(nextRetryDelayMs(schedule, 1, null, middle)).toBe(5_000);
    expect(nextRetryDelayMs(schedule, 2, null, middle)).toBe(300_000);
    expect(nextRetryDelayMs(schedule, 3, null, middle)).toBe(1_800_000);
  });

  it('gives up after the last scheduled retry', () => {
    expect(nextRetryDelayMs(schedule, 4, null)).toBeNull();
    expect(nextRetryDelayMs([], 1, null)).toBeNull();
  });

  it('adds up to 10% of jitter either way', () => {
    expect(nextRetryDelayMs(schedule, 2, null, () => 0)).toBe(270_000);
    expect(nextRetryDelayMs(schedule, 2, null, () => 0.999999)).toBe(330_000);
  });

  it('never retries before the receiver’s Retry-After', () => {
    expect(nextRetryDelayMs(schedule, 1, 120, () => 0.5)).toBe(120_000);
    expect(nextRetryDelayMs(schedule, 2, 1, () => 0.5)).toBe(300_000);
  });

  it('caps an absurd Retry-After at one day', () => {
    expect(nextRetryDelayMs(schedule, 1, 10 ** 9, () => 0.5)).toBe(86_400_000);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = new Date('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('30', now)).toBe(30);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:01:00 GMT', now)).toBe(60);
    expect(parseRetryAfter('Tue, 31 Dec 2024 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });
});
