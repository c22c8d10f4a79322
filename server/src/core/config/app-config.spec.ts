import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadAppConfig, parseDuration } from './app-config';
import { ConfigError } from './environment';

describe('loadAppConfig', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'wago-config-'));
  const base = { DATA_DIR: dataDir, JWT_SECRET: 'x'.repeat(40), SECRETS_KEY: 'k'.repeat(40) };

  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('applies the documented defaults', () => {
    const config = loadAppConfig(base);
    expect(config).toMatchObject({
      port: 3000,
      databaseUrl: undefined,
      jwtTtlSeconds: 12 * 3600,
      logLevel: 'info',
      corsOrigins: [],
      registrationOpen: false,
      rateLimitPerMinute: 1000,
      trustProxy: undefined,
      realtime: { maxConnectionsPerUser: 20 },
      metricsToken: undefined,
    });
    expect(config.webhooks.denyPrivate).toBe(false);
  });

  it.each([
    ['APP_PORT', 'eighty'],
    ['APP_PORT', '70000'],
    ['DATABASE_URL', 'mysql://somewhere'],
    ['JWT_SECRET', 'short'],
    ['JWT_TTL', 'forever'],
    ['LOG_LEVEL', 'loud'],
    ['REGISTRATION_OPEN', 'maybe'],
    ['TRUST_PROXY', 'a proxy; rm -rf'],
    ['REALTIME_CONNECTIONS_PER_USER', '0'],
    ['METRICS_TOKEN', 'short'],
    ['WA_ALLOW_INSECURE_WS', 'perhaps'],
    ['SECRETS_KEY', 'too-short'],
  ])('stops the boot with a message naming %s when it is %p', (variable, value) => {
    const load = (): unknown => loadAppConfig({ ...base, [variable]: value });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(variable);
  });

  it('requires JWT_SECRET in production', () => {
    expect(() => loadAppConfig({ DATA_DIR: dataDir, NODE_ENV: 'production' })).toThrow(/JWT_SECRET is required/);
  });

  it('requires SECRETS_KEY in production', () => {
    const production = { DATA_DIR: dataDir, NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) };
    expect(() => loadAppConfig(production)).toThrow(/SECRETS_KEY is required/);
    expect(loadAppConfig({ ...production, SECRETS_KEY: 's'.repeat(32) }).secretsKey).toHaveLength(32);
  });

  it('outside production generates one secrets key and keeps it in DATA_DIR', () => {
    const unset = { DATA_DIR: dataDir, JWT_SECRET: 'x'.repeat(40) };
    const first = loadAppConfig(unset);
    const second = loadAppConfig(unset);
    expect(second.secretsKey.equals(first.secretsKey)).toBe(true);
    expect(first.secretsKeyFile).toBe(path.join(dataDir, 'secrets-key'));
    expect(readFileSync(path.join(dataDir, 'secrets-key'), 'utf8').length).toBeGreaterThanOrEqual(32);
  });

  it('derives a different key from a different SECRETS_KEY', () => {
    const one = loadAppConfig({ ...base, SECRETS_KEY: 'a'.repeat(32) });
    const other = loadAppConfig({ ...base, SECRETS_KEY: 'b'.repeat(32) });
    expect(one.secretsKeyFile).toBeUndefined();
    expect(one.secretsKey.equals(other.secretsKey)).toBe(false);
  });

  it('refuses WhatsApp over plain ws:// in production, naming WA_WS_URL', () => {
    const production = { ...base, NODE_ENV: 'production', WA_WS_URL: 'ws://127.0.0.1:8090/ws/chat' };
    expect(() => loadAppConfig(production)).toThrow(ConfigError);
    expect(() => loadAppConfig(production)).toThrow(/WA_WS_URL must be a wss:\/\/ URL/);
  });

  it('accepts wss:// in production, and ws:// there only with WA_ALLOW_INSECURE_WS=true', () => {
    const production = { ...base, NODE_ENV: 'production' };
    expect(loadAppConfig({ ...production, WA_WS_URL: 'wss://wa.example.com/ws/chat' }).whatsapp.wsUrl).toBe(
      'wss://wa.example.com/ws/chat',
    );
    const insecure = { ...production, WA_WS_URL: 'ws://127.0.0.1:8090/ws/chat', WA_ALLOW_INSECURE_WS: 'true' };
    expect(loadAppConfig(insecure).whatsapp.wsUrl).toBe('ws://127.0.0.1:8090/ws/chat');
  });

  it('accepts ws:// outside production', () => {
    expect(loadAppConfig({ ...base, WA_WS_URL: 'ws://127.0.0.1:8090/ws/chat' }).whatsapp.wsUrl).toBe(
      'ws://127.0.0.1:8090/ws/chat',
    );
  });

  it('refuses private webhook receivers by default in production, unless WEBHOOK_DENY_PRIVATE=false', () => {
    const production = { ...base, NODE_ENV: 'production' };
    expect(loadAppConfig(production).webhooks.denyPrivate).toBe(true);
    expect(loadAppConfig({ ...production, WEBHOOK_DENY_PRIVATE: 'false' }).webhooks.denyPrivate).toBe(false);
  });

  it('reads the realtime connection cap and the metrics token', () => {
    const config = loadAppConfig({ ...base, REALTIME_CONNECTIONS_PER_USER: '3', METRICS_TOKEN: 'm'.repeat(24) });
    expect(config.realtime.maxConnectionsPerUser).toBe(3);
    expect(config.metricsToken).toBe('m'.repeat(24));
  });

  it('outside production generates one JWT secret and keeps it in DATA_DIR', () => {
    const first = loadAppConfig({ DATA_DIR: dataDir });
    const second = loadAppConfig({ DATA_DIR: dataDir });
    expect(first.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(second.jwtSecret).toBe(first.jwtSecret);
    expect(readFileSync(path.join(dataDir, 'jwt-secret'), 'utf8')).toBe(first.jwtSecret);
    expect(first.jwtSecretFile).toBe(path.join(dataDir, 'jwt-secret'));
  });

  it('reads TRUST_PROXY as a boolean, a hop count or a list of addresses', () => {
    expect(loadAppConfig({ ...base, TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadAppConfig({ ...base, TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadAppConfig({ ...base, TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toBe('loopback, 10.0.0.0/8');
  });

  it('reads durations in seconds, minutes, hours and days', () => {
    expect([parseDuration('90'), parseDuration('15m'), parseDuration('12h'), parseDuration('7d')]).toEqual([
      90, 900, 43200, 604800,
    ]);
  });
});
