import { TestBed } from '@angular/core/testing';
import { ActivatedRouteSnapshot, Router, RouterStateSnapshot, UrlTree, provideRouter } from '@angular/router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { signInAs } from '../../testing/console-testing';
import { Auth } from './auth';
import { adminGuard, authGuard, signedOutGuard } from './auth-guard';

describe('route guards', () => {
  beforeEach(() => {
    localStorage.clear();
    TestBed.configureTestingModule({ providers: [provideRouter([])] });
  });

  afterEach(() => vi.useRealTimers());

  const run = (guard: typeof authGuard, url: string) =>
    TestBed.runInInjectionContext(() => guard({} as ActivatedRouteSnapshot, { url } as RouterStateSnapshot)) as
      boolean | UrlTree;

  const serialize = (result: boolean | UrlTree) =>
    result instanceof UrlTree ? TestBed.inject(Router).serializeUrl(result) : result;

  it('sends a signed-out visitor to login with the page they asked for', () => {
    expect(serialize(run(authGuard, '/sessions/s-1'))).toBe('/login?returnUrl=%2Fsessions%2Fs-1');
  });

  it('lets a signed-in user through', () => {
    signInAs('user');
    expect(run(authGuard, '/sessions')).toBe(true);
  });

  it('treats an expired token as signed out', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    signInAs('user', 60);
    vi.advanceTimersByTime(61_000);
    expect(serialize(run(authGuard, '/api-keys'))).toBe('/login?returnUrl=%2Fapi-keys');
  });

  it('keeps the user pages away from users who are not admins', () => {
    signInAs('user');
    expect(serialize(run(adminGuard, '/users'))).toBe('/');
  });

  it('opens the user pages to admins', () => {
    signInAs('admin');
    expect(run(adminGuard, '/users')).toBe(true);
  });

  it('sends a signed-in user away from login and setup', () => {
    signInAs('user');
    expect(serialize(run(signedOutGuard, '/login'))).toBe('/');
  });

  it('remembers the sign-in across a reload', () => {
    signInAs('admin');
    TestBed.resetTestingModule();
    TestBed.configureTestingModule({ providers: [provideRouter([])] });
    expect(TestBed.inject(Auth).user()?.username).toBe('alice');
    expect(run(adminGuard, '/users')).toBe(true);
  });
});
