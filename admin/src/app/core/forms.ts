// What the console's forms share: the PIN rules, and the submit step that shows errors and focuses the first to fix.
import { ElementRef, Injector, afterNextRender, inject, signal } from '@angular/core';
import { AbstractControl, ValidationErrors, ValidatorFn, Validators } from '@angular/forms';

/** The server's rule for a PIN (its RegisterDto pattern), checked here too so a typo is caught before sending. */
export const NEW_PIN_VALIDATORS: ValidatorFn[] = [Validators.required, Validators.pattern(/^\d{6,12}$/)];
export const NEW_PIN_MESSAGE = $localize`Choose a PIN of 6 to 12 digits.`;
export const PIN_MISMATCH_MESSAGE = $localize`The PINs do not match.`;

/** A form-level rule: the two PIN fields hold the same value (error `pinMismatch`). */
export function matchingPins(pinField: string, confirmField: string): ValidatorFn {
  return (form: AbstractControl): ValidationErrors | null => {
    const pin: unknown = form.get(pinField)?.value;
    const confirmation: unknown = form.get(confirmField)?.value;
    return confirmation && pin !== confirmation ? { pinMismatch: true } : null;
  };
}

/** After a rejected submit, take keyboard and screen-reader users to the first field that needs fixing. */
export function focusFirstInvalid(form: HTMLElement): void {
  form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
}

/**
 * The submit step of a component's form: field errors show once a submit was tried (`submitted`), and a rejected
 * submit moves focus to the first field the component marks `aria-invalid`.
 */
export class FormSubmission {
  readonly submitted = signal(false);

  constructor(
    private readonly form: AbstractControl,
    private readonly host: HTMLElement,
    private readonly injector: Injector,
  ) {}

  /** Marks the form submitted and answers whether it may be sent; when not, focus goes where the errors render. */
  accept(): boolean {
    this.submitted.set(true);
    if (!this.form.invalid) return true;
    afterNextRender(() => focusFirstInvalid(this.host), { injector: this.injector });
    return false;
  }

  /** After a successful submit: the fields empty, and no errors shown until the next submit. */
  reset(): void {
    this.form.reset();
    this.submitted.set(false);
  }

  /**
   * After the server refused a submit: `fields` empty for another try, and no field errors shown until the next
   * submit, since the server's message says what went wrong and the user has not touched the fields since.
   */
  refused(...fields: AbstractControl[]): void {
    for (const field of fields) field.reset();
    this.submitted.set(false);
  }
}

/** For a component field initializer: the submit step of `form`, focusing within this component. */
export function injectFormSubmission(form: AbstractControl): FormSubmission {
  return new FormSubmission(form, inject<ElementRef<HTMLElement>>(ElementRef).nativeElement, inject(Injector));
}
