// Calls and presence between a sim account's phone and a linked Baileys client: an offer that rings the device, a
// rejectCall the sim records, a call nobody answers; presence a subscribed device is told, typing in a chat.
import { startSim, type CreatedAccount, type SimHandle } from '../../src/index';
import { createLinkedClient, type TestClient } from '../support/baileys-client';
import { EventRecorder } from './event-recorder';
import { eventually, socketOf } from './messaging-support';

const RING_TIMEOUT_MS = 1_500;

describe('calls and presence with a linked Baileys client', () => {
  let sim: SimHandle;
  let client: TestClient & { deviceJid: string };
  let alice: CreatedAccount;
  let bob: CreatedAccount;
  let calls: EventRecorder<'call'>;
  let presence: EventRecorder<'presence.update'>;

  beforeAll(async () => {
    sim = await startSim({ callRingTimeoutMs: RING_TIMEOUT_MS });
    alice = sim.createAccount({ phoneNumber: '5511900000071', pushName: 'Alice' });
    client = await createLinkedClient(sim, { phoneNumber: '5511900000072', pushName: 'Bob' });
    const linked = sim.accounts().find((account) => account.phoneNumber === '5511900000072');
    if (!linked) throw new Error('Bob has no account after linking');
    bob = linked;
    calls = new EventRecorder(socketOf(client), 'call');
    presence = new EventRecorder(socketOf(client), 'presence.update');
    await client.waitForPendingNotifications();
  }, 30_000);

  afterAll(async () => {
    await client?.stop();
    await sim?.stop();
  });

  const callsOf = async (phoneNumber: string) =>
    (await sim.control('GET', `/control/accounts/${phoneNumber}/calls`)).body as { callId: string; status: string }[];

  it('rings the device with a video offer from the caller by LID, and records its rejectCall', async () => {
    const placed = await sim.control('POST', `/control/accounts/${alice.phoneNumber}/call`, {
      to: bob.phoneNumber,
      video: true,
    });
    const { callId } = placed.body as { callId: string };
    expect(placed.status).toBe(201);

    const [offer] = await calls.waitFor((events) => events.some((call) => call.id === callId), 'the offer');
    expect(offer).toMatchObject({
      id: callId,
      chatId: alice.lid,
      from: alice.lid,
      callerPn: alice.jid,
      status: 'offer',
      isVideo: true,
      isGroup: false,
      offline: false,
    });

    await socketOf(client).rejectCall(callId, offer.from);

    const rejected = await eventually(async () => {
      const found = (await callsOf(alice.phoneNumber)).find((call) => call.callId === callId);
      return found?.status === 'rejected' ? found : undefined;
    }, 'the rejection recorded');
    expect(rejected).toMatchObject({
      from: alice.jid,
      to: bob.jid,
      video: true,
      endedBy: client.deviceJid,
      endedAt: expect.any(String),
    });
    expect(await callsOf(bob.phoneNumber)).toContainEqual(rejected);
  });

  it('stops ringing a call nobody answers, with a timeout the device sees', async () => {
    const placed = await sim.control('POST', `/control/accounts/${alice.phoneNumber}/call`, {
      to: bob.phoneNumber,
      callerAddressing: 'pn',
    });
    const { callId } = placed.body as { callId: string };
    const [offer] = await calls.waitFor((events) => events.some((call) => call.id === callId), 'the offer');
    expect(offer).toMatchObject({ from: alice.jid, chatId: alice.jid, isVideo: false });
    expect((await callsOf(alice.phoneNumber)).find((call) => call.callId === callId)?.status).toBe('offered');

    const [timeout] = await calls.waitFor(
      (events) => events.some((call) => call.id === callId && call.status === 'timeout'),
      'the timeout',
      RING_TIMEOUT_MS + 5_000,
    );
    expect(timeout).toMatchObject({ id: callId, from: alice.jid, isVideo: false });
    expect((await callsOf(alice.phoneNumber)).find((call) => call.callId === callId)?.status).toBe('timeout');
  });

  /** Alice's presence as Bob's device last heard it, in the `presence.update` events so far. */
  const aliceUpdates = (state: string) =>
    presence.events.flatMap(({ id, presences }) => {
      const update = presences[alice.jid];
      return id === alice.jid && update?.lastKnownPresence === state ? [update] : [];
    });

  it('tells a subscribed device the phone’s presence at once and whenever it changes', async () => {
    const socket = socketOf(client);
    // Baileys sends presence only with a push name, which a real client learns from the app state sync.
    const me = socket.authState.creds.me;
    if (me) me.name ??= 'Bob';
    await socket.sendPresenceUpdate('available');

    await socket.presenceSubscribe(alice.jid);
    const [current] = await eventually(() => nonEmpty(aliceUpdates('unavailable')), 'the current presence');
    // Alice was never online: no last seen.
    expect(current.lastSeen).toBeUndefined();

    await sim.control('POST', `/control/accounts/${alice.phoneNumber}/presence`, { state: 'available' });
    await eventually(() => nonEmpty(aliceUpdates('available')), 'available');

    await sim.control('POST', `/control/accounts/${alice.phoneNumber}/presence`, { state: 'unavailable' });
    const [, offline] = await eventually(
      () => aliceUpdates('unavailable')[1] && aliceUpdates('unavailable'),
      'offline',
    );
    expect(offline.lastSeen).toBeGreaterThan(Date.now() / 1000 - 60);
  });

  it('tells a device that is not available nothing, and where everyone stands once it is', async () => {
    const socket = socketOf(client);
    await socket.sendPresenceUpdate('unavailable');
    await eventually(
      () => (sim.presence(bob.phoneNumber).at(-1)?.state === 'unavailable' ? true : undefined),
      'the sim to read Bob going offline',
    );
    const availableBefore = aliceUpdates('available').length;
    await sim.control('POST', `/control/accounts/${alice.phoneNumber}/presence`, { state: 'available' });
    // A chat state is not held back: once it arrived, a presence sent before it would have too.
    await sim.control('POST', `/control/accounts/${alice.phoneNumber}/presence`, {
      state: 'composing',
      chat: bob.phoneNumber,
    });
    await eventually(() => nonEmpty(aliceUpdates('composing')), 'the chat state');
    expect(aliceUpdates('available')).toHaveLength(availableBefore);

    await socket.sendPresenceUpdate('available');
    await eventually(() => aliceUpdates('available')[availableBefore], 'available once Bob is');
    await sim.control('POST', `/control/accounts/${alice.phoneNumber}/presence`, { state: 'unavailable' });
  });

  it('relays typing, recording and paused in the chat to the partner’s device', async () => {
    const states: string[] = [];
    socketOf(client).ev.on('presence.update', ({ id, presences }) => {
      if (id === alice.lid) states.push(presences[alice.lid]?.lastKnownPresence ?? '');
    });
    for (const state of ['composing', 'recording', 'paused']) {
      await sim.control('POST', `/control/accounts/${alice.phoneNumber}/presence`, {
        state,
        chat: bob.jid,
        senderAddressing: 'lid',
      });
    }
    // Baileys reports a pause as available again.
    await eventually(() => (states.length >= 3 ? states : undefined), 'three chat states');
    expect(states).toEqual(['composing', 'recording', 'available']);
  });

  it('answers 400 for a chat state without a chat and 404 for a call to nobody', async () => {
    await expect(
      sim.control('POST', `/control/accounts/${alice.phoneNumber}/presence`, { state: 'composing' }),
    ).rejects.toMatchObject({ statusCode: 400, message: 'chat must be a non-empty string' });
    await expect(
      sim.control('POST', `/control/accounts/${alice.phoneNumber}/call`, { to: '5511900000079' }),
    ).rejects.toMatchObject({ statusCode: 404 });
  });
});

function nonEmpty<T>(list: T[]): T[] | undefined {
  return list.length > 0 ? list : undefined;
}
