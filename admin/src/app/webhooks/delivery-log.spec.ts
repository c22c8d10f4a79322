import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  buttonNamed,
  element,
  fieldLabelled,
  setUpConsole,
  settle,
  verifyNoPendingRequests,
} from '../../testing/console-testing';
import type { Delivery } from '../core/api-types';
import { Notifier } from '../core/notifier';
import { DeliveryLog } from './delivery-log';

const aDelivery = (overrides: Partial<Delivery> = {}): Delivery => ({
  id: 'd-1',
  eventId: 'evt_1',
  eventType: 'message.received',
  status: 'failed',
  attemptCount: 2,
  createdAt: '2026-01-01T10:00:00.000Z',
  lastAttemptAt: '2026-01-01T10:01:00.000Z',
  nextAttemptAt: null,
  ...overrides,
});

describe('DeliveryLog', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    http = setUpConsole();
  });

  afterEach(verifyNoPendingRequests);

  const deliveriesRequest = (status?: string) =>
    http.expectOne(
      (request) =>
        request.url === '/api/v1/webhooks/w-1/deliveries' && request.params.get('status') === (status ?? null),
    );

  async function render(deliveries: Delivery[]) {
    const fixture = TestBed.createComponent(DeliveryLog);
    fixture.componentRef.setInput('target', { kind: 'webhook', id: 'w-1' });
    await fixture.whenStable();
    deliveriesRequest().flush({ items: deliveries, total: deliveries.length });
    await settle(fixture);
    return fixture;
  }

  it('lists deliveries with their status and asks the server again for one status only', async () => {
    const fixture = await render([aDelivery(), aDelivery({ id: 'd-2', status: 'delivered', attemptCount: 1 })]);
    const statuses = Array.from(element(fixture).querySelectorAll('tbody .badge')).map((badge) =>
      badge.textContent?.trim(),
    );
    expect(statuses).toEqual(['failed', 'delivered']);

    const filter = fieldLabelled<HTMLSelectElement>(fixture, 'Status');
    filter.value = 'failed';
    filter.dispatchEvent(new Event('change'));
    deliveriesRequest('failed').flush({ items: [aDelivery()], total: 1 });
    await settle(fixture);
    expect(element(fixture).querySelectorAll('tbody tr')).toHaveLength(1);
  });

  it('shows a delivery’s attempts with what the receiver answered', async () => {
    const fixture = await render([aDelivery()]);
    const toggle = buttonNamed(fixture, 'Attempts');
    toggle.click();
    await settle(fixture);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    http.expectOne('/api/v1/deliveries/d-1').flush({
      ...aDelivery(),
      webhookId: 'w-1',
      sinkId: null,
      event: { id: 'evt_1', type: 'message.received' },
      attempts: [
        {
          attempt: 1,
          statusCode: null,
          durationMs: 5000,
          error: 'Timed out',
          responseBody: null,
          replyError: null,
          at: '2026-01-01T10:00:05.000Z',
        },
        {
          attempt: 2,
          statusCode: 500,
          durationMs: 35,
          error: 'HTTP 500',
          responseBody: 'oops',
          replyError: null,
          at: '2026-01-01T10:01:00.000Z',
        },
      ],
    });
    await settle(fixture);
    const attempts = Array.from(element(fixture).querySelectorAll('.attempt')).map((attempt) =>
      attempt.textContent?.replace(/\s+/g, ' ').trim(),
    );
    expect(attempts).toHaveLength(2);
    expect(attempts[0]).toContain('no HTTP answer');
    expect(attempts[0]).toContain('Timed out');
    expect(attempts[1]).toContain('HTTP 500');
    expect(attempts[1]).toContain('35 ms');
    expect(attempts[1]).toContain('oops');
  });

  it('shows a message broker’s log, its attempts saying whether the broker took the event', async () => {
    const fixture = TestBed.createComponent(DeliveryLog);
    fixture.componentRef.setInput('target', { kind: 'sink', id: 'k-1' });
    await fixture.whenStable();
    http
      .expectOne((request) => request.url === '/api/v1/sinks/k-1/deliveries')
      .flush({ items: [aDelivery()], total: 1 });
    await settle(fixture);
    buttonNamed(fixture, 'Attempts').click();
    await settle(fixture);
    const attempt = (at: number, error: string | null) => ({
      attempt: at,
      statusCode: null,
      durationMs: 4,
      error,
      responseBody: null,
      replyError: null,
      at: '2026-01-01T10:00:05.000Z',
    });
    http.expectOne('/api/v1/deliveries/d-1').flush({
      ...aDelivery(),
      webhookId: null,
      sinkId: 'k-1',
      event: { id: 'evt_1', type: 'message.received' },
      attempts: [attempt(1, 'Connection refused'), attempt(2, null)],
    });
    await settle(fixture);
    const attempts = Array.from(element(fixture).querySelectorAll('.attempt')).map((item) =>
      item.textContent?.replace(/\s+/g, ' ').trim(),
    );
    expect(attempts[0]).toContain('not taken by the broker');
    expect(attempts[0]).toContain('Connection refused');
    expect(attempts[1]).toContain('· taken by the broker');
    expect(attempts.join()).not.toContain('HTTP');
  });

  it('queues a delivery again and reloads the log', async () => {
    const fixture = await render([aDelivery()]);
    buttonNamed(fixture, 'Redeliver').click();
    http
      .expectOne({ method: 'POST', url: '/api/v1/deliveries/d-1/redeliver' })
      .flush(
        { ...aDelivery({ status: 'pending' }), webhookId: 'w-1', attempts: [], event: {} },
        { status: 202, statusText: 'Accepted' },
      );
    await settle(fixture);
    deliveriesRequest().flush({ items: [aDelivery({ status: 'pending' })], total: 1 });
    await settle(fixture);
    expect(element(fixture).querySelector('tbody .badge')?.textContent?.trim()).toBe('pending');
    expect(
      TestBed.inject(Notifier)
        .notices()
        .map((notice) => notice.text),
    ).toEqual(['The message.received event is queued to be delivered again.']);
  });

  it('queues every failed delivery since the chosen time', async () => {
    const fixture = await render([aDelivery()]);
    const since = fieldLabelled(fixture, 'Failed deliveries since');
    since.value = '2026-01-01T09:30';
    since.dispatchEvent(new Event('input'));
    await settle(fixture);
    buttonNamed(fixture, 'Redeliver failed').click();
    const request = http.expectOne({ method: 'POST', url: '/api/v1/webhooks/w-1/deliveries/redeliver' });
    expect(request.request.body).toEqual({ since: new Date('2026-01-01T09:30').toISOString() });
    request.flush({ count: 3 }, { status: 202, statusText: 'Accepted' });
    await settle(fixture);
    deliveriesRequest().flush({ items: [], total: 0 });
    await settle(fixture);
    expect(
      TestBed.inject(Notifier)
        .notices()
        .map((notice) => notice.text),
    ).toEqual(['3 failed deliveries are queued to be sent again.']);
  });
});
