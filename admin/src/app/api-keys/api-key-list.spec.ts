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
import type { ApiKey } from '../core/api-types';
import { Confirm } from '../core/confirm';
import { ApiKeyList } from './api-key-list';

const anApiKey = (overrides: Partial<ApiKey> = {}): ApiKey => ({
  id: 'k-1',
  name: 'crm',
  prefix: 'wago_3xK9q2m',
  createdAt: '2026-01-01T10:00:00.000Z',
  lastUsedAt: null,
  ...overrides,
});

describe('ApiKeyList', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    http = setUpConsole();
  });

  afterEach(verifyNoPendingRequests);

  const listRequest = () => http.expectOne((request) => request.url === '/api/v1/auth/api-keys');

  async function render(keys: ApiKey[]) {
    const fixture = TestBed.createComponent(ApiKeyList);
    await fixture.whenStable();
    listRequest().flush({ items: keys, total: keys.length });
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
    expect(request.request.body).toEqual({ name: 'crm' });
    request.flush(
      { id: 'k-1', name: 'crm', prefix: 'wago_3xK9q2m', key: 'wago_3xK9q2m_secret' },
      { status: 201, statusText: 'Created' },
    );
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
});
