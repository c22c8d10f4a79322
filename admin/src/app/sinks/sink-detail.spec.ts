import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  aSession,
  aSink,
  element,
  fieldLabelled,
  setUpConsole,
  settle,
  type,
  verifyNoPendingRequests,
} from '../../testing/console-testing';
import type { Sink } from '../core/api-types';
import { SinkDetail } from './sink-detail';

describe('SinkDetail', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    http = setUpConsole();
  });

  afterEach(verifyNoPendingRequests);

  async function render(sink: Sink) {
    const fixture = TestBed.createComponent(SinkDetail);
    fixture.componentRef.setInput('sessionId', 's-1');
    fixture.componentRef.setInput('sinkId', sink.id);
    await fixture.whenStable();
    http.expectOne('/api/v1/sessions/s-1').flush(aSession());
    http.expectOne(`/api/v1/sinks/${sink.id}`).flush(sink);
    await settle(fixture);
    http.expectOne((request) => request.url === `/api/v1/sinks/${sink.id}/deliveries`).flush({ items: [], total: 0 });
    await settle(fixture);
    return fixture;
  }

  const save = (fixture: Awaited<ReturnType<typeof render>>) =>
    element(fixture).querySelector<HTMLButtonElement>('wago-sink-form button[type="submit"]')?.click();

  it('shows the sink’s settings and its own delivery log, with stored credentials only said to exist', async () => {
    const fixture = await render(aSink({ hasCredentials: true, stream: 'ORDERS' }));
    expect(element(fixture).querySelector('h1')?.textContent?.trim()).toBe('nats://127.0.0.1:4222');
    expect(fieldLabelled(fixture, 'URL').value).toBe('nats://127.0.0.1:4222');
    expect(fieldLabelled(fixture, 'Stream').value).toBe('ORDERS');
    expect(fieldLabelled(fixture, 'Password or token').value).toBe('');
    expect(element(fixture).textContent).toContain('Credentials are stored for this broker');
    expect(element(fixture).textContent).toContain('No deliveries yet');
    expect(element(fixture).textContent).toContain('this message broker subscribes to');
  });

  it('saves changes without the kind, keeping the stored credentials when none are typed', async () => {
    const fixture = await render(aSink({ hasCredentials: true }));
    type(fixture, 'Stream', 'ORDERS');
    save(fixture);
    const request = http.expectOne({ method: 'PATCH', url: '/api/v1/sinks/k-1' });
    expect(request.request.body).toEqual({
      url: 'nats://127.0.0.1:4222',
      stream: 'ORDERS',
      events: ['*'],
      groupPolicy: 'mentions',
      enabled: true,
    });
    request.flush(aSink({ hasCredentials: true, stream: 'ORDERS' }));
    await settle(fixture);
  });

  it('replaces the credentials with a new token, then empties the field', async () => {
    const fixture = await render(aSink({ hasCredentials: true }));
    type(fixture, 'Password or token', 'new-token');
    save(fixture);
    const request = http.expectOne({ method: 'PATCH', url: '/api/v1/sinks/k-1' });
    expect(request.request.body).toMatchObject({ url: 'nats://new-token@127.0.0.1:4222' });
    request.flush(aSink({ hasCredentials: true }));
    await settle(fixture);
    expect(fieldLabelled(fixture, 'Password or token').value).toBe('');
    expect(element(fixture).textContent).not.toContain('new-token');
  });

  it('says so when the sink does not exist', async () => {
    const fixture = TestBed.createComponent(SinkDetail);
    fixture.componentRef.setInput('sessionId', 's-1');
    fixture.componentRef.setInput('sinkId', 'gone');
    await fixture.whenStable();
    http.expectOne('/api/v1/sessions/s-1').flush(aSession());
    http
      .expectOne('/api/v1/sinks/gone')
      .flush(
        { statusCode: 404, error: 'Not Found', message: 'Sink not found' },
        { status: 404, statusText: 'Not Found' },
      );
    await settle(fixture);
    expect(element(fixture).textContent).toContain('This message broker does not exist (any more).');
  });
});
