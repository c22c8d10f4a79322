import { Writable } from 'node:stream';
import pino from 'pino';
import pinoHttp from 'pino-http';
import { QueryFailedError } from 'typeorm';
import { redactingLoggerOptions, redactValue, scrubText } from './redaction';

const PRIVATE_KEY = Buffer.from('c29tZSBwcml2YXRlIGtleSBtYXRlcmlhbCAzMiBieXRlcyE=', 'base64');
const API_KEY = 'wago_3xK9q2mZr0Vb1yT7nW4eLcJ8aHs5dGfQpUoIiEkMxN';
const WEBHOOK_SECRET = 'whsec_/dxDKAq7d80Lw2QPKkpH8h4M5UY0guJk/xSpxhFC2U4=';
/** The ways a key can be printed: base64, hex, and a JSON-serialised Buffer's byte list. */
const KEY_FORMS = [PRIVATE_KEY.toString('base64'), PRIVATE_KEY.toString('hex'), PRIVATE_KEY.toJSON().data.join(',')];
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJlLXBhcnQ';

/** A pino logger (optionally pino-http's, as the server builds it) whose lines are collected as text. */
function capturingLogger(options: { http?: boolean } = {}): { logger: pino.Logger; output: () => string } {
  let output = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      output += chunk.toString();
      done();
    },
  });
  const logOptions = { ...redactingLoggerOptions(), level: 'trace' };
  const logger = options.http ? pinoHttp({ ...logOptions, stream }).logger : pino(logOptions, stream);
  return { logger, output: () => output };
}

/** What TypeORM throws when the credentials write breaks a constraint: the whole row rides along. */
function failedCredentialsWrite(): QueryFailedError {
  const creds = JSON.stringify({ noiseKey: { private: PRIVATE_KEY.toString('base64') }, advSecretKey: API_KEY });
  const driverError = Object.assign(new Error('new row for relation "whatsapp_auth_creds" violates check constraint'), {
    code: '23514',
    constraint: 'no_writes',
    table: 'whatsapp_auth_creds',
    detail: `Failing row contains (${creds}).`,
  });
  return new QueryFailedError('INSERT INTO "whatsapp_auth_creds" VALUES ($1, $2)', ['session', creds], driverError);
}

