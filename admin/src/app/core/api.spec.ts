import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aSession, setUpConsole, signInAs, verifyNoPendingRequests } from '../../testing/console-testing';
import { Api } from './api';

describe('Api', () => {
  let api: Api;
  let http: HttpTestingController;
  const session = aSession();

  beforeEach(() => {
    http = setUpConsole({ signedInAs: null });
    api = TestBed.inject(Api);
  });

  afterEach(verifyNoPendingRequests);

  it('lists sessions with the status filter and paging as query parameters', async () => {
    const answer = api.sessions.list({ status: 'connected', limit: 10, offset: 20 });
    const request = http.expectOne((candidate) => candidate.url === '/api/v1/sessions');
    expect(request.request.method).toBe('GET');
    expect(request.request.params.get('status')).toBe('connected');
    expect(request.request.params.get('limit')).toBe('10');
    expect(request.request.params.get('offset')).toBe('20');
    request.flush({ items: [session], total: 21 });
    await expect(answer).resolves.toEqual({ items: [session], total: 21 });
  });

  it('leaves filters that are not set out of the query', () => {
    void api.sessions.list({ status: undefined, limit: 50 });
    const request = http.expectOne((candidate) => candidate.url === '/api/v1/sessions');
    expect(request.request.params.keys()).toEqual(['limit']);
    request.flush({ items: [], total: 0 });
  });

  it('sends the signed-in user’s token as a bearer token', () => {
    signInAs('admin');
    void api.sessions.get('s-1');
    const request = http.expectOne('/api/v1/sessions/s-1');
    expect(request.request.headers.get('Authorization')).toBe('Bearer jwt-1');
    request.flush(session);
  });

  it('sends no Authorization header while signed out', () => {
    void api.auth.login({ username: 'alice', pin: '123456' });
    const request = http.expectOne('/api/v1/auth/login');
    expect(request.request.method).toBe('POST');
    expect(request.request.body).toEqual({ username: 'alice', pin: '123456' });
    expect(request.request.headers.has('Authorization')).toBe(false);
    request.flush({ accessToken: 'jwt', expiresIn: 60, user: {} });
  });

  it('escapes ids inside paths', () => {
    void api.webhooks.deliveries('hook/1', { status: 'failed' });
    const request = http.expectOne((candidate) => candidate.url === '/api/v1/webhooks/hook%2F1/deliveries');
    expect(request.request.params.get('status')).toBe('failed');
    request.flush({ items: [], total: 0 });
  });

  it('drives the session lifecycle through its own routes', () => {
    void api.sessions.start('s-1');
    void api.sessions.stop('s-1');
    void api.sessions.logout('s-1');
    void api.sessions.requestPairingCode('s-1', { phoneNumber: '15551234567' });
    for (const action of ['start', 'stop', 'logout']) {
      http.expectOne({ method: 'POST', url: `/api/v1/sessions/s-1/${action}` }).flush(session);
    }
    const pairing = http.expectOne({ method: 'POST', url: '/api/v1/sessions/s-1/pairing-code' });
    expect(pairing.request.body).toEqual({ phoneNumber: '15551234567' });
    pairing.flush({ code: 'ABCD-EFGH' });
  });

  it('creates a webhook for a session and hands back its one-time secret', async () => {
    const settings = {
      url: 'https://example.com/hook',
      events: ['*' as const],
      groupPolicy: 'all' as const,
      enabled: true,
    };
    const answer = api.webhooks.create('s-1', settings);
    const request = http.expectOne({ method: 'POST', url: '/api/v1/sessions/s-1/webhooks' });
    expect(request.request.body).toEqual(settings);
    request.flush({ id: 'w-1', ...settings, secret: 'whsec_abc' }, { status: 201, statusText: 'Created' });
    expect((await answer).secret).toBe('whsec_abc');
  });

  it('queues redeliveries, one or every failed one, and reads a delivery with its attempts', async () => {
    const queued = api.deliveries.redeliver('d-1');
    http
      .expectOne({ method: 'POST', url: '/api/v1/deliveries/d-1/redeliver' })
      .flush({ id: 'd-1', status: 'pending' }, { status: 202, statusText: 'Accepted' });
    await expect(queued).resolves.toMatchObject({ status: 'pending' });
    const failed = api.webhooks.redeliverFailed('w-1', { since: '2026-01-01T00:00:00.000Z' });
    const bulk = http.expectOne({ method: 'POST', url: '/api/v1/webhooks/w-1/deliveries/redeliver' });
    expect(bulk.request.body).toEqual({ since: '2026-01-01T00:00:00.000Z' });
    bulk.flush({ count: 3 }, { status: 202, statusText: 'Accepted' });
    await expect(failed).resolves.toEqual({ count: 3 });
    const detail = api.deliveries.get('d-1');
    http.expectOne('/api/v1/deliveries/d-1').flush({ id: 'd-1', attempts: [{ attempt: 1, statusCode: 500 }] });
    expect((await detail).attempts).toHaveLength(1);
  });

  it('resolves deletions answered with 204 No Content', async () => {
    const answer = api.sessions.delete('s-1');
    http
      .expectOne({ method: 'DELETE', url: '/api/v1/sessions/s-1' })
      .flush(null, { status: 204, statusText: 'No Content' });
    await expect(answer).resolves.toBeUndefined();
  });

  it('rejects with the HTTP error so the caller can read the server’s message', async () => {
    const answer = api.sessions.get('missing');
    http
      .expectOne('/api/v1/sessions/missing')
      .flush(
        { statusCode: 404, error: 'Not Found', message: 'Session missing not found' },
        { status: 404, statusText: 'Not Found' },
      );
    await expect(answer).rejects.toMatchObject({ status: 404, error: { message: 'Session missing not found' } });
  });
});
