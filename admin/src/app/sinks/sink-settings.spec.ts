import { describe, expect, it } from 'vitest';
import { hasSchemeOf, urlWithCredentials } from './sink-settings';

describe('sink settings', () => {
  it('takes only the schemes of the chosen broker', () => {
    expect(hasSchemeOf('rabbitmq', 'amqp://rabbitmq.internal:5672')).toBe(true);
    expect(hasSchemeOf('rabbitmq', 'AMQPS://rabbitmq.internal')).toBe(true);
    expect(hasSchemeOf('rabbitmq', 'nats://127.0.0.1:4222')).toBe(false);
    expect(hasSchemeOf('nats', 'nats://127.0.0.1:4222')).toBe(true);
    expect(hasSchemeOf('nats', 'tls://nats.internal:4222')).toBe(true);
    expect(hasSchemeOf('nats', 'https://nats.internal')).toBe(false);
    expect(hasSchemeOf('nats', 'nats://')).toBe(false);
  });

  it('puts a user and password into the URL, escaped, for the server to split off', () => {
    expect(urlWithCredentials('rabbitmq', 'amqp://rabbitmq.internal:5672/%2F', 'wago', 'p@ss:w/rd')).toBe(
      'amqp://wago:p%40ss%3Aw%2Frd@rabbitmq.internal:5672/%2F',
    );
  });

  it('sends a NATS token typed as a password alone as the URL’s user, as NATS expects it', () => {
    expect(urlWithCredentials('nats', 'nats://127.0.0.1:4222', '', 's3cret-token')).toBe(
      'nats://s3cret-token@127.0.0.1:4222',
    );
  });

  it('leaves the URL as typed without credentials, so an update keeps the stored ones', () => {
    expect(urlWithCredentials('nats', 'nats://127.0.0.1:4222', '', '')).toBe('nats://127.0.0.1:4222');
  });
});
