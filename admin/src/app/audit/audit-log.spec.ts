import { HttpTestingController, TestRequest } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  buttonNamed,
  element,
  fieldLabelled,
  setUpConsole,
  settle,
  type,
  verifyNoPendingRequests,
} from '../../testing/console-testing';
import type { AuditEntry, Role, User } from '../core/api-types';
import { AuditLog } from './audit-log';

const anEntry = (overrides: Partial<AuditEntry> = {}): AuditEntry => ({
  id: 'e-1',
  at: '2026-01-01T10:00:00.000Z',
  actor: { userId: 'u-1', username: 'alice', apiKeyId: null },
  action: 'webhook.created',
  targetType: 'webhook',
  targetId: 'w-1',
  summary: { url: 'https://hooks.example.com/in?token=redacted', events: ['*'] },
  clientAddress: '203.0.113.9',
  userAgent: 'curl/8.5',
  correlationId: 'req-42',
  ...overrides,
});

const alice: User = { id: 'u-1', username: 'alice', role: 'admin', createdAt: '2026-01-01T00:00:00.000Z' };
const bob: User = { id: 'u-2', username: 'bob', role: 'user', createdAt: '2026-01-01T00:00:00.000Z' };

describe('AuditLog', () => {
  let http: HttpTestingController;

  afterEach(verifyNoPendingRequests);

  const auditRequest = (): TestRequest => http.expectOne((request) => request.url === '/api/v1/audit');

  async function render(role: Role, entries: AuditEntry[]) {
    http = setUpConsole({ signedInAs: role });
    const fixture = TestBed.createComponent(AuditLog);
    await fixture.whenStable();
    auditRequest().flush({ items: entries, total: entries.length });
    if (role === 'admin')
      http.expectOne((request) => request.url === '/api/v1/users').flush({ items: [alice, bob], total: 2 });
    await settle(fixture);
    return fixture;
  }

  it('shows who did what to which target, the redacted details, and where the request came from', async () => {
    const fixture = await render('admin', [
      anEntry(),
      anEntry({
        id: 'e-2',
        actor: null,
        action: 'auth.signin_failed',
        targetType: 'user',
        targetId: null,
        summary: {},
      }),
    ]);
    const rows = Array.from(element(fixture).querySelectorAll('tbody tr'));
    expect(rows).toHaveLength(2);
    expect(rows[0].textContent).toContain('alice');
    expect(rows[0].textContent).toContain('Webhook created');
    expect(rows[0].textContent).toContain('webhook.created');
    expect(rows[0].textContent).toContain('https://hooks.example.com/in?token=redacted');
    expect(rows[0].textContent).toContain('203.0.113.9');
    expect(rows[0].textContent).toContain('curl/8.5');
    expect(rows[0].textContent).toContain('req-42');
    expect(rows[1].textContent).toContain('Unknown');
  });

  it('names the API key a change was made with', async () => {
    const fixture = await render('user', [anEntry({ actor: { userId: 'u-1', username: 'alice', apiKeyId: 'k-9' } })]);
    expect(element(fixture).querySelector('tbody tr')?.textContent).toContain('with API key k-9');
  });

  it('sends the filters an admin applies, from the first page', async () => {
    const fixture = await render('admin', [anEntry()]);
    const action = fieldLabelled<HTMLSelectElement>(fixture, 'Action');
    const deletion = Array.from(action.options).find((option) => option.value === 'session.deleted');
    expect(deletion?.textContent).toBe('Session deleted');
    action.value = 'session.deleted';
    action.dispatchEvent(new Event('change'));
    const who = fieldLabelled<HTMLSelectElement>(fixture, 'Who');
    who.value = 'u-2';
    who.dispatchEvent(new Event('change'));
    type(fixture, 'Target id', ' s-1 ');
    type(fixture, 'From', '2026-01-01T00:00');
    buttonNamed(fixture, 'Apply filters').click();
    await settle(fixture);
    const request = auditRequest();
    const params = request.request.params;
    expect(params.get('action')).toBe('session.deleted');
    expect(params.get('actor')).toBe('u-2');
    expect(params.get('targetId')).toBe('s-1');
    expect(params.get('since')).toBe(new Date('2026-01-01T00:00').toISOString());
    expect(params.has('until')).toBe(false);
    expect(params.get('offset')).toBe('0');
    request.flush({ items: [], total: 0 });
    await settle(fixture);
    expect(element(fixture).textContent).toContain('No entries match.');
  });

  it('offers a user no filter by person: they only see their own changes', async () => {
    const fixture = await render('user', [anEntry()]);
    expect(element(fixture).textContent).toContain('The changes you made');
    expect(element(fixture).querySelector('#audit-actor')).toBeNull();
  });
});
