// The signed-in user's own account: who they are, and changing their PIN.
import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  Injector,
  afterNextRender,
  inject,
  signal,
  viewChild,
} from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { Api } from '../core/api';
import { Auth } from '../core/auth';
import { errorMessage } from '../core/errors';
import {
  NEW_PIN_MESSAGE,
  NEW_PIN_VALIDATORS,
  PIN_MISMATCH_MESSAGE,
  focusFirstInvalid,
  matchingPins,
} from '../core/forms';
import { Notifier } from '../core/notifier';

@Component({
  selector: 'wago-account',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ReactiveFormsModule],
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
      <form #formElement [formGroup]="form" (ngSubmit)="submit()" novalidate class="form-narrow">
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
            [attr.aria-invalid]="submitted() && form.controls.currentPin.invalid"
            aria-describedby="account-current-pin-error"
          />
          @if (submitted() && form.controls.currentPin.invalid) {
            <p id="account-current-pin-error" class="field__error">Enter your current PIN.</p>
          }
        </div>
        <div class="field">
          <label class="field__label" for="account-new-pin">New PIN</label>
          <input
            id="account-new-pin"
            class="input"
            type="password"
            inputmode="numeric"
            autocomplete="new-password"
            formControlName="newPin"
            required
            [attr.aria-invalid]="submitted() && form.controls.newPin.invalid"
            aria-describedby="account-new-pin-hint account-new-pin-error"
          />
          <p id="account-new-pin-hint" class="field__hint">6 to 12 digits. Other signed-in browsers are signed out.</p>
          @if (submitted() && form.controls.newPin.invalid) {
            <p id="account-new-pin-error" class="field__error">{{ newPinMessage }}</p>
          }
        </div>
        <div class="field">
          <label class="field__label" for="account-confirm-pin">Confirm new PIN</label>
          <input
            id="account-confirm-pin"
            class="input"
            type="password"
            inputmode="numeric"
            autocomplete="new-password"
            formControlName="confirmPin"
            required
            [attr.aria-invalid]="submitted() && (form.controls.confirmPin.invalid || form.hasError('pinMismatch'))"
            aria-describedby="account-confirm-pin-error"
          />
          @if (submitted() && form.controls.confirmPin.invalid) {
            <p id="account-confirm-pin-error" class="field__error">Enter the new PIN again.</p>
          } @else if (submitted() && form.hasError('pinMismatch')) {
            <p id="account-confirm-pin-error" class="field__error">{{ pinMismatchMessage }}</p>
          }
        </div>
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
  private readonly injector = inject(Injector);
  private readonly formElement = viewChild.required<ElementRef<HTMLFormElement>>('formElement');
  protected readonly auth = inject(Auth);

  protected readonly newPinMessage = NEW_PIN_MESSAGE;
  protected readonly pinMismatchMessage = PIN_MISMATCH_MESSAGE;
  protected readonly form = inject(NonNullableFormBuilder).group(
    {
      currentPin: ['', Validators.required],
      newPin: ['', NEW_PIN_VALIDATORS],
      confirmPin: ['', Validators.required],
    },
    { validators: matchingPins('newPin', 'confirmPin') },
  );
  protected readonly submitted = signal(false);
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);

  protected async submit(): Promise<void> {
    this.submitted.set(true);
    this.error.set(null);
    if (this.form.invalid) {
      afterNextRender(() => focusFirstInvalid(this.formElement().nativeElement), { injector: this.injector });
      return;
    }
    const { currentPin, newPin } = this.form.getRawValue();
    this.busy.set(true);
    try {
      // Earlier tokens stop working, this browser's included: keep the new one the answer brings.
      this.auth.signedIn(await this.api.auth.changePin({ currentPin, newPin }));
      this.form.reset();
      this.submitted.set(false);
      this.notifier.success('Your PIN has been changed.');
    } catch (error) {
      this.error.set(errorMessage(error));
    } finally {
      this.busy.set(false);
    }
  }
}
