import { TestBed } from '@angular/core/testing';
import { ActivatedRouteSnapshot, Router, RouterStateSnapshot, UrlTree, provideRouter } from '@angular/router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Role } from './api-types';
import { Auth } from './auth';
import { adminGuard, authGuard, signedOutGuard } from './auth-guard';

describe('route guards', () => {
  beforeEach(() => {
    localStorage.clear();
    TestBed.configureTestingModule({ providers: [provideRouter([])] });
  });

  afterEach(() => vi.useRealTimers());

  const signIn = (role: Role = 'user', expiresIn = 3600) =>
    TestBed.inject(Auth).signedIn({
      accessToken: 'jwt-1',
      expiresIn,
      user: { id: 'u-1', username: 'alice', role, createdAt: '2026-01-01T00:00:00.000Z' },
    });

  const run = (guard: typeof authGuard, url: string) =>
    TestBed.runInInjectionContext(() => guard({} as ActivatedRouteSnapshot, { url } as RouterStateSnapshot)) as
      boolean | UrlTree;

  const serialize = (result: boolean | UrlTree) =>
    result instanceof UrlTree ? TestBed.inject(Router).serializeUrl(result) : result;

  it('sends a signed-out visitor to login with the page they asked for', () => {
    expect(serialize(run(authGuard, '/sessions/s-1'))).toBe('/login?returnUrl=%2Fsessions%2Fs-1');
  });

  it('lets a signed-in user through', () => {
    signIn();
    expect(run(authGuard, '/sessions')).toBe(true);
  });

  it('treats an expired token as signed out', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    signIn('user', 60);
    vi.advanceTimersByTime(61_000);
    expect(serialize(run(authGuard, '/api-keys'))).toBe('/login?returnUrl=%2Fapi-keys');
  });

  it('keeps the user pages away from users who are not admins', () => {
    signIn('user');
    expect(serialize(run(adminGuard, '/users'))).toBe('/sessions');
  });

  it('opens the user pages to admins', () => {
    signIn('admin');
    expect(run(adminGuard, '/users')).toBe(true);
  });

  it('sends a signed-in user away from login and setup', () => {
    signIn();
    expect(serialize(run(signedOutGuard, '/login'))).toBe('/sessions');
  });

  it('remembers the sign-in across a reload', () => {
    signIn('admin');
    TestBed.resetTestingModule();
    TestBed.configureTestingModule({ providers: [provideRouter([])] });
    expect(TestBed.inject(Auth).user()?.username).toBe('alice');
    expect(run(adminGuard, '/users')).toBe(true);
  });
});
