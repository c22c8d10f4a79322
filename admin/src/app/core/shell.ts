// The signed-in frame: navigation, who is signed in, sign out, and the page in between.
import { ChangeDetectionStrategy, Component, OnInit, inject } from '@angular/core';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { Api } from './api';
import { LanguageSwitch } from './language-switch';
import { Auth } from './auth';
import { Realtime } from './realtime';

@Component({
  selector: 'wago-shell',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, RouterLinkActive, RouterOutlet, LanguageSwitch],
  template: `
    <a class="skip-link" href="#main" i18n>Skip to content</a>
    <header class="topbar">
      <a class="brand" routerLink="/">WAGO</a>
      <nav class="nav" aria-label="Main" i18n-aria-label="main navigation">
        <a
          routerLink="/"
          routerLinkActive="nav__link--active"
          [routerLinkActiveOptions]="{ exact: true }"
          ariaCurrentWhenActive="page"
          class="nav__link"
          i18n
        >
          Dashboard
        </a>
        <a
          routerLink="/sessions"
          routerLinkActive="nav__link--active"
          ariaCurrentWhenActive="page"
          class="nav__link"
          i18n
        >
          Sessions
        </a>
        <a
          routerLink="/api-keys"
          routerLinkActive="nav__link--active"
          ariaCurrentWhenActive="page"
          class="nav__link"
          i18n
        >
          API keys
        </a>
        @if (auth.isAdmin()) {
          <a
            routerLink="/users"
            routerLinkActive="nav__link--active"
            ariaCurrentWhenActive="page"
            class="nav__link"
            i18n
          >
            Users
          </a>
        }
        <a routerLink="/audit" routerLinkActive="nav__link--active" ariaCurrentWhenActive="page" class="nav__link" i18n>
          Audit log
        </a>
        <a
          routerLink="/account"
          routerLinkActive="nav__link--active"
          ariaCurrentWhenActive="page"
          class="nav__link"
          i18n
        >
          Account
        </a>
      </nav>
      <div class="topbar__user">
        @if (realtime.connection() === 'connecting') {
          <span class="live live--waiting" i18n>Live updates reconnecting…</span>
        }
        <wago-language-switch />
        <span class="topbar__name">{{ auth.user()?.username }}</span>
        <button type="button" class="button button--small" (click)="signOut()" i18n>Sign out</button>
      </div>
    </header>
    <main id="main" class="page" tabindex="-1">
      <router-outlet />
    </main>
  `,
})
export class Shell implements OnInit {
  private readonly api = inject(Api);
  protected readonly auth = inject(Auth);
  protected readonly realtime = inject(Realtime);

  ngOnInit(): void {
    void this.refreshUser();
  }

  private async refreshUser(): Promise<void> {
    // The stored user may be stale (a role changed); a 401 here is handled as an expired sign-in.
    try {
      this.auth.userChanged(await this.api.auth.me());
    } catch {
      // Reported by the error interceptor.
    }
  }

  protected async signOut(): Promise<void> {
    await this.auth.signOut();
  }
}
