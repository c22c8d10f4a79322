// Issue 10 §2: each write that carries secrets or content in its parameters fails for real (a Postgres constraint
// refuses it), and the real server's output still holds no key material, credential, JWT or message text.
import type { DataSource } from 'typeorm';
import { pairSession, PairedSession, poll } from '../support/paired-session';
import { startWagoWithSim, WagoWithSim } from '../support/wago-with-sim';
import { startWebhookReceiver, WebhookReceiver } from '../support/webhook-receiver';

jest.setTimeout(120_000);

const ANA = { phoneNumber: '15550401001', pushName: 'Ana' };
const OUTBOX_TEXT = 'outbox text that is nobody else’s business';
const KEYS_TEXT = 'signal keys text that is nobody else’s business';
const SEND_TEXT = 'outgoing text that is nobody else’s business';

/** Fields of Baileys' creds and Signal records that hold a private key or a secret. */
const PRIVATE_FIELDS = new Set(['private', 'privKey', 'advSecretKey', 'rootKey', 'chainKey', 'seed']);

/** Every private key and secret in a stored creds or Signal record (BufferJSON keeps Buffers as base64). */
function privateMaterial(stored: unknown, underPrivateField = false): string[] {
  if (typeof stored === 'string') return underPrivateField && stored.length >= 16 ? [stored] : [];
  if (typeof stored !== 'object' || stored === null) return [];
  const record = stored as Record<string, unknown>;
  if (record.type === 'Buffer' && typeof record.data === 'string')
    return privateMaterial(record.data, underPrivateField);
  return Object.entries(record).flatMap(([name, value]) =>
    privateMaterial(value, underPrivateField || PRIVATE_FIELDS.has(name)),
  );
}

/** A key as a log could print it: base64, hex, or a Buffer's JSON byte list. */
function printedForms(base64: string): string[] {
  const bytes = Buffer.from(base64, 'base64');
  return [base64, bytes.toString('hex'), `[${bytes.toJSON().data.join(',')}]`];
}

