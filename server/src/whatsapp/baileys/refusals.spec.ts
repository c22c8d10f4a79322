import { ForbiddenError, NotFoundError, TooManyRequestsError } from '../../core/errors/domain-errors';
import { WhatsAppUnavailableError } from '../whatsapp.errors';
import { statusCodeOf, whatsappRefusal } from './refusals';

/** A Boom error as Baileys throws it: `data` what the thrower attached, `output.statusCode` its HTTP status. */
function boom(message: string, options: { data?: number; statusCode?: number }): Error {
  return Object.assign(new Error(message), { data: options.data, output: { statusCode: options.statusCode ?? 500 } });
}

describe('WhatsApp refusals', () => {
  it('reads the code of an IQ error from where Baileys puts it (data), not its generic 500', () => {
    // What Baileys' assertNodeErrorFree throws for `<error code="401" text="not-authorized"/>`.
    const refused = boom('not-authorized', { data: 401 });
    expect(statusCodeOf(refused)).toBe(401);
    expect(whatsappRefusal(refused, 'changing the group')).toBeInstanceOf(ForbiddenError);
    expect(whatsappRefusal(boom('item-not-found', { data: 404 }), 'the group')).toBeInstanceOf(NotFoundError);
    expect(whatsappRefusal(boom('rate-overlimit', { data: 429 }), 'the group')).toBeInstanceOf(TooManyRequestsError);
  });

  it('reads the status of other Baileys errors, such as a closed connection', () => {
    expect(statusCodeOf(boom('Connection Closed', { statusCode: 428 }))).toBe(428);
    expect(whatsappRefusal(new Error('Timed Out'), 'the group')).toBeInstanceOf(WhatsAppUnavailableError);
  });
});
