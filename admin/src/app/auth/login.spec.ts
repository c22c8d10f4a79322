import { HttpTestingController } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { Router } from '@angular/router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  element,
  fieldLabelled,
  setUpConsole,
  settle,
  submitButton,
  type,
  verifyNoPendingRequests,
} from '../../testing/console-testing';
import { Auth } from '../core/auth';
import { Login } from './login';

describe('Login', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'], now: new Date('2026-01-01T10:00:00.000Z') });
    http = setUpConsole({ signedInAs: null });
  });

  afterEach(() => {
    vi.useRealTimers();
    verifyNoPendingRequests();
  });

  async function render(setupAnswer: { needsSetup: boolean } | 'missing' = { needsSetup: false }, returnUrl?: string) {
    const fixture = TestBed.createComponent(Login);
    if (returnUrl) fixture.componentRef.setInput('returnUrl', returnUrl);
    await fixture.whenStable();
    const setup = http.expectOne('/api/v1/auth/setup');
    if (setupAnswer === 'missing')
      setup.flush({ statusCode: 404, message: 'Not found' }, { status: 404, statusText: 'Not Found' });
    else setup.flush(setupAnswer);
    await settle(fixture);
    return fixture;
  }

  async function signIn(fixture: ComponentFixture<unknown>): Promise<void> {
    type(fixture, 'Username', 'alice');
    type(fixture, 'PIN', '123456');
    submitButton(fixture).click();
    await settle(fixture);
  }

  const text = (fixture: ComponentFixture<unknown>) => element(fixture).textContent ?? '';

  it('tells a locked-out user when they can try again, and holds the button until then', async () => {
    const fixture = await render();
    await signIn(fixture);
    http
      .expectOne('/api/v1/auth/login')
      .flush(
        { statusCode: 429, error: 'Too Many Requests', message: 'Too many failed attempts: the account is locked' },
        { status: 429, statusText: 'Too Many Requests', headers: { 'Retry-After': '90' } },
      );
    await settle(fixture);
    const alert = element(fixture).querySelector('[role="alert"]')?.textContent ?? '';
    expect(alert).toContain('Too many failed attempts: the account is locked');
    expect(alert).toMatch(/You can try again at .+ \(in 1 min 30 s\)/);
    expect(submitButton(fixture).disabled).toBe(true);

    vi.advanceTimersByTime(60_000);
    await settle(fixture);
    expect(text(fixture)).toContain('(in 30 s)');

    vi.advanceTimersByTime(30_000);
    await settle(fixture);
    expect(text(fixture)).toContain('You can try again now.');
    expect(submitButton(fixture).disabled).toBe(false);
  });

  it('counts a 60 s lock down from 1 min, even when it starts between two ticks of the clock', async () => {
    const fixture = await render();
    await signIn(fixture);
    vi.advanceTimersByTime(400);
    http
      .expectOne('/api/v1/auth/login')
      .flush(
        { statusCode: 429, error: 'Too Many Requests', message: 'Too many failed logins: try again in 60 seconds' },
        { status: 429, statusText: 'Too Many Requests', headers: { 'Retry-After': '60' } },
      );
    await settle(fixture);
    expect(text(fixture)).toContain('(in 1 min)');

    vi.advanceTimersByTime(1600);
    await settle(fixture);
    expect(text(fixture)).toContain('(in 59 s)');
  });

  it('shows only the server’s answer to a wrong PIN, with the PIN emptied for another try', async () => {
    const fixture = await render();
    await signIn(fixture);
    http
      .expectOne('/api/v1/auth/login')
      .flush(
        { statusCode: 401, error: 'Unauthorized', message: 'Wrong username or PIN' },
        { status: 401, statusText: 'Unauthorized' },
      );
    await settle(fixture);
    expect(element(fixture).querySelector('[role="alert"]')?.textContent).toContain('Wrong username or PIN');
    const pin = fieldLabelled<HTMLInputElement>(fixture, 'PIN');
    expect(pin.value).toBe('');
    expect(pin.getAttribute('aria-invalid')).toBe('false');
    expect(text(fixture)).not.toContain('Enter your PIN.');

    submitButton(fixture).click();
    await settle(fixture);
    expect(text(fixture)).toContain('Enter your PIN.');
  });

  it('goes back to the page that needed the sign-in', async () => {
    const fixture = await render({ needsSetup: false }, '/sessions/s-1/webhooks');
    await signIn(fixture);
    const request = http.expectOne('/api/v1/auth/login');
    expect(request.request.body).toEqual({ username: 'alice', pin: '123456' });
    request.flush({
      accessToken: 'jwt-1',
      expiresIn: 3600,
      user: { id: 'u-1', username: 'alice', role: 'admin', createdAt: '2026-01-01T00:00:00.000Z' },
    });
    await settle(fixture);
    expect(TestBed.inject(Auth).token()).toBe('jwt-1');
    expect(TestBed.inject(Router).url).toBe('/sessions/s-1/webhooks');
  });

  it('lands on the dashboard when no page needed the sign-in', async () => {
    await TestBed.inject(Router).navigateByUrl('/login');
    const fixture = await render({ needsSetup: false });
    expect(TestBed.inject(Router).url).toBe('/login');
    await signIn(fixture);
    http.expectOne('/api/v1/auth/login').flush({
      accessToken: 'jwt-1',
      expiresIn: 3600,
      user: { id: 'u-1', username: 'alice', role: 'user', createdAt: '2026-01-01T00:00:00.000Z' },
    });
    await settle(fixture);
    expect(TestBed.inject(Router).url).toBe('/');
  });

  it('refuses to send the user to another site after signing in', async () => {
    await TestBed.inject(Router).navigateByUrl('/login');
    const fixture = await render({ needsSetup: false }, '//evil.example.com');
    await signIn(fixture);
    http.expectOne('/api/v1/auth/login').flush({
      accessToken: 'jwt-1',
      expiresIn: 3600,
      user: { id: 'u-1', username: 'alice', role: 'user', createdAt: '2026-01-01T00:00:00.000Z' },
    });
    await settle(fixture);
    expect(TestBed.inject(Router).url).toBe('/');
  });

  it('sends the very first visitor to setup', async () => {
    await render({ needsSetup: true });
    expect(TestBed.inject(Router).url).toBe('/setup');
  });

  it('offers the setup page when the server cannot say whether it is set up', async () => {
    const fixture = await render('missing');
    const link = element(fixture).querySelector('a[href="/setup"]');
    expect(link?.textContent).toContain('Set up WAGO');
  });
});
