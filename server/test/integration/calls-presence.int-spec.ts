import type { ApiClient } from '../support/api-client';
import { PairedSession, pairSession, poll } from '../support/paired-session';
import { startWagoInProcess, WagoInProcess } from '../support/wago-in-process';
import { startWebhookReceiver, WebhookReceiver } from '../support/webhook-receiver';

interface Envelope<T = Record<string, unknown>> {
  id: string;
  type: string;
  sessionId: string;
  timestamp: string;
  data: T;
}

interface CallData {
  id: string;
  from: { pn: string | null; lid: string | null };
  isVideo: boolean;
  isGroup: boolean;
  at: string;
}

interface PresenceData {
  chat: string;
  from: { pn: string | null; lid: string | null };
  state: string;
  lastSeen: string | null;
}

interface SimCall {
  callId: string;
  status: string;
  endedBy: string | null;
}

interface SessionBody {
  id: string;
  name: string;
  settings: { rejectCalls: boolean; rejectCallsMessage: string | null };
}

/** Incoming calls (declined or not) and presence subscriptions through the HTTP API, against the simulator. */
describe('calls and presence', () => {
  const GATEWAY = '15550720000';
  const ALICE = '15550720001';
  const BOB = '15550720002';
  let wago: WagoInProcess;
  let api: ApiClient;
  let token: string;
  let session: PairedSession;
  let receiver: WebhookReceiver;
  const lids: Record<string, string> = {};

  const jidOf = (phoneNumber: string): string => `${phoneNumber}@s.whatsapp.net`;
  const events = <T>(type: string): Envelope<T>[] =>
    receiver.events<Envelope<T>>().filter((event) => event.type === type);
  const patchSettings = (settings: unknown) =>
    api.call<SessionBody>('PATCH', `/sessions/${session.id}`, { token, body: { settings } });

  async function placeCall(from: string, video: boolean): Promise<string> {
    const placed = await wago.sim.control('POST', `/control/accounts/${from}/call`, { to: GATEWAY, video });
    expect(placed.status).toBe(201);
    return (placed.body as { callId: string }).callId;
  }

  async function callEvent(callId: string): Promise<Envelope<CallData>> {
    return (await poll(
      async () => events<CallData>('call.received').find((event) => event.data.id === callId),
      Boolean,
      `call.received for ${callId}`,
    )) as Envelope<CallData>;
  }

  async function simCall(caller: string, callId: string): Promise<SimCall | undefined> {
    const calls = (await wago.sim.control('GET', `/control/accounts/${caller}/calls`)).body as SimCall[];
    return calls.find((call) => call.callId === callId);
  }

  async function inboxTexts(phoneNumber: string): Promise<string[]> {
    const inbox = (await wago.sim.control('GET', `/control/accounts/${phoneNumber}/inbox`)).body as {
      text?: string | null;
    }[];
    return inbox.flatMap((message) => (message.text ? [message.text] : []));
  }

  beforeAll(async () => {
    wago = await startWagoInProcess({ MESSAGE_MIN_INTERVAL_MS: '0', MESSAGE_JITTER_MS: '0' });
    api = wago.api;
    token = wago.admin.accessToken;
    lids[ALICE] = wago.sim.createAccount({ phoneNumber: ALICE, pushName: 'Alice' }).lid;
    lids[BOB] = wago.sim.createAccount({ phoneNumber: BOB, pushName: 'Bob' }).lid;
    session = await pairSession(api, token, wago.sim, { name: 'calls', phoneNumber: GATEWAY, pushName: 'Gateway' });
    receiver = await startWebhookReceiver();
    const webhook = await api.call('POST', `/sessions/${session.id}/webhooks`, {
      token,
      body: { url: receiver.url, events: ['call.received', 'presence.update'] },
    });
    expect(webhook.status).toBe(201);
  });

  afterAll(async () => {
    await receiver?.close();
    await wago?.stop();
  });

  describe('session settings', () => {
    it('starts with calls let ring, on the session and in the list', async () => {
      const one = await api.call<SessionBody>('GET', `/sessions/${session.id}`, { token });
      expect(one.body.settings).toEqual({ rejectCalls: false, rejectCallsMessage: null });
      const list = await api.call<{ items: SessionBody[] }>('GET', '/sessions', { token });
      expect(list.body.items.find((item) => item.id === session.id)?.settings).toEqual(one.body.settings);
    });

    it.each([
      ['an empty change', {}],
      ['settings that are not an object', { settings: 'on' }],
      ['rejectCalls that is not a boolean', { settings: { rejectCalls: 'yes' } }],
      ['rejectCalls null', { settings: { rejectCalls: null } }],
      ['a blank message', { settings: { rejectCallsMessage: '   ' } }],
      ['a message over 1000 characters', { settings: { rejectCallsMessage: 'x'.repeat(1001) } }],
      ['a message that is not a string', { settings: { rejectCallsMessage: 42 } }],
      ['an unknown setting', { settings: { rejectMessages: true } }],
      ['settings with nothing in them', { settings: {} }],
    ])('refuses %s with a 400 that says why', async (_what, body) => {
      const answer = await api.call<{ statusCode: number; message: unknown }>('PATCH', `/sessions/${session.id}`, {
        token,
        body,
      });
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ statusCode: 400, message: expect.anything() });
    });

    it('changes the settings given, keeps the others and the name, and renames alongside', async () => {
      const on = await patchSettings({ rejectCalls: true, rejectCallsMessage: 'Draft' });
      expect(on.status).toBe(200);
      expect(on.body).toMatchObject({ name: 'calls', settings: { rejectCalls: true, rejectCallsMessage: 'Draft' } });
      const cleared = await patchSettings({ rejectCallsMessage: null });
      expect(cleared.body.settings).toEqual({ rejectCalls: true, rejectCallsMessage: null });
      const renamed = await api.call<SessionBody>('PATCH', `/sessions/${session.id}`, {
        token,
        body: { name: 'calls-renamed', settings: { rejectCalls: false } },
      });
      expect(renamed.body).toMatchObject({
        name: 'calls-renamed',
        settings: { rejectCalls: false, rejectCallsMessage: null },
      });
      const back = await api.call<SessionBody>('PATCH', `/sessions/${session.id}`, { token, body: { name: 'calls' } });
      expect(back.body.settings).toEqual({ rejectCalls: false, rejectCallsMessage: null });
    });
  });

  describe('calls', () => {
    it('publishes a call as call.received with both of the caller’s identities, and lets it ring', async () => {
      const callId = await placeCall(ALICE, true);
      const event = await callEvent(callId);
      expect(event).toMatchObject({ type: 'call.received', sessionId: session.id, timestamp: event.data.at });
      expect(event.data).toEqual({
        id: callId,
        from: { pn: jidOf(ALICE), lid: lids[ALICE] },
        isVideo: true,
        isGroup: false,
        at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      });
      expect((await simCall(ALICE, callId))?.status).toBe('offered');
    });

    it('declines calls with rejectCalls, and the caller gets the message for each call', async () => {
      const message = 'Sorry, this line takes no calls. Write to us here.';
      await patchSettings({ rejectCalls: true, rejectCallsMessage: message });
      const callId = await placeCall(BOB, false);
      expect((await callEvent(callId)).data).toMatchObject({
        from: { pn: jidOf(BOB), lid: lids[BOB] },
        isVideo: false,
      });
      const declined = await poll(
        () => simCall(BOB, callId),
        (call) => call?.status === 'rejected',
        `the sim to record ${callId} rejected`,
      );
      expect(declined?.endedBy).toMatch(new RegExp(`^${GATEWAY}:\\d+@s\\.whatsapp\\.net$`));
      await poll(
        () => inboxTexts(BOB),
        (texts) => texts.includes(message),
        'the message in the caller’s inbox',
      );
      // A second call is declined too, and answered with its own message.
      const again = await placeCall(BOB, false);
      await poll(
        () => simCall(BOB, again),
        (call) => call?.status === 'rejected',
        'the second call rejected',
      );
      await poll(
        () => inboxTexts(BOB),
        (texts) => texts.filter((text) => text === message).length === 2,
        'a message for each call',
      );
      await patchSettings({ rejectCalls: false, rejectCallsMessage: null });
    });

    it('declines without writing when there is no message', async () => {
      await patchSettings({ rejectCalls: true, rejectCallsMessage: null });
      const before = (await inboxTexts(ALICE)).length;
      const callId = await placeCall(ALICE, false);
      await poll(
        () => simCall(ALICE, callId),
        (call) => call?.status === 'rejected',
        `the sim to record ${callId} rejected`,
      );
      // Whatever the session would send after declining has had the time a message to Bob took.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(await inboxTexts(ALICE)).toHaveLength(before);
      await patchSettings({ rejectCalls: false });
    });
  });

  describe('presence', () => {
    const subscribe = (jid: unknown, sessionId = session.id) =>
      api.call('POST', `/sessions/${sessionId}/presence/subscribe`, { token, body: { jid } });

    it('tells a subscribed session when a person goes online and offline, with both identities', async () => {
      // Presence reaches only an online session, and a session goes online once it knows its profile name: the
      // simulated phone tells it with a message it sends (as WhatsApp's first sync would).
      await wago.sim.sendMessage(GATEWAY, { to: BOB, text: 'from the phone' });
      await poll(
        () => api.call('POST', `/sessions/${session.id}/presence`, { token, body: { state: 'available' } }),
        (answer) => answer.status === 204,
        'the session online',
      );
      expect((await subscribe(`+${ALICE}`)).status).toBe(204);
      await wago.sim.control('POST', `/control/accounts/${ALICE}/presence`, { state: 'available' });
      const online = await poll(
        async () => events<PresenceData>('presence.update').find((event) => event.data.state === 'available'),
        Boolean,
        'presence.update available',
      );
      expect(online?.data).toEqual({
        chat: jidOf(ALICE),
        from: { pn: jidOf(ALICE), lid: lids[ALICE] },
        state: 'available',
        lastSeen: null,
      });
      await wago.sim.control('POST', `/control/accounts/${ALICE}/presence`, { state: 'unavailable' });
      // Subscribing told where Alice stood then (offline, never seen): the change is what comes after going online.
      const afterOnline = (): Envelope<PresenceData>[] => {
        const presences = events<PresenceData>('presence.update');
        return presences.slice(presences.findIndex((event) => event.id === online?.id) + 1);
      };
      const offline = await poll(
        async () => afterOnline().find((event) => event.data.state === 'unavailable'),
        Boolean,
        'presence.update unavailable',
      );
      expect(offline?.data).toMatchObject({
        from: { pn: jidOf(ALICE), lid: lids[ALICE] },
        lastSeen: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      });
    });

    it('follows a person by LID, resolved to the phone number', async () => {
      expect((await subscribe(lids[BOB])).status).toBe(204);
      await wago.sim.control('POST', `/control/accounts/${BOB}/presence`, { state: 'available' });
      const online = await poll(
        async () =>
          events<PresenceData>('presence.update').find(
            (event) => event.data.from.lid === lids[BOB] && event.data.state === 'available',
          ),
        Boolean,
        'presence.update of Bob',
      );
      expect(online?.data.from).toEqual({ pn: jidOf(BOB), lid: lids[BOB] });
    });

    it.each([
      ['a group', '120363025246125486@g.us'],
      ['a number', 15550720001],
      ['nothing', undefined],
      ['gibberish', 'not-a-jid'],
    ])('refuses to follow %s with a 400', async (_what, jid) => {
      const answer = await subscribe(jid);
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ statusCode: 400 });
    });

    it('answers 409 for a session that is not connected and 404 for one that does not exist', async () => {
      const idle = await api.call<{ id: string }>('POST', '/sessions', { token, body: { name: 'idle' } });
      expect((await subscribe(ALICE, idle.body.id)).status).toBe(409);
      expect((await subscribe(ALICE, '6f1c0f0e-4a1b-4bd0-a9a8-f2f6c1e2d3b4')).status).toBe(404);
    });
  });
});
