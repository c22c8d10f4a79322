// The documented event API against the real server: the AsyncAPI document it serves, and every kind of event it
// emits (webhooks, Socket.IO, the plain WebSocket) triggered through the simulator and checked against that document.
import { ensureSimCa } from '../../../sim/src/media';
import { EVENT_TYPES } from '../../src/webhooks/event-schemas';
import { EventContract, localAsyncApiDocument, type AsyncApiDocument } from '../support/event-contract';
import { pairSession, poll, type PairedSession } from '../support/paired-session';
import { RealtimeWatcher, SessionSocketReader } from '../support/realtime';
import { startWagoWithSim, type WagoWithSim } from '../support/wago-with-sim';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

jest.setTimeout(180_000);

const ANA = { phoneNumber: '15550491001', pushName: 'Ana' };
const CARLA = { phoneNumber: '15550491002', pushName: 'Carla' };

interface Envelope {
  id: string;
  type: string;
  data: Record<string, unknown>;
}

describe('the event API', () => {
  let wago: WagoWithSim;
  let token: string;
  let bot: PairedSession;
  let receiver: WebhookReceiver;
  let watcher: RealtimeWatcher;
  let reader: SessionSocketReader;
  let served: AsyncApiDocument;

  beforeAll(async () => {
    // The server downloads media from the sim's HTTPS host: it trusts the sim's CA as a deployment would its own.
    wago = await startWagoWithSim({ env: { NODE_EXTRA_CA_CERTS: ensureSimCa().caPath } });
    token = wago.admin.accessToken;
    bot = await pairSession(wago.api, token, wago.sim, { name: 'events', phoneNumber: '15550491000', pushName: 'Bot' });
    wago.sim.createAccount(ANA);
    wago.sim.createAccount(CARLA);
    receiver = await startWebhookReceiver();
    watcher = await RealtimeWatcher.connect(wago.server.baseUrl, token);
    reader = await SessionSocketReader.open(wago.server.baseUrl, bot.id, token);
  });

  afterAll(async () => {
    watcher?.close();
    reader?.close();
    await receiver?.close();
    await wago?.stop();
  });

  it('serves the AsyncAPI document publicly, naming itself as the server', async () => {
    const answer = await fetch(`${wago.server.baseUrl}/api/asyncapi.json`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    served = (await answer.json()) as AsyncApiDocument;
    const local = localAsyncApiDocument();
    // The document the test support checks every event against is this one: only the server's own address differs.
    expect({ ...served, servers: { ...served.servers, gateway: null } }).toEqual({
      ...local,
      servers: { ...local.servers, gateway: null },
    });
    expect(served.servers.gateway).toMatchObject({ protocol: 'ws', host: expect.stringMatching(/^localhost:\d+$/) });
  });

  it('emits every event type, each matching its schema in the served document', async () => {
    const contract = new EventContract(served);
    const hook = await wago.api.call<{ id: string }>('POST', `/sessions/${bot.id}/webhooks`, {
      token,
      body: { url: receiver.url, events: ['*'], groupPolicy: 'all' },
    });
    expect(hook.status).toBe(201);
    expect((await watcher.subscribe(bot.id)).ok).toBe(true);

    // webhook.test
    expect((await wago.api.call('POST', `/webhooks/${hook.body.id}/test`, { token })).status).toBe(200);
    // message.received: text, media, location, contact
    const { id: textId } = await wago.sim.sendMessage(ANA.phoneNumber, { to: bot.phoneNumber, text: 'see you at 5' });
    await wago.sim.sendMessage(ANA.phoneNumber, {
      to: bot.phoneNumber,
      image: { data: Buffer.from('not really a jpeg').toString('base64'), mimetype: 'image/jpeg', caption: 'look' },
    });
    await wago.sim.sendMessage(ANA.phoneNumber, {
      to: bot.phoneNumber,
      location: { latitude: 52.52, longitude: 13.405, name: 'Berlin' },
    });
    await wago.sim.sendMessage(ANA.phoneNumber, {
      to: bot.phoneNumber,
      contact: { displayName: 'Carla', vcard: 'BEGIN:VCARD\nVERSION:3.0\nFN:Carla\nEND:VCARD' },
    });
    // message.reaction, message.edited, message.revoked
    await wago.sim.sendMessage(ANA.phoneNumber, { to: bot.phoneNumber, reaction: { messageId: textId, emoji: '👍' } });
    await wago.sim.sendMessage(ANA.phoneNumber, { to: bot.phoneNumber, edit: { messageId: textId, text: 'at 6' } });
    await wago.sim.sendMessage(ANA.phoneNumber, { to: bot.phoneNumber, revoke: { messageId: textId } });
    // message.sent, then message.ack as the phone's device receives it
    const sent = await wago.api.call('POST', `/sessions/${bot.id}/messages`, {
      token,
      body: { to: ANA.phoneNumber, text: 'hello Ana' },
    });
    expect(sent.status).toBeLessThan(300);
    // group.updated, group.participants
    const { jid: group } = await wago.sim.createGroup({
      subject: 'Events',
      participants: [ANA.phoneNumber, bot.phoneNumber],
    });
    await wago.sim.updateGroup(group, { by: ANA.phoneNumber, subject: 'Events, renamed' });
    await wago.sim.updateGroupParticipants(group, { by: ANA.phoneNumber, add: [CARLA.phoneNumber] });
    // call.received
    await wago.sim.control('POST', `/control/accounts/${ANA.phoneNumber}/call`, { to: bot.phoneNumber, video: false });
    // presence.update: an online session (it knows its profile name once its phone sent a message, as WhatsApp's
    // first sync would tell it) subscribed to Ana's presence
    await wago.sim.sendMessage(bot.phoneNumber, { to: ANA.phoneNumber, text: 'from the phone' });
    await poll(
      () => wago.api.call('POST', `/sessions/${bot.id}/presence`, { token, body: { state: 'available' } }),
      (answer) => answer.status === 204,
      'the session online',
    );
    const presence = await wago.api.call('POST', `/sessions/${bot.id}/presence/subscribe`, {
      token,
      body: { jid: `+${ANA.phoneNumber}` },
    });
    expect(presence.status).toBe(204);
    // Waited for before the session stops; a presence that raced the subscription is told again, the other way.
    let online = true;
    await poll(
      async () => {
        const state = online ? 'available' : 'unavailable';
        online = !online;
        await wago.sim.control('POST', `/control/accounts/${ANA.phoneNumber}/presence`, { state });
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        return receiver.events<Envelope>().some((event) => event.type === 'presence.update');
      },
      Boolean,
      'presence.update',
    );
    // session.status: a stop and a start
    expect((await wago.api.call('POST', `/sessions/${bot.id}/stop`, { token })).status).toBe(200);
    await watcher.waitForStatus(bot.id, 'stopped');
    expect((await wago.api.call('POST', `/sessions/${bot.id}/start`, { token })).status).toBe(202);
    await watcher.waitForStatus(bot.id, 'connected', 60_000);
    await reader.waitForFrame('session.status', (data) => data.status === 'connected');

    // events() throws if any request so far did not match the document the test support builds
    const seen = await poll(
      async () => [...new Set(receiver.events<Envelope>().map((event) => event.type))].sort(),
      (types) => EVENT_TYPES.every((type) => types.includes(type)),
      'every event type at the receiver',
      60_000,
    );
    expect(seen).toEqual([...EVENT_TYPES].sort());
    const kinds = receiver
      .events<Envelope>()
      .filter((event) => event.type === 'message.received')
      .map((event) => event.data.type);
    expect(kinds).toEqual(expect.arrayContaining(['text', 'image', 'location', 'contact']));
    // ...and the document the server serves says the same of each of them.
    for (const event of receiver.events<Envelope>()) {
      expect(contract.problems('webhooks', event.type, event)).toEqual([]);
    }
    watcher.assertConforming();
    expect(watcher.statusesOf(bot.id)).toEqual(expect.arrayContaining(['connected', 'stopped', 'starting']));
    for (const frame of reader.frames) {
      expect(contract.problems('webSocket', frame.event, frame)).toEqual([]);
    }
  });

  it('fails a test whose events do not match the document', async () => {
    const strict = await startWebhookReceiver();
    try {
      await fetch(strict.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ version: 1, id: 'evt_1', type: 'message.ack', sessionId: bot.id, timestamp: 'now' }),
      });
      expect(() => strict.events()).toThrow(/does not match the AsyncAPI document[\s\S]*\/timestamp must match format/);
      await expect(strict.waitForRequests(1)).rejects.toThrow(/required property 'data'/);
    } finally {
      await strict.close();
    }
  });
});
