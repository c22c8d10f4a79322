import { HttpTestingController } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { Router } from '@angular/router';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  FakeSocket,
  aSession,
  element,
  provideFakeSockets,
  setUpConsole,
  settle,
  submitButton,
  type,
  verifyNoPendingRequests,
} from '../../testing/console-testing';
import type { Session } from '../core/api-types';
import { SessionList } from './session-list';

describe('SessionList', () => {
  let http: HttpTestingController;
  let sockets: FakeSocket[];

  beforeEach(() => {
    const fakes = provideFakeSockets();
    sockets = fakes.sockets;
    http = setUpConsole({ providers: [fakes.provider] });
  });

  afterEach(verifyNoPendingRequests);

  async function render(sessions: Session[]) {
    const fixture = TestBed.createComponent(SessionList);
    await fixture.whenStable();
    http.expectOne((request) => request.url === '/api/v1/sessions').flush({ items: sessions, total: sessions.length });
    await settle(fixture);
    return fixture;
  }

  const rows = (fixture: ComponentFixture<unknown>) =>
    Array.from(element(fixture).querySelectorAll('tbody tr')).map((row) => {
      const cells = Array.from(row.querySelectorAll('td'));
      const cell = (label: string) =>
        cells.find((candidate) => candidate.dataset['label'] === label)?.textContent?.trim() ?? '';
      const badge = row.querySelector('.badge');
      return {
        name: cell('Name'),
        status: cell('Status'),
        tone: Array.from(badge?.classList ?? []).find((name) => name.startsWith('badge--')),
        phone: cell('Phone'),
        pushName: cell('Push name'),
        lastConnected: cell('Last connected'),
      };
    });

  it('shows each session with its status word on a badge coloured for that status', async () => {
    const fixture = await render([
      aSession({
        id: 's-1',
        name: 'support',
        status: 'connected',
        phoneNumber: '15551234567',
        pushName: 'Support desk',
        lastConnectedAt: '2026-01-02T08:30:00.000Z',
      }),
      aSession({ id: 's-2', name: 'sales', status: 'qr_timeout' }),
      aSession({ id: 's-3', name: 'old', status: 'banned' }),
    ]);
    const shown = rows(fixture);
    expect(shown.map(({ name, status, tone }) => ({ name, status, tone }))).toEqual([
      { name: 'support', status: 'connected', tone: 'badge--success' },
      { name: 'sales', status: 'qr_timeout', tone: 'badge--warning' },
      { name: 'old', status: 'banned', tone: 'badge--danger' },
    ]);
    expect(shown[0]).toMatchObject({ phone: '+15551234567', pushName: 'Support desk' });
    expect(shown[0].lastConnected).toContain('2026');
    expect(shown[1]).toMatchObject({ phone: '—', pushName: '—', lastConnected: 'Never' });
  });

  it('follows every listed session over the socket', async () => {
    await render([aSession({ id: 's-1' }), aSession({ id: 's-2', name: 'sales' })]);
    sockets[0].receive('connect');
    expect(sockets[0].subscriptions).toEqual(['s-1', 's-2']);
  });

  it('updates a status badge live, without reloading the list', async () => {
    const fixture = await render([aSession({ id: 's-1', status: 'qr' }), aSession({ id: 's-2', name: 'sales' })]);
    sockets[0].receive('connect');
    sockets[0].receive('session.status', {
      sessionId: 's-1',
      status: 'connected',
      reason: null,
      at: '2026-01-01T10:05:00.000Z',
    });
    await settle(fixture);
    expect(rows(fixture).map((row) => row.status)).toEqual(['connected', 'created']);
    // The phone number and push name come with the connection: only that one session is fetched again.
    http.expectOne('/api/v1/sessions/s-1').flush(
      aSession({
        id: 's-1',
        status: 'connected',
        phoneNumber: '15550001111',
        updatedAt: '2026-01-01T10:05:01.000Z',
      }),
    );
    await settle(fixture);
    expect(rows(fixture)[0]).toMatchObject({ status: 'connected', phone: '+15550001111' });
  });

  it('keeps the loaded status when the live event is older than it', async () => {
    const fixture = await render([aSession({ id: 's-1', status: 'stopped', updatedAt: '2026-01-01T10:10:00.000Z' })]);
    sockets[0].receive('connect');
    sockets[0].receive('session.status', {
      sessionId: 's-1',
      status: 'connected',
      reason: null,
      at: '2026-01-01T10:05:00.000Z',
    });
    await settle(fixture);
    expect(rows(fixture)[0].status).toBe('stopped');
  });

  it('explains the next step when there is no session yet', async () => {
    const fixture = await render([]);
    const text = element(fixture).textContent ?? '';
    expect(text).toContain('No sessions yet');
    expect(text).toContain('select Connect');
    expect(element(fixture).querySelector('table')).toBeNull();
  });

  it('creates a session from the “Session name” field and opens it', async () => {
    const fixture = await render([]);
    type(fixture, 'Session name', 'support');
    submitButton(fixture).click();
    const request = http.expectOne({ method: 'POST', url: '/api/v1/sessions' });
    expect(request.request.body).toEqual({ name: 'support' });
    request.flush(aSession({ id: 's-new' }), { status: 201, statusText: 'Created' });
    await settle(fixture);
    expect(TestBed.inject(Router).url).toBe('/sessions/s-new');
  });
});
