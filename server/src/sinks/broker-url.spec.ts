import {
  EXCHANGE_PATTERN,
  natsSubject,
  redactCredentials,
  routingKey,
  sameBroker,
  sessionSubjects,
  splitCredentials,
  STREAM_PATTERN,
  urlRefusal,
  withCredentials,
} from './broker-url';

describe('broker URLs', () => {
  it.each([
    ['rabbitmq', 'amqp://127.0.0.1:5672'],
    ['rabbitmq', 'amqps://user:pass@broker.example.com/vhost?heartbeat=30'],
    ['nats', 'nats://127.0.0.1:4222'],
    ['nats', 'tls://token@nats.example.com:4222'],
  ] as const)('accepts a %s sink at %s', (kind, url) => {
    expect(urlRefusal(kind, url)).toBeNull();
  });

  it.each([
    ['rabbitmq', 'nats://127.0.0.1:4222', 'url must use amqp:// or amqps:// for a rabbitmq sink'],
    ['nats', 'amqp://127.0.0.1', 'url must use nats:// or tls:// for a nats sink'],
    ['nats', 'https://example.com', 'url must use nats:// or tls:// for a nats sink'],
    ['rabbitmq', 'not a url', 'url must be an absolute URL'],
    ['nats', 'nats://127.0.0.1:4222/path', 'url must not have a path or query for a nats sink'],
    ['rabbitmq', 'amqp://127.0.0.1#frag', 'url must not have a fragment'],
  ] as const)('refuses a %s sink at %s', (kind, url, reason) => {
    expect(urlRefusal(kind, url)).toBe(reason);
  });

  it('splits the credentials off the URL and puts them back for connecting', () => {
    const split = splitCredentials('amqp://wago:p%40ss%3Aword@broker.example.com:5672/%2F');
    expect(split).toEqual({
      url: 'amqp://broker.example.com:5672/%2F',
      credentials: { username: 'wago', password: 'p@ss:word' },
    });
    expect(withCredentials(split.url, split.credentials)).toBe('amqp://wago:p%40ss%3Aword@broker.example.com:5672/%2F');
    expect(splitCredentials('nats://s3cr3t-token@127.0.0.1:4222')).toEqual({
      url: 'nats://127.0.0.1:4222',
      credentials: { username: 's3cr3t-token', password: null },
    });
    expect(splitCredentials('nats://127.0.0.1:4222')).toEqual({ url: 'nats://127.0.0.1:4222', credentials: null });
  });

  it('tells the same broker by scheme, host and port', () => {
    expect(sameBroker('amqp://a.example.com:5672/x', 'amqp://a.example.com:5672/y')).toBe(true);
    expect(sameBroker('amqp://a.example.com:5672', 'amqp://b.example.com:5672')).toBe(false);
    expect(sameBroker('amqp://a.example.com:5672', 'amqps://a.example.com:5672')).toBe(false);
  });

  it('takes credentials out of a broker error, in any form they appear', () => {
    const credentials = { username: 'wago', password: 'p@ss' };
    expect(redactCredentials('connect failed: amqp://wago:p%40ss@host:5672', credentials)).toBe(
      'connect failed: amqp://[Redacted]@host:5672',
    );
    expect(redactCredentials('ACCESS_REFUSED for wago with p@ss', credentials)).toBe(
      'ACCESS_REFUSED for wago with [Redacted]',
    );
    expect(redactCredentials('bad token tok123', { username: 'tok123', password: null })).toBe('bad token [Redacted]');
  });

  it('addresses an event by session and type', () => {
    expect(routingKey('5b1c', 'message.received')).toBe('5b1c.message.received');
    expect(natsSubject('5b1c', 'message.received')).toBe('wago.5b1c.message.received');
    expect(sessionSubjects('5b1c')).toBe('wago.5b1c.>');
  });

  it('accepts exchange and stream names the brokers accept', () => {
    expect(EXCHANGE_PATTERN.test('wago.events')).toBe(true);
    expect(EXCHANGE_PATTERN.test('amq.topic')).toBe(false);
    expect(EXCHANGE_PATTERN.test('has space')).toBe(false);
    expect(STREAM_PATTERN.test('WAGO_events-1')).toBe(true);
    expect(STREAM_PATTERN.test('WAGO.events')).toBe(false);
    expect(STREAM_PATTERN.test('a>b')).toBe(false);
  });
});