describe('logs keep secrets out when writes fail', () => {
  let wago: WagoWithSim;
  let dataSource: DataSource;
  let token: string;
  let apiKey: string;
  let bot: PairedSession;
  let receiver: WebhookReceiver;
  let webhookId: string;
  let webhookSecret: string;

  /** Makes Postgres refuse every new or changed row of a table, as a broken disk or a bad migration would. */
  async function refuseWrites(table: string): Promise<void> {
    await dataSource.query(`ALTER TABLE "${table}" ADD CONSTRAINT refuse_writes CHECK (false) NOT VALID`);
  }

  async function allowWrites(table: string): Promise<void> {
    await dataSource.query(`ALTER TABLE "${table}" DROP CONSTRAINT refuse_writes`);
  }

  const output = (): string => wago.server.output();

  beforeAll(async () => {
    // Baileys' own warnings and errors go to the log too: its `{ err }` and `{ node }` lines are under test.
    wago = await startWagoWithSim({ env: { WA_LOG_LEVEL: 'warn' } });
    dataSource = await wago.database.dataSource();
    token = wago.admin.accessToken;
    const key = await wago.api.call<{ key: string }>('POST', '/auth/api-keys', { token, body: { name: 'robot' } });
    apiKey = key.body.key;
    receiver = await startWebhookReceiver();
    bot = await pairSession(wago.api, token, wago.sim, { name: 'bot', phoneNumber: '15550401000', pushName: 'Bot' });
    wago.sim.createAccount(ANA);
    const webhook = await wago.api.call<{ id: string; secret: string }>('POST', `/sessions/${bot.id}/webhooks`, {
      apiKey,
      body: { url: receiver.url },
    });
    ({ id: webhookId, secret: webhookSecret } = webhook.body);
    await wago.sim.sendMessage(ANA.phoneNumber, { to: bot.phoneNumber, text: 'hello' });
    await poll(
      async () => receiver.events().length,
      (count) => count > 0,
      'the first webhook delivery',
    );
  });

  afterAll(async () => {
    await receiver?.close();
    await wago?.stop();
  });

  it('logs a failed outbox commit without the message text', async () => {
    await refuseWrites('webhook_events');
    await wago.sim.sendMessage(ANA.phoneNumber, { to: bot.phoneNumber, text: OUTBOX_TEXT });
    // The gateway retries the commit before it acknowledges the message; the write is allowed again before it gives
    // up and drops the connection, so the session stays connected for the tests that follow.
    await wago.server.waitForOutput(/An incoming message could not be committed; retrying/);
    await allowWrites('webhook_events');
    await poll(
      async () => receiver.events<{ data: { text: string | null } }>().some((event) => event.data.text === OUTBOX_TEXT),
      (delivered) => delivered,
      'the message to be committed once the outbox takes writes again',
    );
  });

  it('logs a failed webhook insert and a failed secret rotation as 500s without the secrets', async () => {
    await refuseWrites('webhooks');
    const created = await wago.api.call('POST', `/sessions/${bot.id}/webhooks`, {
      apiKey,
      body: { url: `${receiver.url}/second` },
    });
    const rotated = await wago.api.call('POST', `/webhooks/${webhookId}/rotate-secret`, { token });
    await allowWrites('webhooks');
    expect([created.status, rotated.status]).toEqual([500, 500]);
    await wago.server.waitForOutput(/Unhandled error[\s\S]*Unhandled error/);
  });

  it('logs a failed send as a 500 without the message text', async () => {
    await refuseWrites('outgoing_messages');
    const sent = await wago.api.call('POST', `/sessions/${bot.id}/messages`, {
      apiKey,
      body: { to: ANA.phoneNumber, text: SEND_TEXT },
    });
    await allowWrites('outgoing_messages');
    expect(sent.status).toBe(500);
    await wago.server.waitForOutput(/"table":"outgoing_messages"/);
  });

  it('logs failed Signal key writes without the keys or the message text', async () => {
    await refuseWrites('whatsapp_auth_keys');
    await wago.sim.sendMessage(ANA.phoneNumber, { to: bot.phoneNumber, text: KEYS_TEXT });
    // Baileys retries the transaction ten times, with pauses, before it gives up and logs the error.
    await wago.server.waitForOutput(/"table":"whatsapp_auth_keys"/, 90_000);
    await allowWrites('whatsapp_auth_keys');
  });

  it('logs a failed credentials write without the credentials', async () => {
    await refuseWrites('whatsapp_auth_creds');
    // Logging in again makes Baileys store the account's LID in its creds.
    expect((await wago.api.call('POST', `/sessions/${bot.id}/stop`, { token })).status).toBeLessThan(300);
    expect((await wago.api.call('POST', `/sessions/${bot.id}/start`, { token })).status).toBe(202);
    await wago.server.waitForOutput(/Saving WhatsApp credentials failed/);
    await allowWrites('whatsapp_auth_creds');
  });

  describe('the whole log of those failures', () => {
    it('holds no private key of the account’s creds or Signal records', async () => {
      const creds = await dataSource.query<{ creds: unknown }[]>(`SELECT creds FROM whatsapp_auth_creds`);
      const keys = await dataSource.query<{ value: unknown }[]>(`SELECT value FROM whatsapp_auth_keys`);
      const material = [...creds.map((row) => row.creds), ...keys.map((row) => row.value)].flatMap((stored) =>
        privateMaterial(stored),
      );
      // noiseKey, signedIdentityKey, signedPreKey, advSecretKey and the pre-keys at least.
      expect(material.length).toBeGreaterThan(4);
      for (const printed of material.flatMap(printedForms)) expect(output()).not.toContain(printed);
    });

    it('holds no API key, webhook secret or JWT', () => {
      expect(output()).not.toContain(apiKey);
      expect(output()).not.toContain(webhookSecret);
      expect(output()).not.toContain(token);
      expect(output()).not.toMatch(/wago_[A-Za-z0-9_-]{16,}|whsec_[A-Za-z0-9+/=_-]{8,}|eyJ/);
    });

    it('holds no message text', () => {
      expect(output()).not.toContain(OUTBOX_TEXT);
      expect(output()).not.toContain(KEYS_TEXT);
      expect(output()).not.toContain(SEND_TEXT);
    });
  });
});
