import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  aSession,
  buttonNamed,
  element,
  fieldLabelled,
  setUpConsole,
  settle,
  type,
  verifyNoPendingRequests,
} from '../../testing/console-testing';
import type { Webhook } from '../core/api-types';
import { Confirm } from '../core/confirm';
import { WebhookList } from './webhook-list';

const aWebhook = (overrides: Partial<Webhook> = {}): Webhook => ({
  id: 'w-1',
  sessionId: 's-1',
  url: 'https://bots.example.com/wago',
  events: ['message.received'],
  groupPolicy: 'mentions',
  enabled: true,
  disabledReason: null,
  createdAt: '2026-01-01T10:00:00.000Z',
  updatedAt: '2026-01-01T10:00:00.000Z',
  ...overrides,
});

describe('WebhookList', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    http = setUpConsole();
  });

  afterEach(verifyNoPendingRequests);

  async function render(webhooks: Webhook[]) {
    const fixture = TestBed.createComponent(WebhookList);
    fixture.componentRef.setInput('sessionId', 's-1');
    await fixture.whenStable();
    http.expectOne('/api/v1/sessions/s-1').flush(aSession());
    http
      .expectOne((request) => request.url === '/api/v1/sessions/s-1/webhooks')
      .flush({ items: webhooks, total: webhooks.length });
    await settle(fixture);
    return fixture;
  }

  it('adds a webhook and shows its signing secret once, with a copy button', async () => {
    const fixture = await render([]);
    expect(element(fixture).textContent).toContain('No webhooks yet');
    buttonNamed(fixture, 'Add webhook').click();
    await settle(fixture);
    type(fixture, 'URL', 'https://bots.example.com/wago');
    const groupPolicy = fieldLabelled<HTMLSelectElement>(fixture, 'Group messages');
    groupPolicy.value = 'all';
    groupPolicy.dispatchEvent(new Event('change'));
    const submit = element(fixture).querySelector<HTMLButtonElement>('wago-webhook-form button[type="submit"]');
    submit?.click();
    const request = http.expectOne({ method: 'POST', url: '/api/v1/sessions/s-1/webhooks' });
    expect(request.request.body).toEqual({
      url: 'https://bots.example.com/wago',
      events: ['*'],
      groupPolicy: 'all',
      enabled: true,
    });
    request.flush({ ...aWebhook({ events: ['*'], groupPolicy: 'all' }), secret: 'whsec_abc123' });
    await settle(fixture);
    expect(fieldLabelled(fixture, 'Signing secret').value).toBe('whsec_abc123');
    expect(buttonNamed(fixture, 'Copy')).toBeDefined();
    expect(element(fixture).textContent).toContain('It is shown only now');

    buttonNamed(fixture, 'Done').click();
    await settle(fixture);
    expect(element(fixture).textContent).not.toContain('whsec_abc123');
    expect(element(fixture).querySelector('.webhook__url')?.textContent?.trim()).toBe('https://bots.example.com/wago');
  });

  it('will not add a webhook without an event', async () => {
    const fixture = await render([]);
    buttonNamed(fixture, 'Add webhook').click();
    await settle(fixture);
    type(fixture, 'URL', 'https://bots.example.com/wago');
    const everyEvent = Array.from(element(fixture).querySelectorAll<HTMLInputElement>('input[type="checkbox"]')).find(
      (checkbox) => checkbox.closest('label')?.textContent?.includes('every event'),
    );
    everyEvent?.click();
    element(fixture).querySelector<HTMLButtonElement>('wago-webhook-form button[type="submit"]')?.click();
    await settle(fixture);
    expect(element(fixture).textContent).toContain('Choose at least one event.');
    http.expectNone('/api/v1/sessions/s-1/webhooks');
  });

  it('disables and enables a webhook', async () => {
    const fixture = await render([aWebhook()]);
    buttonNamed(fixture, 'Disable').click();
    const request = http.expectOne({ method: 'PATCH', url: '/api/v1/webhooks/w-1' });
    expect(request.request.body).toEqual({ enabled: false });
    request.flush(aWebhook({ enabled: false }));
    await settle(fixture);
    expect(element(fixture).querySelector('.badge')?.textContent?.trim()).toBe('disabled');
    expect(buttonNamed(fixture, 'Enable')).toBeDefined();
  });

  it('says why WAGO disabled a webhook', async () => {
    const fixture = await render([aWebhook({ enabled: false, disabledReason: 'The receiver answered 410 Gone' })]);
    expect(element(fixture).textContent).toContain('WAGO disabled this webhook: The receiver answered 410 Gone');
  });

  it('reports what the receiver answered to a test ping', async () => {
    const fixture = await render([aWebhook()]);
    buttonNamed(fixture, 'Send test').click();
    http
      .expectOne({ method: 'POST', url: '/api/v1/webhooks/w-1/test' })
      .flush({ ok: false, statusCode: 503, durationMs: 41, error: 'HTTP 503' });
    await settle(fixture);
    expect(element(fixture).querySelector('.test-result')?.textContent?.trim()).toBe('Test failed: HTTP 503 (41 ms).');
  });

  it('deletes a webhook only after confirmation', async () => {
    const fixture = await render([aWebhook()]);
    buttonNamed(fixture, 'Delete').click();
    const pending = TestBed.inject(Confirm).pending();
    expect(pending?.message).toContain('https://bots.example.com/wago');
    pending?.answer(true);
    await settle(fixture);
    http
      .expectOne({ method: 'DELETE', url: '/api/v1/webhooks/w-1' })
      .flush(null, { status: 204, statusText: 'No Content' });
    await settle(fixture);
    expect(element(fixture).textContent).toContain('No webhooks yet');
  });
});
