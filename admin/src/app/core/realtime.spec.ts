import { TestBed } from '@angular/core/testing';
import { Router } from '@angular/router';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeSocket, provideConsoleTesting, provideFakeSockets, signInAs } from '../../testing/console-testing';
import { Auth } from './auth';
import { Realtime } from './realtime';

describe('Realtime', () => {
  let sockets: FakeSocket[];
  let realtime: Realtime;
  let auth: Auth;

  const latestSocket = () => sockets[sockets.length - 1];

  beforeEach(() => {
    localStorage.clear();
    const fakes = provideFakeSockets();
    sockets = fakes.sockets;
    TestBed.configureTestingModule({ providers: [...provideConsoleTesting(), fakes.provider] });
    auth = TestBed.inject(Auth);
    signInAs();
    realtime = TestBed.inject(Realtime);
    TestBed.tick();
  });

  it('opens no socket before a session is followed', () => {
    expect(sockets).toEqual([]);
    expect(realtime.connection()).toBe('offline');
  });

  it('connects with the user’s token and subscribes to each followed session once connected', () => {
    realtime.follow('s-1');
    realtime.follow('s-2');
    expect(sockets).toHaveLength(1);
    expect(latestSocket().token).toBe('jwt-1');
    expect(realtime.connection()).toBe('connecting');
    latestSocket().receive('connect');
    expect(realtime.connection()).toBe('online');
    expect(latestSocket().subscriptions).toEqual(['s-1', 's-2']);
    realtime.follow('s-3');
    realtime.follow('s-3');
    expect(latestSocket().subscriptions).toEqual(['s-1', 's-2', 's-3']);
  });

  it('exposes the latest status and QR code of each followed session as signals', () => {
    realtime.follow('s-1');
    latestSocket().receive('connect');
    const status = realtime.status('s-1');
    const qr = realtime.qr('s-1');
    latestSocket().receive('session.status', {
      sessionId: 's-1',
      status: 'qr',
      reason: null,
      at: '2026-01-01T10:00:00Z',
    });
    latestSocket().receive('session.qr', { sessionId: 's-1', qr: '2@abc', expiresAt: '2026-01-01T10:00:20Z' });
    expect(status()?.status).toBe('qr');
    expect(qr()?.qr).toBe('2@abc');
    latestSocket().receive('session.qr', { sessionId: 's-1', qr: '2@def', expiresAt: '2026-01-01T10:00:40Z' });
    expect(qr()?.qr).toBe('2@def');
  });

  it('drops the QR code once the session leaves the qr status', () => {
    realtime.follow('s-1');
    latestSocket().receive('connect');
    latestSocket().receive('session.qr', { sessionId: 's-1', qr: '2@abc', expiresAt: '2026-01-01T10:00:20Z' });
    latestSocket().receive('session.status', {
      sessionId: 's-1',
      status: 'qr_timeout',
      reason: 'no scan',
      at: '2026-01-01T10:01:00Z',
    });
    expect(realtime.qr('s-1')()).toBeUndefined();
    expect(realtime.status('s-1')()).toMatchObject({ status: 'qr_timeout', reason: 'no scan' });
  });

  it('ignores events about sessions nobody follows', () => {
    realtime.follow('s-1');
    latestSocket().receive('connect');
    latestSocket().receive('session.status', {
      sessionId: 's-9',
      status: 'connected',
      reason: null,
      at: '2026-01-01T10:00:00Z',
    });
    expect(realtime.statuses().size).toBe(0);
  });

  it('subscribes again after the connection comes back', () => {
    realtime.follow('s-1');
    latestSocket().receive('connect');
    latestSocket().receive('disconnect', 'transport close');
    expect(realtime.connection()).toBe('connecting');
    latestSocket().receive('connect');
    expect(latestSocket().subscriptions).toEqual(['s-1', 's-1']);
    expect(realtime.connection()).toBe('online');
  });

  it('stops following a deleted session and forgets its state', () => {
    realtime.follow('s-1');
    latestSocket().receive('connect');
    latestSocket().receive('session.status', {
      sessionId: 's-1',
      status: 'connected',
      reason: null,
      at: '2026-01-01T10:00:00Z',
    });
    realtime.forget('s-1');
    expect(latestSocket().unsubscriptions).toEqual(['s-1']);
    expect(realtime.status('s-1')()).toBeUndefined();
    latestSocket().receive('connect');
    expect(latestSocket().subscriptions).toEqual(['s-1']);
  });

  it('keeps the reason a subscription was refused', () => {
    realtime.follow('s-1');
    latestSocket().ackWith = { ok: false, error: 'Session s-1 not found' };
    latestSocket().receive('connect');
    expect(realtime.subscribeErrors().get('s-1')).toBe('Session s-1 not found');
  });

  it('treats a refused token as an expired sign-in', async () => {
    realtime.follow('s-1');
    const socket = latestSocket();
    socket.receive('connect_error', new Error('unauthorized'));
    expect(realtime.connection()).toBe('unauthorized');
    expect(socket.disconnected).toBe(true);
    expect(auth.token()).toBeNull();
    await vi.waitFor(() => expect(TestBed.inject(Router).url).toMatch(/^\/login/));
  });

  it('closes the socket and forgets everything when the user signs out', async () => {
    realtime.follow('s-1');
    latestSocket().receive('connect');
    latestSocket().receive('session.status', {
      sessionId: 's-1',
      status: 'connected',
      reason: null,
      at: '2026-01-01T10:00:00Z',
    });
    await auth.signOut();
    TestBed.tick();
    expect(latestSocket().disconnected).toBe(true);
    expect(realtime.statuses().size).toBe(0);
    expect(realtime.connection()).toBe('offline');
  });

  it('reconnects as the new user after a new sign-in', () => {
    realtime.follow('s-1');
    latestSocket().receive('connect');
    signInAs('admin', 3600, 'jwt-2');
    TestBed.tick();
    expect(sockets).toHaveLength(2);
    expect(sockets[0].disconnected).toBe(true);
    expect(latestSocket().token).toBe('jwt-2');
  });
});
