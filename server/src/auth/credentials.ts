// What a username and a PIN may look like; request DTOs and AuthService both check against these.
import { BadRequestError } from '../core/errors/domain-errors';

export const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{2,31}$/;
export const USERNAME_RULE =
  'username must be 3 to 32 characters: letters, digits, dot, underscore or dash, not starting with a symbol';

export const PIN_PATTERN = /^\d{6,12}$/;
export const PIN_RULE = 'must be a string of 6 to 12 digits';

export function assertValidUsername(username: string): void {
  if (!USERNAME_PATTERN.test(username)) throw new BadRequestError(USERNAME_RULE);
}

export function assertValidPin(pin: string, field = 'pin'): void {
  if (!PIN_PATTERN.test(pin)) throw new BadRequestError(`${field} ${PIN_RULE}`);
}
