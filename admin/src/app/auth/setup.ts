// First run: creates the first account, which is the administrator.
import { ChangeDetectionStrategy, Component, OnInit, inject, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { Router, RouterLink } from '@angular/router';
import { Api } from '../core/api';
import { Auth, HOME_URL } from '../core/auth';
import { errorMessage, hasStatus } from '../core/errors';
import { NEW_PIN_VALIDATORS, injectFormSubmission, matchingPins } from '../core/forms';
import { LanguageSwitch } from '../core/language-switch';
import { NewPinFields } from '../core/new-pin-fields';

@Component({
  selector: 'wago-setup',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ReactiveFormsModule, RouterLink, NewPinFields, LanguageSwitch],
  template: `
    <main class="auth-page">
      <div class="card auth-card">
        <h1 i18n>Set up WAGO</h1>
        @if (checking()) {
          <p class="loading" role="status" i18n>Checking whether WAGO is set up…</p>
        } @else if (alreadySetUp()) {
          <p i18n>WAGO is already set up: ask an administrator for an account.</p>
          <a class="button button--primary button--block" routerLink="/login" i18n>Sign in</a>
        } @else {
          <p i18n>Create the first account. It is the administrator and can add other users afterwards.</p>
          <form [formGroup]="form" (ngSubmit)="submit()" novalidate>
            <div class="field">
              <label class="field__label" for="setup-username" i18n>Username</label>
              <input
                id="setup-username"
                class="input"
                formControlName="username"
                autocomplete="username"
                autocapitalize="none"
                spellcheck="false"
                required
                [attr.aria-invalid]="submission.submitted() && form.controls.username.invalid"
                aria-describedby="setup-username-error"
              />
              @if (submission.submitted() && form.controls.username.invalid) {
                <p id="setup-username-error" class="field__error" i18n>Enter a username.</p>
              }
            </div>
            <wago-new-pin-fields
              pinId="setup-pin"
              confirmId="setup-confirm-pin"
              hint="6 to 12 digits."
              i18n-hint
              [submitted]="submission.submitted()"
            />
            @if (error()) {
              <p class="alert alert--error" role="alert">{{ error() }}</p>
            }
            <button type="submit" class="button button--primary button--block" [disabled]="busy()">
              @if (busy()) {
                <ng-container i18n>Creating the account…</ng-container>
              } @else {
                <ng-container i18n>Create account</ng-container>
              }
            </button>
          </form>
        }
        <wago-language-switch class="auth-card__language" />
      </div>
    </main>
  `,
})
export class Setup implements OnInit {
  private readonly api = inject(Api);
  private readonly auth = inject(Auth);
  private readonly router = inject(Router);

  protected readonly form = inject(NonNullableFormBuilder).group(
    {
      username: ['', Validators.required],
      pin: ['', NEW_PIN_VALIDATORS],
      confirmPin: ['', Validators.required],
    },
    { validators: matchingPins('pin', 'confirmPin') },
  );
  protected readonly submission = injectFormSubmission(this.form);
  protected readonly checking = signal(true);
  protected readonly alreadySetUp = signal(false);
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);

  ngOnInit(): void {
    void this.checkSetup();
  }

  private async checkSetup(): Promise<void> {
    try {
      this.alreadySetUp.set(!(await this.api.auth.setupState()).needsSetup);
    } catch {
      // Without the setup endpoint the form is offered anyway: the server refuses it once a user exists.
    } finally {
      this.checking.set(false);
    }
  }

  protected async submit(): Promise<void> {
    const accepted = this.submission.accept();
    this.error.set(null);
    if (!accepted) return;
    const { username, pin } = this.form.getRawValue();
    this.busy.set(true);
    try {
      this.auth.signedIn(await this.api.auth.setUp({ username, pin }));
      await this.router.navigateByUrl(HOME_URL);
    } catch (error) {
      this.error.set(
        hasStatus(error, 401) || hasStatus(error, 403)
          ? $localize`WAGO is already set up: sign in with an existing account.`
          : errorMessage(error),
      );
    } finally {
      this.busy.set(false);
    }
  }
}
