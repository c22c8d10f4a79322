// Choosing a PIN: the PIN with its rule, and the same PIN again, as fields of the surrounding form.
import { ChangeDetectionStrategy, Component, inject, input } from '@angular/core';
import { ControlContainer, ReactiveFormsModule } from '@angular/forms';
import { NEW_PIN_MESSAGE, PIN_MISMATCH_MESSAGE } from './forms';

/**
 * Binds to the controls `pin` and `confirmPin` of the enclosing `[formGroup]`, whose group validator is
 * `matchingPins('pin', 'confirmPin')`. The host takes no box, so each field stays one cell of a grid form.
 */
@Component({
  selector: 'wago-new-pin-fields',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ReactiveFormsModule],
  // The fields join the enclosing form group instead of starting one of their own.
  viewProviders: [{ provide: ControlContainer, useFactory: () => inject(ControlContainer, { skipSelf: true }) }],
  template: `
    <div class="field">
      <label class="field__label" [for]="pinId()">{{ pinLabel() }}</label>
      <input
        [id]="pinId()"
        class="input"
        type="password"
        inputmode="numeric"
        autocomplete="new-password"
        formControlName="pin"
        required
        [attr.aria-invalid]="submitted() && invalid('pin')"
        [attr.aria-describedby]="pinId() + '-hint ' + pinId() + '-error'"
      />
      <p [id]="pinId() + '-hint'" class="field__hint">{{ hint() }}</p>
      @if (submitted() && invalid('pin')) {
        <p [id]="pinId() + '-error'" class="field__error">{{ newPinMessage }}</p>
      }
    </div>
    <div class="field">
      <label class="field__label" [for]="confirmId()">{{ confirmLabel() }}</label>
      <input
        [id]="confirmId()"
        class="input"
        type="password"
        inputmode="numeric"
        autocomplete="new-password"
        formControlName="confirmPin"
        required
        [attr.aria-invalid]="submitted() && (invalid('confirmPin') || mismatch())"
        [attr.aria-describedby]="confirmId() + '-error'"
      />
      @if (submitted() && invalid('confirmPin')) {
        <p [id]="confirmId() + '-error'" class="field__error">{{ confirmMissingMessage() }}</p>
      } @else if (submitted() && mismatch()) {
        <p [id]="confirmId() + '-error'" class="field__error">{{ pinMismatchMessage }}</p>
      }
    </div>
  `,
})
export class NewPinFields {
  private readonly container = inject(ControlContainer);

  /** The PIN field's id; its hint and error take it with `-hint` and `-error`. */
  readonly pinId = input.required<string>();
  readonly confirmId = input.required<string>();
  readonly pinLabel = input($localize`PIN`);
  readonly confirmLabel = input($localize`Confirm PIN`);
  readonly hint = input.required<string>();
  readonly confirmMissingMessage = input($localize`Enter the PIN again.`);
  /** Errors show once the form was submitted. */
  readonly submitted = input.required<boolean>();

  protected readonly newPinMessage = NEW_PIN_MESSAGE;
  protected readonly pinMismatchMessage = PIN_MISMATCH_MESSAGE;

  protected invalid(controlName: 'pin' | 'confirmPin'): boolean {
    return this.container.control?.get(controlName)?.invalid ?? false;
  }

  protected mismatch(): boolean {
    return this.container.control?.hasError('pinMismatch') ?? false;
  }
}
