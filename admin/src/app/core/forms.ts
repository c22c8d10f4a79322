// What the console's forms share: the PIN confirmation rule and moving focus to the first field to fix.
import { AbstractControl, ValidationErrors, ValidatorFn, Validators } from '@angular/forms';

/** The server's rule for a PIN (its RegisterDto pattern), checked here too so a typo is caught before sending. */
export const NEW_PIN_VALIDATORS: ValidatorFn[] = [Validators.required, Validators.pattern(/^\d{6,12}$/)];
export const NEW_PIN_MESSAGE = 'Choose a PIN of 6 to 12 digits.';
export const PIN_MISMATCH_MESSAGE = 'The PINs do not match.';

/** A form-level rule: the two PIN fields hold the same value (error `pinMismatch`). */
export function matchingPins(pinField: string, confirmField: string): ValidatorFn {
  return (form: AbstractControl): ValidationErrors | null => {
    const pin: unknown = form.get(pinField)?.value;
    const confirmation: unknown = form.get(confirmField)?.value;
    return confirmation && pin !== confirmation ? { pinMismatch: true } : null;
  };
}

/** After a rejected submit, take keyboard and screen-reader users to the first field that needs fixing. */
export function focusFirstInvalid(form: HTMLFormElement): void {
  form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
}
