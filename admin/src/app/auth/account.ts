// The signed-in user's own account: who they are, and changing their PIN.
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { Api } from '../core/api';
import { Auth } from '../core/auth';
import { errorMessage } from '../core/errors';
import { NEW_PIN_VALIDATORS, injectFormSubmission, matchingPins } from '../core/forms';
import { NewPinFields } from '../core/new-pin-fields';
import { Notifier } from '../core/notifier';

@Component({
  selector: 'wago-account',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ReactiveFormsModule, NewPinFields],
  template: `
    <h1>Account</h1>
    @if (auth.user(); as user) {
      <dl class="details card">
        <div>
          <dt>Username</dt>
          <dd>{{ user.username }}</dd>
        </div>
        <div>
          <dt>Role</dt>
          <dd>{{ user.role === 'admin' ? 'Administrator' : 'User' }}</dd>
        </div>
      </dl>
    }
    <section class="card" aria-labelledby="change-pin-title">
      <h2 id="change-pin-title">Change PIN</h2>
      <form [formGroup]="form" (ngSubmit)="submit()" novalidate class="form-narrow">
        <div class="field">
          <label class="field__label" for="account-current-pin">Current PIN</label>
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
            <p id="account-current-pin-error" class="field__error">Enter your current PIN.</p>
          }
        </div>
        <wago-new-pin-fields
          pinId="account-new-pin"
          confirmId="account-confirm-pin"
          pinLabel="New PIN"
          confirmLabel="Confirm new PIN"
          hint="6 to 12 digits. Other signed-in browsers are signed out."
          confirmMissingMessage="Enter the new PIN again."
          [submitted]="submission.submitted()"
        />
        @if (error()) {
          <p class="alert alert--error" role="alert">{{ error() }}</p>
        }
        <button type="submit" class="button button--primary" [disabled]="busy()">
          {{ busy() ? 'Changing…' : 'Change PIN' }}
        </button>
      </form>
    </section>
  `,
})
export class Account {
  private readonly api = inject(Api);
  private readonly notifier = inject(Notifier);
  protected readonly auth = inject(Auth);

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
      this.notifier.success('Your PIN has been changed.');
    } catch (error) {
      this.error.set(errorMessage(error));
    } finally {
      this.busy.set(false);
    }
  }
}
