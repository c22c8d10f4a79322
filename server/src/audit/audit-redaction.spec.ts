import { redactSummary, redactUrl } from './audit-redaction';

describe('audit redaction', () => {
  it('drops the user and password of a URL', () => {
    expect(redactUrl('https://bot:hunter2@hooks.example.com/wago')).toBe('https://hooks.example.com/wago');
    expect(redactUrl('amqp://guest:guest@127.0.0.1:5672/vhost')).toBe('amqp://127.0.0.1:5672/vhost');
  });

  it('keeps the names of query parameters and hides their values and the fragment', () => {
    expect(redactUrl('https://hooks.example.com/in?token=s3cret&token=again&team=a#key')).toBe(
      'https://hooks.example.com/in?token=redacted&team=redacted',
    );
  });

  it('hides a text that is not a URL at all rather than keep it', () => {
    expect(redactUrl('http://')).toBe('[Redacted]');
  });

  it('redacts URLs wherever they are in a summary, and keeps names, flags and ids', () => {
    expect(
      redactSummary({
        name: 'sales',
        enabled: true,
        sessionId: '5d0a4a6e-4e8f-4f56-9a0f-4f7c2b8d8a11',
        receivers: [{ url: 'https://user:pw@example.com/hook?sig=abc' }],
      }),
    ).toEqual({
      name: 'sales',
      enabled: true,
      sessionId: '5d0a4a6e-4e8f-4f56-9a0f-4f7c2b8d8a11',
      receivers: [{ url: 'https://example.com/hook?sig=redacted' }],
    });
  });

  it('never keeps a secret, PIN, token, key or message content, whatever field holds it', () => {
    const summary = redactSummary({
      pin: '135792468',
      secret: 'whsec_abcdefghijklmnop',
      accessToken: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig',
      apiKey: 'wago_0123456789abcdefghijklmnopqrstuvwxyz',
      text: 'hello there',
      note: 'the key is wago_0123456789abcdefghijklmnopqrstuvwxyz',
    });
    expect(JSON.stringify(summary)).not.toMatch(/135792468|whsec_a|eyJhbGci|wago_0123|hello there/);
    expect(summary).toMatchObject({ pin: '[Redacted]', secret: '[Redacted]', text: '[Redacted]' });
  });
});
