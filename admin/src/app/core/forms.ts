// What the console's forms share: the PIN confirmation rule and moving focus to the first field to fix.
import { AbstractControl, ValidationErrors, ValidatorFn } from '@angular/forms';

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
