// Sign in with username and PIN; after too many failures the server locks the account for a while and says until when.
import { ChangeDetectionStrategy, Component, OnInit, computed, inject, input, signal } from '@angular/core';
import { DatePipe } from '@angular/common';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { Router, RouterLink } from '@angular/router';
import { Api } from '../core/api';
import { Auth, HOME_URL, isReturnUrl } from '../core/auth';
import { injectNow, secondsUntil } from '../core/clock';
import { errorMessage, hasStatus, retryAfter } from '../core/errors';
import { injectFormSubmission } from '../core/forms';
import { formatDuration } from '../core/format';
import { LanguageSwitch } from '../core/language-switch';

@Component({
  selector: 'wago-login',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ReactiveFormsModule, RouterLink, DatePipe, LanguageSwitch],
  template: `
    <main class="auth-page">
      <div class="card auth-card">
        <h1 i18n>Sign in to WAGO</h1>
        <form [formGroup]="form" (ngSubmit)="submit()" novalidate>
          <div class="field">
            <label class="field__label" for="login-username" i18n>Username</label>
            <input
              id="login-username"
              class="input"
              formControlName="username"
              autocomplete="username"
              autocapitalize="none"
              spellcheck="false"
              required
              [attr.aria-invalid]="submission.submitted() && form.controls.username.invalid"
              aria-describedby="login-username-error"
            />
            @if (submission.submitted() && form.controls.username.invalid) {
              <p id="login-username-error" class="field__error" i18n>Enter your username.</p>
            }
          </div>
          <div class="field">
            <label class="field__label" for="login-pin" i18n>PIN</label>
            <input
              id="login-pin"
              class="input"
              type="password"
              inputmode="numeric"
              autocomplete="current-password"
              formControlName="pin"
              required
              [attr.aria-invalid]="submission.submitted() && form.controls.pin.invalid"
              aria-describedby="login-pin-error"
            />
            @if (submission.submitted() && form.controls.pin.invalid) {
              <p id="login-pin-error" class="field__error" i18n>Enter your PIN.</p>
            }
          </div>
          @if (lockedUntil(); as until) {
            @if (locked()) {
              <div class="alert alert--warning" role="alert">
                <p>{{ error() }}</p>
                <p i18n>
                  You can try again at
                  <time [attr.datetime]="until.toISOString()">{{ until | date: 'mediumTime' }}</time> (in
                  {{ waitText() }}).
                </p>
              </div>
            } @else {
              <p class="alert alert--info" role="status" i18n>You can try again now.</p>
            }
          } @else if (error()) {
            <p class="alert alert--error" role="alert">{{ error() }}</p>
          }
          <button type="submit" class="button button--primary button--block" [disabled]="busy() || locked()">
            @if (busy()) {
              <ng-container i18n>Signing in…</ng-container>
            } @else {
              <ng-container i18n>Sign in</ng-container>
            }
          </button>
        </form>
        @if (offerSetup()) {
          <p class="auth-card__footer" i18n>First time here? <a routerLink="/setup">Set up WAGO</a></p>
        }
        <wago-language-switch class="auth-card__language" />
      </div>
    </main>
  `,
})
export class Login implements OnInit {
  private readonly api = inject(Api);
  private readonly auth = inject(Auth);
  private readonly router = inject(Router);
  private readonly now = injectNow();

  /** Where to go after signing in (a query parameter set when a page needed a sign-in). */
  readonly returnUrl = input<string>();

  protected readonly form = inject(NonNullableFormBuilder).group({
    username: ['', Validators.required],
    pin: ['', Validators.required],
  });
  protected readonly submission = injectFormSubmission(this.form);
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly lockedUntil = signal<Date | null>(null);
  protected readonly offerSetup = signal(false);
  private readonly secondsLeft = computed(() => {
    const until = this.lockedUntil();
    return until ? secondsUntil(until, this.now()) : 0;
  });
  protected readonly locked = computed(() => this.secondsLeft() > 0);
  protected readonly waitText = computed(() => formatDuration(this.secondsLeft()));

  ngOnInit(): void {
    void this.checkSetup();
  }

  private async checkSetup(): Promise<void> {
    try {
      if ((await this.api.auth.setupState()).needsSetup) await this.router.navigateByUrl('/setup');
    } catch (error) {
      // A server without the setup endpoint: let the user find the setup page.
      this.offerSetup.set(hasStatus(error, 404));
    }
  }

  protected async submit(): Promise<void> {
    if (!this.submission.accept()) return;
    this.busy.set(true);
    this.error.set(null);
    this.lockedUntil.set(null);
    try {
      this.auth.signedIn(await this.api.auth.login(this.form.getRawValue()));
      const returnUrl = this.returnUrl();
      await this.router.navigateByUrl(isReturnUrl(returnUrl) ? returnUrl : HOME_URL);
    } catch (error) {
      this.error.set(errorMessage(error));
      if (hasStatus(error, 429)) {
        // The countdown and the deadline from the same instant, so a 60 s lock reads 1 min, not 1 min 1 s.
        this.now.refresh();
        this.lockedUntil.set(retryAfter(error, this.now()));
      }
      this.submission.refused(this.form.controls.pin);
    } finally {
      this.busy.set(false);
    }
  }
}
