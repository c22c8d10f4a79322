import { HttpTestingController } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  element,
  fieldLabelled,
  setUpConsole,
  settle,
  submitButton,
  type,
  verifyNoPendingRequests,
} from '../../testing/console-testing';
import { API_KEY_SCOPES, type ApiKey } from '../core/api-types';
import { Confirm } from '../core/confirm';
import { ApiKeyList } from './api-key-list';

const anApiKey = (overrides: Partial<ApiKey> = {}): ApiKey => ({
  id: 'k-1',
  name: 'crm',
  prefix: 'wago_3xK9q2m',
  createdAt: '2026-01-01T10:00:00.000Z',
  lastUsedAt: null,
  scopes: [...API_KEY_SCOPES],
  sessionIds: null,
  expiresAt: null,
  ...overrides,
});

describe('ApiKeyList', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    http = setUpConsole();
  });

  afterEach(verifyNoPendingRequests);

  const listRequest = () => http.expectOne((request) => request.url === '/api/v1/auth/api-keys');

  const sessionsRequest = () => http.expectOne((request) => request.url === '/api/v1/sessions');

  async function render(keys: ApiKey[], sessions: { id: string; name: string }[] = []) {
    const fixture = TestBed.createComponent(ApiKeyList);
    await fixture.whenStable();
    listRequest().flush({ items: keys, total: keys.length });
    sessionsRequest().flush({ items: sessions, total: sessions.length });
    await settle(fixture);
    return fixture;
  }

  const rowTexts = (fixture: ComponentFixture<unknown>) =>
    Array.from(element(fixture).querySelectorAll('tbody tr')).map((row) =>
      row.textContent?.replace(/\s+/g, ' ').trim(),
    );

  it('lists keys by name and prefix, never the key itself', async () => {
    const fixture = await render([
      anApiKey({ lastUsedAt: '2026-01-02T10:00:00.000Z' }),
      anApiKey({ id: 'k-2', name: 'bot' }),
    ]);
    const rows = rowTexts(fixture);
    expect(rows[0]).toContain('crm');
    expect(rows[0]).toContain('wago_3xK9q2m…');
    expect(rows[1]).toContain('Never');
  });

  it('shows a new key once, to copy', async () => {
    const fixture = await render([]);
    type(fixture, 'Key name', 'crm');
    submitButton(fixture).click();
    const request = http.expectOne({ method: 'POST', url: '/api/v1/auth/api-keys' });
    expect(request.request.body).toEqual({ name: 'crm', scopes: [...API_KEY_SCOPES] });
    request.flush({ ...anApiKey(), key: 'wago_3xK9q2m_secret' }, { status: 201, statusText: 'Created' });
    await settle(fixture);
    listRequest().flush({ items: [anApiKey()], total: 1 });
    await settle(fixture);
    expect(fieldLabelled(fixture, 'API key').value).toBe('wago_3xK9q2m_secret');
    expect(element(fixture).textContent).toContain('It is shown only now');
  });

  it('revokes a key after saying that requests with it will be refused', async () => {
    const fixture = await render([anApiKey()]);
    Array.from(element(fixture).querySelectorAll('button'))
      .find((button) => button.textContent?.trim() === 'Revoke')
      ?.click();
    const pending = TestBed.inject(Confirm).pending();
    expect(pending?.message).toContain('Requests with the key wago_3xK9q2m… are refused');
    pending?.answer(true);
    await settle(fixture);
    http
      .expectOne({ method: 'DELETE', url: '/api/v1/auth/api-keys/k-1' })
      .flush(null, { status: 204, statusText: 'No Content' });
    await settle(fixture);
    listRequest().flush({ items: [], total: 0 });
    await settle(fixture);
    expect(element(fixture).textContent).toContain('No API keys yet.');
  });

  it('shows what each key may do, where and until when', async () => {
    const fixture = await render(
      [
        anApiKey(),
        anApiKey({
          id: 'k-2',
          name: 'bot',
          scopes: ['messages:send', 'messages:read'],
          sessionIds: ['s-1'],
          expiresAt: '2030-01-01T10:00:00.000Z',
        }),
      ],
      [{ id: 's-1', name: 'support-line' }],
    );
    const rows = rowTexts(fixture);
    expect(rows[0]).toContain('All');
    expect(rows[0]).toContain('Never');
    expect(rows[1]).toContain('messages:send, messages:read');
    expect(rows[1]).toContain('support-line');
    expect(rows[1]).toContain('2030');
  });

  it('creates a key with the scopes left checked, the sessions chosen and an expiry', async () => {
    const fixture = await render([], [{ id: 's-1', name: 'support-line' }]);
    type(fixture, 'Key name', 'bot');
    const checkbox = (text: string) =>
      Array.from(element(fixture).querySelectorAll<HTMLLabelElement>('label.check'))
        .find((label) => label.textContent?.trim() === text)
        ?.querySelector('input');
    checkbox('sessions:write')?.click();
    checkbox('support-line')?.click();
    type(fixture, 'Expires (optional)', '2030-01-01T10:00');
    submitButton(fixture).click();
    const request = http.expectOne({ method: 'POST', url: '/api/v1/auth/api-keys' });
    expect(request.request.body).toEqual({
      name: 'bot',
      scopes: API_KEY_SCOPES.filter((scope) => scope !== 'sessions:write'),
      sessionIds: ['s-1'],
      expiresAt: new Date('2030-01-01T10:00').toISOString(),
    });
    request.flush({ ...anApiKey(), key: 'wago_3xK9q2m_secret' }, { status: 201, statusText: 'Created' });
    await settle(fixture);
    listRequest().flush({ items: [], total: 0 });
    await settle(fixture);
  });

  it('refuses a key without any scope', async () => {
    const fixture = await render([]);
    type(fixture, 'Key name', 'nothing');
    for (const input of element(fixture).querySelectorAll<HTMLInputElement>('fieldset input[type="checkbox"]')) {
      input.click();
    }
    submitButton(fixture).click();
    await settle(fixture);
    expect(element(fixture).textContent).toContain('Choose at least one scope.');
  });
});