describe('log redaction', () => {
  it.each([
    ['the server logger (pino-http)', { http: true }],
    ['a plain pino logger (the boot logger)', { http: false }],
  ])(
    'keeps a failed query’s class, code, constraint and stack in %s, and drops its query, parameters and row',
    (_, how) => {
      const { logger, output } = capturingLogger(how);
      logger.error({ err: failedCredentialsWrite(), sessionId: 'session' }, 'Saving WhatsApp credentials failed');
      const line = JSON.parse(output()) as { msg: string; sessionId: string; err: Record<string, unknown> };
      expect(line.msg).toBe('Saving WhatsApp credentials failed');
      expect(line.sessionId).toBe('session');
      expect(line.err).toMatchObject({
        type: 'QueryFailedError',
        message: 'new row for relation "whatsapp_auth_creds" violates check constraint',
        code: '23514',
        constraint: 'no_writes',
        table: 'whatsapp_auth_creds',
      });
      expect(line.err.stack).toMatch(/^QueryFailedError: new row for relation[^\n]*\n\s+at /);
      expect(Object.keys(line.err)).not.toEqual(expect.arrayContaining(['query']));
      expect(output()).not.toMatch(/parameters|driverError|detail|INSERT|Failing row/);
      expect(output()).not.toContain(PRIVATE_KEY.toString('base64'));
      expect(output()).not.toContain(API_KEY);
    },
  );

  it('redacts errors under any field name, and an error’s cause', () => {
    const { logger, output } = capturingLogger();
    const cause = failedCredentialsWrite();
    logger.warn({ error: new Error('outer', { cause }), failure: failedCredentialsWrite() }, 'Something failed');
    const line = JSON.parse(output()) as Record<string, Record<string, unknown>>;
    expect(line.error).toMatchObject({ type: 'Error', message: 'outer', cause: { type: 'QueryFailedError' } });
    expect(line.failure).toMatchObject({ type: 'QueryFailedError', code: '23514' });
    expect(output()).not.toMatch(/parameters|Failing row/);
  });

  it('writes an error logged on its own with its scrubbed message as the line’s text', () => {
    const { logger, output } = capturingLogger();
    logger.error(new Error(`token ${JWT} refused`));
    const line = JSON.parse(output()) as { msg: string; err: { message: string } };
    expect(line.msg).toBe('token [Redacted] refused');
    expect(line.err.message).toBe('token [Redacted] refused');
  });

  it('keeps key material of Baileys’ child loggers out, in Buffers, typed arrays and BufferJSON alike', () => {
    const { logger, output } = capturingLogger({ http: true });
    const baileys = logger.child({ context: 'Baileys' }).child({ sessionId: 'session' });
    const node = { tag: 'iq', attrs: { id: '1' }, content: [{ tag: 'enc', attrs: {}, content: PRIVATE_KEY }] };
    const creds = {
      noiseKey: { private: PRIVATE_KEY, public: PRIVATE_KEY },
      signedIdentityKey: { private: new Uint8Array(PRIVATE_KEY) },
      signedPreKey: { keyPair: { private: PRIVATE_KEY }, keyId: 1 },
      advSecretKey: PRIVATE_KEY.toString('base64'),
      account: { details: { type: 'Buffer', data: PRIVATE_KEY.toString('base64') } },
    };
    baileys.error({ node, creds, session: { privKey: PRIVATE_KEY.toString('base64') } }, 'failed');
    baileys.warn({ err: Object.assign(new Error('bad node'), { data: node, output: { statusCode: 400 } }) }, 'failed');
    baileys.warn({ node: `<enc v='2'>${PRIVATE_KEY.toString('hex')}</enc>` }, 'a node Baileys printed itself');
    for (const form of KEY_FORMS) expect(output()).not.toContain(form);
    const [first, second] = output()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(first).toMatchObject({ context: 'Baileys', sessionId: 'session', node: { tag: 'iq', attrs: { id: '1' } } });
    expect(second.err).toEqual(expect.objectContaining({ type: 'Error', message: 'bad node', statusCode: 400 }));
  });

  it('keeps message text out, whether in a WhatsApp message or an event payload', () => {
    const { logger, output } = capturingLogger();
    const msg = { key: { id: 'ABC', remoteJid: '1555@s.whatsapp.net' }, message: { conversation: 'my secret plan' } };
    logger.error({ msg, event: { type: 'message.received', payload: { text: 'my secret plan', caption: 'x' } } });
    expect(output()).not.toContain('my secret plan');
    expect(output()).toContain('"remoteJid":"1555@s.whatsapp.net"');
  });

  it('removes API keys, webhook secrets and JWTs from any text of a line', () => {
    const { logger, output } = capturingLogger();
    logger.info({ url: `https://example.test/?secret=${WEBHOOK_SECRET}`, header: `Bearer ${JWT}` }, `key ${API_KEY}`);
    logger.info({ webhook: { secret: 'plain-secret-value', url: 'https://example.test' } }, 'Webhook saved');
    expect(output()).not.toMatch(/3xK9q2mZr0Vb|dxDKAq7d80Lw2QPK|eyJhbGciOiJIUzI1NiJ9|plain-secret-value/);
    expect(output()).toContain('https://example.test');
  });

  it('removes the user and password of a broker URL from any text of a line', () => {
    const { logger, output } = capturingLogger();
    logger.warn({ err: new Error('connect failed: amqp://wago:broker-pw-77@rabbit:5672') }, 'amqps://u:p@host');
    expect(output()).not.toMatch(/broker-pw-77|u:p@/);
    expect(output()).toContain('amqp://[Redacted]@rabbit:5672');
  });

  it('never writes a request’s credential headers or token parameter', () => {
    const { logger, output } = capturingLogger();
    const headers = { authorization: 'Basic YWRtaW46cGlu', 'x-api-key': 'short-key', cookie: 'sid=abc', accept: '*/*' };
    logger.info({ req: { method: 'GET', url: '/ws', headers, query: { token: 'short-token' } } }, 'request');
    expect(output()).not.toMatch(/YWRtaW46cGlu|short-key|sid=abc|short-token/);
    expect(output()).toContain('"accept":"*/*"');
  });

  it('leaves ordinary diagnostics alone', () => {
    expect(scrubText('connect ECONNREFUSED 127.0.0.1:5432')).toBe('connect ECONNREFUSED 127.0.0.1:5432');
    expect(scrubText('/work/wagoserver/distributionfolder/sourcefiles/compiled')).toBe(
      '/work/wagoserver/distributionfolder/sourcefiles/compiled',
    );
    expect(scrubText(`invalid key ${PRIVATE_KEY.toString('hex')}`)).toBe('invalid key [Redacted]');
    expect(scrubText(`invalid key ${PRIVATE_KEY.toString('base64')}`)).toBe('invalid key [Redacted]');
    expect(redactValue({ sessionId: 'a', count: 3, at: new Date(0), jid: '1555@s.whatsapp.net' })).toEqual({
      sessionId: 'a',
      count: 3,
      at: new Date(0),
      jid: '1555@s.whatsapp.net',
    });
  });

  it('survives circular and deeply nested objects', () => {
    const circular: Record<string, unknown> = { name: 'loop' };
    circular.self = circular;
    let deep: Record<string, unknown> = { privKey: PRIVATE_KEY };
    for (let level = 0; level < 20; level += 1) deep = { deeper: deep };
    const { logger, output } = capturingLogger();
    logger.info({ circular, deep }, 'odd shapes');
    expect(output()).toContain('[Circular]');
    expect(output()).toContain('"deeper":"[Object]"');
    for (const form of KEY_FORMS) expect(output()).not.toContain(form);
  });
});
