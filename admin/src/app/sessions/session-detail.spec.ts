import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { Router } from '@angular/router';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  FakeSocket,
  aSession,
  buttonNamed,
  element,
  provideFakeSockets,
  setUpConsole,
  settle,
  type,
  verifyNoPendingRequests,
} from '../../testing/console-testing';
import type { Session } from '../core/api-types';
import { Confirm } from '../core/confirm';
import { Notifier } from '../core/notifier';
import { SessionDetail } from './session-detail';

describe('SessionDetail', () => {
  let http: HttpTestingController;
  let sockets: FakeSocket[];

  beforeEach(() => {
    const fakes = provideFakeSockets();
    sockets = fakes.sockets;
    http = setUpConsole({ providers: [fakes.provider] });
  });

  afterEach(verifyNoPendingRequests);

  async function render(session: Session) {
    const fixture = TestBed.createComponent(SessionDetail);
    fixture.componentRef.setInput('sessionId', session.id);
    await fixture.whenStable();
    http.expectOne(`/api/v1/sessions/${session.id}`).flush(session);
    await settle(fixture);
    sockets[0].receive('connect');
    return fixture;
  }

  it('shows the QR code the socket sends while the session waits for a scan', async () => {
    const fixture = await render(aSession({ status: 'qr' }));
    // The page opened on a QR status before the socket sent one: it asks once; 409 means none right now.
    http
      .expectOne('/api/v1/sessions/s-1/qr')
      .flush({ statusCode: 409, error: 'Conflict', message: 'No QR' }, { status: 409, statusText: 'Conflict' });
    sockets[0].receive('session.qr', {
      sessionId: 's-1',
      qr: '2@abc',
      expiresAt: new Date(Date.now() + 20_000).toISOString(),
    });
    await settle(fixture);
    expect(element(fixture).querySelector('wago-session-qr img')?.getAttribute('src')).toMatch(/^data:image\/svg\+xml/);
    expect(element(fixture).textContent).toContain('Or use a pairing code');
  });

  it('explains a QR timeout and offers to connect again', async () => {
    const fixture = await render(aSession({ status: 'qr' }));
    http
      .expectOne('/api/v1/sessions/s-1/qr')
      .flush({ qr: '2@abc', expiresAt: new Date(Date.now() + 20_000).toISOString() });
    sockets[0].receive('session.status', {
      sessionId: 's-1',
      status: 'qr_timeout',
      reason: 'QR not scanned in time',
      at: new Date(Date.now() + 60_000).toISOString(),
    });
    await settle(fixture);
    http
      .expectOne('/api/v1/sessions/s-1')
      .flush(aSession({ status: 'qr_timeout', updatedAt: new Date().toISOString() }));
    await settle(fixture);
    const text = element(fixture).textContent ?? '';
    expect(text).toContain('Nobody scanned the QR code in time');
    expect(element(fixture).querySelector('wago-session-qr')).toBeNull();
    expect(buttonNamed(fixture, 'Connect')).toBeDefined();
  });

  it('starts the session on Connect', async () => {
    const fixture = await render(aSession({ status: 'created' }));
    buttonNamed(fixture, 'Connect').click();
    http.expectOne({ method: 'POST', url: '/api/v1/sessions/s-1/start' }).flush(aSession({ status: 'starting' }), {
      status: 202,
      statusText: 'Accepted',
    });
    await settle(fixture);
    expect(element(fixture).querySelector('[data-status]')?.getAttribute('data-status')).toBe('starting');
  });

  it('asks for a pairing code with the digits of the phone number and shows the code', async () => {
    const fixture = await render(aSession({ status: 'created' }));
    type(fixture, 'Phone number', '+1 555 123-4567');
    buttonNamed(fixture, 'Get pairing code').click();
    const request = http.expectOne({ method: 'POST', url: '/api/v1/sessions/s-1/pairing-code' });
    expect(request.request.body).toEqual({ phoneNumber: '15551234567' });
    request.flush({ code: 'ABCD1234' });
    await settle(fixture);
    expect(element(fixture).querySelector('.pairing__code')?.textContent?.trim()).toBe('ABCD-1234');
  });

  it('stops only after the user confirms what stopping does', async () => {
    const fixture = await render(aSession({ status: 'connected', jid: '15551234567@s.whatsapp.net' }));
    const confirm = TestBed.inject(Confirm);
    buttonNamed(fixture, 'Stop').click();
    expect(confirm.pending()?.message).toContain('The account stays linked');
    confirm.pending()?.answer(false);
    await settle(fixture);
    http.expectNone('/api/v1/sessions/s-1/stop');

    buttonNamed(fixture, 'Stop').click();
    confirm.pending()?.answer(true);
    await settle(fixture);
    http.expectOne({ method: 'POST', url: '/api/v1/sessions/s-1/stop' }).flush(aSession({ status: 'stopped' }));
    await settle(fixture);
    expect(element(fixture).querySelector('[data-status]')?.getAttribute('data-status')).toBe('stopped');
  });

  it('says that logging out needs a new QR code to connect again', async () => {
    const fixture = await render(aSession({ status: 'connected', jid: '15551234567@s.whatsapp.net' }));
    buttonNamed(fixture, 'Log out').click();
    const pending = TestBed.inject(Confirm).pending();
    expect(pending?.message).toContain('needs a new QR code or pairing code');
    pending?.answer(true);
    await settle(fixture);
    http.expectOne({ method: 'POST', url: '/api/v1/sessions/s-1/logout' }).flush(aSession({ status: 'logged_out' }));
    await settle(fixture);
  });

  it('deletes after confirmation and returns to the list', async () => {
    const fixture = await render(aSession({ status: 'stopped' }));
    buttonNamed(fixture, 'Delete').click();
    const pending = TestBed.inject(Confirm).pending();
    expect(pending?.message).toContain('cannot be undone');
    pending?.answer(true);
    await settle(fixture);
    http
      .expectOne({ method: 'DELETE', url: '/api/v1/sessions/s-1' })
      .flush(null, { status: 204, statusText: 'No Content' });
    await settle(fixture);
    expect(TestBed.inject(Router).url).toBe('/sessions');
  });

  it('shows what WhatsApp reported about the linked account', async () => {
    const fixture = await render(
      aSession({
        status: 'connected',
        jid: '15551234567@s.whatsapp.net',
        lid: '123456789012345@lid',
        phoneNumber: '15551234567',
        pushName: 'Support desk',
        device: { platform: 'android', browser: 'Chrome', deviceId: 12 },
        lastDisconnect: { code: 428, reason: 'connection_lost', at: '2026-01-01T09:00:00.000Z' },
      }),
    );
    const text = element(fixture).textContent ?? '';
    for (const fact of [
      '+15551234567',
      '15551234567@s.whatsapp.net',
      '123456789012345@lid',
      'Support desk',
      'android · Chrome',
      'device 12',
      'connection_lost',
      '(code 428)',
    ]) {
      expect(text).toContain(fact);
    }
  });

  it('opens the Chats and Groups tabs only when asked, by click or with the arrow keys', async () => {
    const fixture = await render(aSession({ status: 'connected', jid: '15551234567@s.whatsapp.net' }));
    const tab = (name: string) => buttonNamed(fixture, name);
    expect(tab('Details').getAttribute('aria-selected')).toBe('true');
    expect(tab('Chats').tabIndex).toBe(-1);
    http.expectNone((request) => request.url.endsWith('/chats') || request.url.endsWith('/groups'));

    tab('Chats').click();
    await settle(fixture);
    http.expectOne((request) => request.url === '/api/v1/sessions/s-1/chats').flush({ items: [], total: 0 });
    await settle(fixture);
    expect(tab('Chats').getAttribute('aria-selected')).toBe('true');
    expect(element(fixture).querySelector('#session-panel-chats')?.hasAttribute('hidden')).toBe(false);
    expect(element(fixture).querySelector('#session-panel-details')?.hasAttribute('hidden')).toBe(true);
    expect(element(fixture).textContent).toContain('No chats yet');

    tab('Chats').dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight' }));
    await settle(fixture);
    http.expectOne((request) => request.url === '/api/v1/sessions/s-1/groups').flush({ items: [], total: 0 });
    await settle(fixture);
    expect(tab('Groups').getAttribute('aria-selected')).toBe('true');
    expect(document.activeElement).toBe(tab('Groups'));

    // Left from the first tab wraps to the last; back to a tab opened before: it kept its list, nothing is asked again.
    tab('Groups').dispatchEvent(new KeyboardEvent('keydown', { key: 'Home' }));
    tab('Details').dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowLeft' }));
    await settle(fixture);
    expect(tab('Live events').getAttribute('aria-selected')).toBe('true');
    tab('Live events').dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowLeft' }));
    await settle(fixture);
    expect(tab('Groups').getAttribute('aria-selected')).toBe('true');
  });

  it('saves the call settings: declining calls, with a message to the caller', async () => {
    const fixture = await render(aSession({ status: 'connected', jid: '15551234567@s.whatsapp.net' }));
    element(fixture).querySelector<HTMLInputElement>('wago-call-settings input[type="checkbox"]')?.click();
    const message = element(fixture).querySelector<HTMLTextAreaElement>('#reject-calls-message');
    if (!message) throw new Error('No message field');
    message.value = '  We take no calls here: please write.  ';
    message.dispatchEvent(new Event('input'));
    buttonNamed(fixture, 'Save call settings').click();
    const request = http.expectOne({ method: 'PATCH', url: '/api/v1/sessions/s-1' });
    expect(request.request.body).toEqual({
      settings: { rejectCalls: true, rejectCallsMessage: 'We take no calls here: please write.' },
    });
    request.flush(
      aSession({
        status: 'connected',
        settings: { rejectCalls: true, rejectCallsMessage: 'We take no calls here: please write.' },
      }),
    );
    await settle(fixture);
    expect(
      TestBed.inject(Notifier)
        .notices()
        .map((notice) => notice.text),
    ).toEqual(['Calls are now declined.']);
    expect(message.value).toBe('We take no calls here: please write.');

    message.value = ' ';
    message.dispatchEvent(new Event('input'));
    buttonNamed(fixture, 'Save call settings').click();
    const cleared = http.expectOne({ method: 'PATCH', url: '/api/v1/sessions/s-1' });
    expect(cleared.request.body).toEqual({ settings: { rejectCalls: true, rejectCallsMessage: null } });
    cleared.flush(aSession({ status: 'connected', settings: { rejectCalls: true, rejectCallsMessage: null } }));
    await settle(fixture);
  });
});
