import { Webhook } from 'standardwebhooks';
import { generateSecret, signWebhook } from './signature';

describe('Standard Webhooks signature', () => {
  const body = JSON.stringify({ version: 1, id: 'evt_1', type: 'message.received', data: { text: 'hé' } });

  it('generates whsec_ secrets of 32 random bytes', () => {
    const secret = generateSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(generateSecret()).not.toBe(secret);
  });

  it('is verified by the official standardwebhooks library', () => {
    const secret = generateSecret();
    const headers = signWebhook([secret], 'evt_1', new Date(), body);
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
  });

  it('signs with every secret during a rotation so both the old and the new one verify', () => {
    const [current, previous] = [generateSecret(), generateSecret()];
    const headers = signWebhook([current, previous], 'evt_1', new Date(), body);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => new Webhook(current).verify(body, { ...headers })).not.toThrow();
    expect(() => new Webhook(previous).verify(body, { ...headers })).not.toThrow();
    expect(() => new Webhook(generateSecret()).verify(body, { ...headers })).toThrow();
  });

  it('puts the event id and the attempt time in seconds in the headers', () => {
    const headers = signWebhook([generateSecret()], 'evt_42', new Date('2025-01-02T03:04:05.678Z'), body);
    expect(headers['webhook-id']).toBe('evt_42');
    expect(headers['webhook-timestamp']).toBe('1735787045');
  });

  it('fails verification when the body was altered', () => {
    const secret = generateSecret();
    const headers = signWebhook([secret], 'evt_1', new Date(), body);
    expect(() => new Webhook(secret).verify(body.replace('hé', 'he'), { ...headers })).toThrow();
  });
});
