// First run: creates the first account, which is the administrator.
import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  Injector,
  OnInit,
  afterNextRender,
  inject,
  signal,
  viewChild,
} from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { Router, RouterLink } from '@angular/router';
import { Api } from '../core/api';
import { Auth } from '../core/auth';
import { errorMessage, hasStatus } from '../core/errors';
import {
  NEW_PIN_MESSAGE,
  NEW_PIN_VALIDATORS,
  PIN_MISMATCH_MESSAGE,
  focusFirstInvalid,
  matchingPins,
} from '../core/forms';

@Component({
  selector: 'wago-setup',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ReactiveFormsModule, RouterLink],
  template: `
    <main class="auth-page">
      <div class="card auth-card">
        <h1>Set up WAGO</h1>
        @if (checking()) {
          <p class="loading" role="status">Checking whether WAGO is set up…</p>
        } @else if (alreadySetUp()) {
          <p>WAGO is already set up: ask an administrator for an account.</p>
          <a class="button button--primary button--block" routerLink="/login">Sign in</a>
        } @else {
          <p>Create the first account. It is the administrator and can add other users afterwards.</p>
          <form #formElement [formGroup]="form" (ngSubmit)="submit()" novalidate>
            <div class="field">
              <label class="field__label" for="setup-username">Username</label>
              <input
                id="setup-username"
                class="input"
                formControlName="username"
                autocomplete="username"
                autocapitalize="none"
                spellcheck="false"
                required
                [attr.aria-invalid]="submitted() && form.controls.username.invalid"
                aria-describedby="setup-username-error"
              />
              @if (submitted() && form.controls.username.invalid) {
                <p id="setup-username-error" class="field__error">Enter a username.</p>
              }
            </div>
            <div class="field">
              <label class="field__label" for="setup-pin">PIN</label>
              <input
                id="setup-pin"
                class="input"
                type="password"
                inputmode="numeric"
                autocomplete="new-password"
                formControlName="pin"
                required
                [attr.aria-invalid]="submitted() && form.controls.pin.invalid"
                aria-describedby="setup-pin-hint setup-pin-error"
              />
              <p id="setup-pin-hint" class="field__hint">6 to 12 digits.</p>
              @if (submitted() && form.controls.pin.invalid) {
                <p id="setup-pin-error" class="field__error">{{ newPinMessage }}</p>
              }
            </div>
            <div class="field">
              <label class="field__label" for="setup-confirm-pin">Confirm PIN</label>
              <input
                id="setup-confirm-pin"
                class="input"
                type="password"
                inputmode="numeric"
                autocomplete="new-password"
                formControlName="confirmPin"
                required
                [attr.aria-invalid]="submitted() && (form.controls.confirmPin.invalid || form.hasError('pinMismatch'))"
                aria-describedby="setup-confirm-pin-error"
              />
              @if (submitted() && form.controls.confirmPin.invalid) {
                <p id="setup-confirm-pin-error" class="field__error">Enter the PIN again.</p>
              } @else if (submitted() && form.hasError('pinMismatch')) {
                <p id="setup-confirm-pin-error" class="field__error">{{ pinMismatchMessage }}</p>
              }
            </div>
            @if (error()) {
              <p class="alert alert--error" role="alert">{{ error() }}</p>
            }
            <button type="submit" class="button button--primary button--block" [disabled]="busy()">
              {{ busy() ? 'Creating the account…' : 'Create account' }}
            </button>
          </form>
        }
      </div>
    </main>
  `,
})
export class Setup implements OnInit {
  private readonly api = inject(Api);
  private readonly auth = inject(Auth);
  private readonly router = inject(Router);
  private readonly injector = inject(Injector);
  private readonly formElement = viewChild<ElementRef<HTMLFormElement>>('formElement');

  protected readonly newPinMessage = NEW_PIN_MESSAGE;
  protected readonly pinMismatchMessage = PIN_MISMATCH_MESSAGE;
  protected readonly form = inject(NonNullableFormBuilder).group(
    {
      username: ['', Validators.required],
      pin: ['', NEW_PIN_VALIDATORS],
      confirmPin: ['', Validators.required],
    },
    { validators: matchingPins('pin', 'confirmPin') },
  );
  protected readonly checking = signal(true);
  protected readonly alreadySetUp = signal(false);
  protected readonly submitted = signal(false);
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
    this.submitted.set(true);
    this.error.set(null);
    if (this.form.invalid) {
      afterNextRender(() => this.focusFirstInvalid(), { injector: this.injector });
      return;
    }
    const { username, pin } = this.form.getRawValue();
    this.busy.set(true);
    try {
      this.auth.signedIn(await this.api.auth.setUp({ username, pin }));
      await this.router.navigateByUrl('/sessions');
    } catch (error) {
      this.error.set(
        hasStatus(error, 401) || hasStatus(error, 403)
          ? 'WAGO is already set up: sign in with an existing account.'
          : errorMessage(error),
      );
    } finally {
      this.busy.set(false);
    }
  }

  private focusFirstInvalid(): void {
    const form = this.formElement()?.nativeElement;
    if (form) focusFirstInvalid(form);
  }
}
