import { ComponentFixture, TestBed } from '@angular/core/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { element, settle } from '../../testing/console-testing';
import { SessionQr } from './session-qr';

describe('SessionQr', () => {
  const start = new Date('2026-01-01T10:00:00.000Z');

  beforeEach(() => {
    // Only the clock and intervals are faked: Angular's own scheduling keeps real timeouts.
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'], now: start });
  });

  afterEach(() => vi.useRealTimers());

  async function render(qr: string, expiresInSeconds: number) {
    const fixture = TestBed.createComponent(SessionQr);
    fixture.componentRef.setInput('qr', qr);
    fixture.componentRef.setInput('expiresAt', new Date(start.getTime() + expiresInSeconds * 1000).toISOString());
    await settle(fixture);
    return fixture;
  }

  const countdown = (fixture: ComponentFixture<unknown>) =>
    element(fixture).querySelector('[role="timer"]')?.textContent?.trim();

  it('draws the QR string as an image with a text alternative', async () => {
    const fixture = await render('2@abcdef,ghijk,lmnop', 20);
    const image = element(fixture).querySelector('img');
    expect(image?.getAttribute('src')).toMatch(/^data:image\/svg\+xml/);
    expect(image?.getAttribute('alt')).toContain('pairing code');
  });

  it('counts down the seconds until the code changes', async () => {
    const fixture = await render('2@abc', 20);
    expect(countdown(fixture)).toBe('This code changes in 20 s.');
    vi.advanceTimersByTime(5000);
    await fixture.whenStable();
    expect(countdown(fixture)).toBe('This code changes in 15 s.');
  });

  it('says the code has expired once its time is up', async () => {
    const fixture = await render('2@abc', 3);
    vi.advanceTimersByTime(4000);
    await fixture.whenStable();
    expect(countdown(fixture)).toBe('This code has expired; waiting for a new one…');
  });

  it('starts a new countdown and a new image when the code rotates', async () => {
    const fixture = await render('2@first', 2);
    const image = () => element(fixture).querySelector('img')?.getAttribute('src');
    const firstImage = image();
    vi.advanceTimersByTime(3000);
    fixture.componentRef.setInput('qr', '2@second');
    fixture.componentRef.setInput('expiresAt', new Date(Date.now() + 20_000).toISOString());
    await settle(fixture);
    expect(countdown(fixture)).toBe('This code changes in 20 s.');
    expect(image()).toMatch(/^data:image\/svg\+xml/);
    expect(image()).not.toBe(firstImage);
  });

  it('never shows more seconds than a new code has left when it arrives between clock ticks', async () => {
    const fixture = await render('2@first', 20);
    vi.advanceTimersByTime(1500);
    fixture.componentRef.setInput('qr', '2@second');
    fixture.componentRef.setInput('expiresAt', new Date(Date.now() + 20_000).toISOString());
    await settle(fixture);
    expect(countdown(fixture)).toBe('This code changes in 20 s.');
  });
});
