import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Api } from './api';
import type { Session } from './api-types';
import { Auth } from './auth';
import { authInterceptor } from './auth-interceptor';
import { errorInterceptor } from './error-interceptor';

const session: Session = {
  id: 's-1',
  name: 'support',
  status: 'created',
  jid: null,
  lid: null,
  phoneNumber: null,
  pushName: null,
  device: null,
  lastConnectedAt: null,
  lastDisconnect: null,
  createdAt: '2026-01-01T10:00:00.000Z',
  updatedAt: '2026-01-01T10:00:00.000Z',
};

describe('Api', () => {
  let api: Api;
  let http: HttpTestingController;

  beforeEach(() => {
    localStorage.clear();
    TestBed.configureTestingModule({
      providers: [
        provideRouter([]),
        provideHttpClient(withInterceptors([authInterceptor, errorInterceptor])),
        provideHttpClientTesting(),
      ],
    });
    api = TestBed.inject(Api);
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => http.verify());

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
    TestBed.inject(Auth).signedIn({
      accessToken: 'jwt-1',
      expiresIn: 3600,
      user: { id: 'u-1', username: 'alice', role: 'admin', createdAt: session.createdAt },
    });
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
