// The signed-in user's own account: who they are, and changing their PIN.
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { Api } from '../core/api';
import { Auth } from '../core/auth';
import { errorMessage } from '../core/errors';
import { NEW_PIN_VALIDATORS, injectFormSubmission, matchingPins } from '../core/forms';
import { NewPinFields } from '../core/new-pin-fields';
import { Notifier } from '../core/notifier';
import { ROLE_LABELS } from '../core/roles';

@Component({
  selector: 'wago-account',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ReactiveFormsModule, NewPinFields],
  template: `
    <h1 i18n>Account</h1>
    @if (auth.user(); as user) {
      <dl class="details card">
        <div>
          <dt i18n>Username</dt>
          <dd>{{ user.username }}</dd>
        </div>
        <div>
          <dt i18n>Role</dt>
          <dd>{{ roleLabels[user.role] }}</dd>
        </div>
      </dl>
    }
    <section class="card" aria-labelledby="change-pin-title">
      <h2 id="change-pin-title" i18n>Change PIN</h2>
      <form [formGroup]="form" (ngSubmit)="submit()" novalidate class="form-narrow">
        <div class="field">
          <label class="field__label" for="account-current-pin" i18n>Current PIN</label>
          <input
            id="account-current-pin"
            class="input"
            type="password"
            inputmode="numeric"
            autocomplete="current-password"
            formControlName="currentPin"
            required
            [attr.aria-invalid]="submission.submitted() && form.controls.currentPin.invalid"
            aria-describedby="account-current-pin-error"
          />
          @if (submission.submitted() && form.controls.currentPin.invalid) {
            <p id="account-current-pin-error" class="field__error" i18n>Enter your current PIN.</p>
          }
        </div>
        <wago-new-pin-fields
          pinId="account-new-pin"
          confirmId="account-confirm-pin"
          pinLabel="New PIN"
          i18n-pinLabel
          confirmLabel="Confirm new PIN"
          i18n-confirmLabel
          hint="6 to 12 digits. Other signed-in browsers are signed out."
          i18n-hint
          confirmMissingMessage="Enter the new PIN again."
          i18n-confirmMissingMessage
          [submitted]="submission.submitted()"
        />
        @if (error()) {
          <p class="alert alert--error" role="alert">{{ error() }}</p>
        }
        <button type="submit" class="button button--primary" [disabled]="busy()">
          @if (busy()) {
            <ng-container i18n>Changing…</ng-container>
          } @else {
            <ng-container i18n>Change PIN</ng-container>
          }
        </button>
      </form>
    </section>
  `,
})
export class Account {
  private readonly api = inject(Api);
  private readonly notifier = inject(Notifier);
  protected readonly auth = inject(Auth);
  protected readonly roleLabels = ROLE_LABELS;

  protected readonly form = inject(NonNullableFormBuilder).group(
    {
      currentPin: ['', Validators.required],
      pin: ['', NEW_PIN_VALIDATORS],
      confirmPin: ['', Validators.required],
    },
    { validators: matchingPins('pin', 'confirmPin') },
  );
  protected readonly submission = injectFormSubmission(this.form);
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);

  protected async submit(): Promise<void> {
    const accepted = this.submission.accept();
    this.error.set(null);
    if (!accepted) return;
    const { currentPin, pin: newPin } = this.form.getRawValue();
    this.busy.set(true);
    try {
      // Earlier tokens stop working, this browser's included: keep the new one the answer brings.
      this.auth.signedIn(await this.api.auth.changePin({ currentPin, newPin }));
      this.submission.reset();
      this.notifier.success($localize`Your PIN has been changed.`);
    } catch (error) {
      this.error.set(errorMessage(error));
    } finally {
      this.busy.set(false);
    }
  }
}
