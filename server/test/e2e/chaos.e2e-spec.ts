// Chaos: the gateway is killed with SIGKILL again and again while phones write to it and a service sends through it.
// Whatever was in flight, every incoming message reaches the subscriber under one event id, and nothing goes out twice.
import { ApiClient } from '../support/api-client';
import { pairSession, poll } from '../support/paired-session';
import { ServerProcess, startServerProcess } from '../support/server-process';
import { startWagoWithSim, WagoWithSim } from '../support/wago-with-sim';
import { startWebhookReceiver, WebhookReceiver } from '../support/webhook-receiver';

jest.setTimeout(600_000);

const CYCLES = 10;
const INCOMING_PER_SECOND = 10;
const OUTGOING_EVERY_MS = 300;
const PHONE = { phoneNumber: '15550901001', pushName: 'Chaos sender' };
const CUSTOMER = { phoneNumber: '15550901002', pushName: 'Customer' };

/** Deterministic pauses between kills, so a failing run can be repeated. */
function uptimeMs(cycle: number): number {
  return 1_500 + ((cycle * 7919) % 2_000);
}

describe('chaos: repeated SIGKILL under load', () => {
  let wago: WagoWithSim;
  let receiver: WebhookReceiver;
  let server: ServerProcess;

  beforeAll(async () => {
    wago = await startWagoWithSim({
      env: {
        MESSAGE_MIN_INTERVAL_MS: '50',
        MESSAGE_JITTER_MS: '0',
        MESSAGE_PER_CHAT_PER_MINUTE: '1000',
        WEBHOOK_RETRY_SCHEDULE: Array.from({ length: 30 }, () => '1').join(','),
      },
    });
    server = wago.server;
    receiver = await startWebhookReceiver();
  });

  afterAll(async () => {
    await server?.stop();
    await receiver?.close();
    await wago?.sim.stop();
    await wago?.database.drop();
  });

  it('delivers every incoming message once under one event id and sends no outgoing message twice', async () => {
    const token = wago.admin.accessToken;
    const bot = await pairSession(wago.api, token, wago.sim, {
      name: 'chaos',
      phoneNumber: '15550901000',
      pushName: 'Bot',
    });
    wago.sim.createAccount(PHONE);
    wago.sim.createAccount(CUSTOMER);
    const webhook = await wago.api.call('POST', `/sessions/${bot.id}/webhooks`, {
      token,
      body: { url: receiver.url, events: ['message.received'] },
    });
    expect(webhook.status).toBe(201);

    // The same port across restarts, so the service's client keeps one address, as behind a load balancer.
    const api = new ApiClient(server.baseUrl);
    let running = true;
    const incoming: string[] = [];
    const phones = (async () => {
      for (let n = 1; running; n += 1) {
        const text = `in ${n}`;
        await wago.sim.sendMessage(PHONE.phoneNumber, { to: bot.phoneNumber, text });
        incoming.push(text);
        await new Promise((resolve) => setTimeout(resolve, 1000 / INCOMING_PER_SECOND));
      }
    })();
    /** Texts by Idempotency-Key, and the WhatsApp id of each the API accepted. */
    const outgoing = new Map<string, { text: string; messageId?: string }>();
    const service = (async () => {
      for (let n = 1; running; n += 1) {
        outgoing.set(`out-${n}`, { text: `out ${n}` });
        for (const [key, message] of outgoing) {
          if (message.messageId) continue;
          const answer = await api
            .call<{ id: string }>('POST', `/sessions/${bot.id}/messages`, {
              token,
              headers: { 'Idempotency-Key': key },
              body: { to: CUSTOMER.phoneNumber, text: message.text },
            })
            .catch(() => undefined);
          if (answer && (answer.status === 201 || answer.status === 202)) message.messageId = answer.body.id;
        }
        await new Promise((resolve) => setTimeout(resolve, OUTGOING_EVERY_MS));
      }
    })();

    for (let cycle = 1; cycle <= CYCLES; cycle += 1) {
      await new Promise((resolve) => setTimeout(resolve, uptimeMs(cycle)));
      await server.kill();
      server = await startServerProcess({ databaseUrl: wago.database.url, env: wago.env, port: server.port });
    }
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    running = false;
    await Promise.all([phones, service]);
    // The last sends that were refused while the process was down are retried with their keys, once it is up.
    for (const [key, message] of outgoing) {
      if (message.messageId) continue;
      const answer = await api.call<{ id: string }>('POST', `/sessions/${bot.id}/messages`, {
        token,
        headers: { 'Idempotency-Key': key },
        body: { to: CUSTOMER.phoneNumber, text: message.text },
      });
      expect([201, 202]).toContain(answer.status);
      message.messageId = answer.body.id;
    }

    const eventIdsByText = (): Map<string, Set<string>> => {
      const byText = new Map<string, Set<string>>();
      for (const event of receiver.events<{ id: string; data: { text: string } }>()) {
        byText.set(event.data.text, (byText.get(event.data.text) ?? new Set()).add(event.id));
      }
      return byText;
    };
    await poll(
      () => Promise.resolve(eventIdsByText()),
      (byText) => incoming.every((text) => byText.has(text)),
      'every incoming message at the receiver',
      240_000,
    ).catch((error: unknown) => {
      const missing = incoming.filter((text) => !eventIdsByText().has(text));
      throw new Error(`${String(error).slice(0, 200)}… missing: ${missing.join(', ')}`);
    });
    const byText = eventIdsByText();
    expect([...byText.keys()].sort()).toEqual([...incoming].sort());
    const underSeveralIds = [...byText].filter(([, ids]) => ids.size > 1).map(([text]) => text);
    expect(underSeveralIds).toEqual([]);

    // Every message the service sent is on the customer's phone at most once; those WAGO reports sent, exactly once.
    const sent = await poll(
      async () => {
        const statuses = await Promise.all(
          [...outgoing.values()].map(async ({ messageId }) => {
            const answer = await api.call<{ status: string }>('GET', `/sessions/${bot.id}/messages/${messageId}`, {
              token,
            });
            return { messageId, status: answer.body.status };
          }),
        );
        return statuses;
      },
      (statuses) => statuses.every(({ status }) => status !== 'queued'),
      'every accepted message to leave the queue',
      120_000,
    );
    const inbox = wago.sim.inbox(CUSTOMER.phoneNumber);
    const copies = new Map<string, number>();
    for (const item of inbox) copies.set(item.text ?? '', (copies.get(item.text ?? '') ?? 0) + 1);
    const twice = [...copies].filter(([, count]) => count > 1).map(([text]) => text);
    expect(twice).toEqual([]);
    const textsById = new Map([...outgoing.values()].map(({ text, messageId }) => [messageId, text]));
    for (const { messageId, status } of sent) {
      if (status === 'sent' || status === 'delivered' || status === 'read') {
        expect({ messageId, copies: copies.get(textsById.get(messageId) ?? '') }).toEqual({ messageId, copies: 1 });
      }
    }
    expect(incoming.length).toBeGreaterThan(CYCLES * 10);
  });
});
