import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  aSession,
  aSink,
  buttonNamed,
  element,
  fieldLabelled,
  setUpConsole,
  settle,
  type,
  verifyNoPendingRequests,
} from '../../testing/console-testing';
import type { Sink } from '../core/api-types';
import { Confirm } from '../core/confirm';
import { SinkList } from './sink-list';

describe('SinkList', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    http = setUpConsole();
  });

  afterEach(verifyNoPendingRequests);

  async function render(sinks: Sink[]) {
    const fixture = TestBed.createComponent(SinkList);
    fixture.componentRef.setInput('sessionId', 's-1');
    await fixture.whenStable();
    http.expectOne('/api/v1/sessions/s-1').flush(aSession());
    http
      .expectOne((request) => request.url === '/api/v1/sessions/s-1/sinks')
      .flush({ items: sinks, total: sinks.length });
    await settle(fixture);
    return fixture;
  }

  function choose(fixture: Awaited<ReturnType<typeof render>>, label: string, value: string): void {
    const select = fieldLabelled<HTMLSelectElement>(fixture, label);
    select.value = value;
    select.dispatchEvent(new Event('change'));
  }

  const submit = (fixture: Awaited<ReturnType<typeof render>>) =>
    element(fixture).querySelector<HTMLButtonElement>('wago-sink-form button[type="submit"]')?.click();

  it('adds a RabbitMQ sink, its password sent inside the URL and never shown afterwards', async () => {
    const fixture = await render([]);
    expect(element(fixture).textContent).toContain('No message brokers yet');
    buttonNamed(fixture, 'Add message broker').click();
    await settle(fixture);
    choose(fixture, 'Broker', 'rabbitmq');
    await settle(fixture);
    type(fixture, 'URL', 'amqp://rabbitmq.internal:5672');
    type(fixture, 'User', 'wago');
    type(fixture, 'Password', 'hunter2');
    type(fixture, 'Exchange', 'orders.events');
    expect(fieldLabelled(fixture, 'Password').type).toBe('password');
    submit(fixture);

    const request = http.expectOne({ method: 'POST', url: '/api/v1/sessions/s-1/sinks' });
    expect(request.request.body).toEqual({
      kind: 'rabbitmq',
      url: 'amqp://wago:hunter2@rabbitmq.internal:5672',
      exchange: 'orders.events',
      events: ['*'],
      groupPolicy: 'mentions',
      enabled: true,
    });
    request.flush(
      aSink({
        kind: 'rabbitmq',
        url: 'amqp://rabbitmq.internal:5672',
        hasCredentials: true,
        exchange: 'orders.events',
        stream: null,
      }),
    );
    await settle(fixture);
    const listed = element(fixture).querySelector('.stack')?.textContent ?? '';
    expect(listed).toContain('amqp://rabbitmq.internal:5672');
    expect(listed).toContain('Exchange: orders.events');
    expect(listed).toContain('credentials stored');
    expect(element(fixture).textContent).not.toContain('hunter2');
    expect(element(fixture).querySelector('wago-sink-form')).toBeNull();
  });

  it('adds a NATS sink with the server’s default stream when none is named', async () => {
    const fixture = await render([]);
    buttonNamed(fixture, 'Add message broker').click();
    await settle(fixture);
    type(fixture, 'URL', 'nats://127.0.0.1:4222');
    submit(fixture);
    const request = http.expectOne({ method: 'POST', url: '/api/v1/sessions/s-1/sinks' });
    expect(request.request.body).toEqual({
      kind: 'nats',
      url: 'nats://127.0.0.1:4222',
      events: ['*'],
      groupPolicy: 'mentions',
      enabled: true,
    });
    request.flush(aSink());
    await settle(fixture);
    expect(element(fixture).textContent).toContain('Stream: WAGO');
  });

  it('will not add a sink whose URL is not for the chosen broker', async () => {
    const fixture = await render([]);
    buttonNamed(fixture, 'Add message broker').click();
    await settle(fixture);
    type(fixture, 'URL', 'https://nats.internal');
    submit(fixture);
    await settle(fixture);
    expect(element(fixture).textContent).toContain('Enter a URL starting with nats:// or tls://.');
    expect(fieldLabelled(fixture, 'URL').getAttribute('aria-invalid')).toBe('true');
    http.expectNone('/api/v1/sessions/s-1/sinks');
  });

  it('disables a sink', async () => {
    const fixture = await render([aSink()]);
    buttonNamed(fixture, 'Disable').click();
    const request = http.expectOne({ method: 'PATCH', url: '/api/v1/sinks/k-1' });
    expect(request.request.body).toEqual({ enabled: false });
    request.flush(aSink({ enabled: false }));
    await settle(fixture);
    expect(buttonNamed(fixture, 'Enable')).toBeDefined();
  });

  it('reports whether the broker took a test event', async () => {
    const fixture = await render([aSink()]);
    buttonNamed(fixture, 'Send test').click();
    http.expectOne({ method: 'POST', url: '/api/v1/sinks/k-1/test' }).flush({ ok: true, durationMs: 7 });
    await settle(fixture);
    expect(element(fixture).querySelector('.test-result')?.textContent?.trim()).toBe(
      'Test published: the broker took it in 7 ms.',
    );
    buttonNamed(fixture, 'Send test').click();
    http
      .expectOne({ method: 'POST', url: '/api/v1/sinks/k-1/test' })
      .flush({ ok: false, durationMs: 5003, error: 'The broker could not be reached' });
    await settle(fixture);
    expect(element(fixture).querySelector('.test-result')?.textContent?.trim()).toBe(
      'Test failed: The broker could not be reached (5003 ms).',
    );
  });

  it('deletes a sink only after confirmation', async () => {
    const fixture = await render([aSink()]);
    buttonNamed(fixture, 'Delete').click();
    const pending = TestBed.inject(Confirm).pending();
    expect(pending?.message).toContain('nats://127.0.0.1:4222');
    pending?.answer(true);
    await settle(fixture);
    http
      .expectOne({ method: 'DELETE', url: '/api/v1/sinks/k-1' })
      .flush(null, { status: 204, statusText: 'No Content' });
    await settle(fixture);
    expect(element(fixture).textContent).toContain('No message brokers yet');
  });
});
