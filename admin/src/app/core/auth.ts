// Who is signed in: the access token and its user, kept in localStorage so a reload or a new tab stays signed in.
import { Injectable, computed, inject, signal } from '@angular/core';
import { Router } from '@angular/router';
import type { AccessToken, User } from './api-types';
import { Notifier } from './notifier';

const STORAGE_KEY = 'wago.auth';

interface StoredSignIn {
  accessToken: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  user: User;
}

@Injectable({ providedIn: 'root' })
export class Auth {
  private readonly router = inject(Router);
  private readonly notifier = inject(Notifier);
  private readonly current = signal<StoredSignIn | null>(readStoredSignIn());

  readonly token = computed(() => this.current()?.accessToken ?? null);
  readonly user = computed(() => this.current()?.user ?? null);
  readonly isAdmin = computed(() => this.user()?.role === 'admin');

  /** Not a computed signal: expiry is a matter of the clock, checked whenever it matters (a navigation). */
  isSignedIn(): boolean {
    const current = this.current();
    return current !== null && current.expiresAt > Date.now();
  }

  signedIn(answer: AccessToken): void {
    this.store({ accessToken: answer.accessToken, expiresAt: Date.now() + answer.expiresIn * 1000, user: answer.user });
  }

  userChanged(user: User): void {
    const current = this.current();
    if (current) this.store({ ...current, user });
  }

  async signOut(): Promise<void> {
    this.store(null);
    await this.router.navigate(['/login']);
  }

  /** The server no longer accepts the token: sign in again, then come back to `returnUrl`. */
  async expired(returnUrl: string = this.router.url): Promise<void> {
    if (!this.current()) return;
    this.store(null);
    this.notifier.info($localize`Your sign-in has expired. Sign in again to continue.`);
    await this.router.navigate(['/login'], { queryParams: loginQuery(returnUrl) });
  }

  private store(signIn: StoredSignIn | null): void {
    this.current.set(signIn);
    if (signIn) localStorage.setItem(STORAGE_KEY, JSON.stringify(signIn));
    else localStorage.removeItem(STORAGE_KEY);
  }
}

/** The login page's query for coming back to `returnUrl` afterwards. */
export function loginQuery(returnUrl: string): { returnUrl?: string } {
  return isReturnUrl(returnUrl) && !returnUrl.startsWith('/login') ? { returnUrl } : {};
}

/** The console's home, where signing in and first-run setup land: the dashboard. */
export const HOME_URL = '/';

/** Only paths inside the console: never another site. */
export function isReturnUrl(url: string | undefined): url is string {
  return url !== undefined && url.startsWith('/') && !url.startsWith('//');
}

function readStoredSignIn(): StoredSignIn | null {
  try {
    const stored: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null');
    return isStoredSignIn(stored) ? stored : null;
  } catch {
    return null;
  }
}

function isStoredSignIn(value: unknown): value is StoredSignIn {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<StoredSignIn>;
  return (
    typeof candidate.accessToken === 'string' &&
    typeof candidate.expiresAt === 'number' &&
    typeof candidate.user === 'object' &&
    candidate.user !== null
  );
}
