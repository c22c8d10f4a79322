// What a linked Baileys client reports without sending a message: read receipts, presence and chat states.
import type { CreatedAccount, SimHandle } from '../../src/index';
import type { TestClient } from '../support/baileys-client';
import { eventually, socketOf, startSimWithLinkedBob, type UpsertRecorder } from './messaging-support';

describe('receipts and presence a linked Baileys client sends', () => {
  let sim: SimHandle;
  let client: TestClient;
  let received: UpsertRecorder;
  let alice: CreatedAccount;
  let bob: CreatedAccount;

  beforeAll(async () => {
    ({ sim, client, received, alice, bob } = await startSimWithLinkedBob({
      alice: '5511900000041',
      bob: '5511900000042',
      carol: '5511900000043',
    }));
  }, 30_000);

  afterAll(async () => {
    await client?.stop();
    await sim?.stop();
  });

  it('records the delivery receipt and, after readMessages, one read receipt per message', async () => {
    const first = await sim.sendMessage(alice.phoneNumber, { to: bob.phoneNumber, text: 'one' });
    const second = await sim.sendMessage(alice.phoneNumber, { to: bob.phoneNumber, text: 'two' });
    const keys = [(await received.byId(first.id)).message.key, (await received.byId(second.id)).message.key];
    await eventually(
      () => sim.receipts(bob.phoneNumber).find((receipt) => receipt.messageId === second.id),
      'the delivery receipt',
    );

    await socketOf(client).readMessages(keys);

    const reads = await eventually(() => {
      const found = sim.receipts(bob.phoneNumber).filter((receipt) => receipt.type === 'read');
      return found.length === 2 ? found : undefined;
    }, 'two read receipts');
    expect(reads.map((receipt) => receipt.messageId).sort()).toEqual([first.id, second.id].sort());
    expect(reads[0]).toMatchObject({
      chat: alice.jid,
      from: expect.stringMatching(/^5511900000042:\d+@s\.whatsapp\.net$/),
    });
    expect(sim.receipts(bob.phoneNumber).find((receipt) => receipt.messageId === first.id)?.type).toBe('delivered');
    expect(await sim.control('GET', `/control/accounts/${bob.phoneNumber}/receipts`)).toMatchObject({ status: 200 });
  });

  it('records presence and the chat states typing, recording and paused', async () => {
    const socket = socketOf(client);
    // Baileys sends presence only with a push name, which a real client learns from the app state sync the sim lacks.
    const me = socket.authState.creds.me;
    if (me) me.name ??= 'Bob';
    await socket.sendPresenceUpdate('available');
    await socket.sendPresenceUpdate('composing', alice.jid);
    await socket.sendPresenceUpdate('recording', alice.jid);
    await socket.sendPresenceUpdate('paused', alice.jid);

    const states = await eventually(() => {
      const found = sim.presence(bob.phoneNumber);
      return found.length >= 4 ? found : undefined;
    }, 'four presence reports');
    expect(states.map(({ chat, state }) => ({ chat, state }))).toEqual([
      { chat: null, state: 'available' },
      { chat: alice.jid, state: 'composing' },
      { chat: alice.jid, state: 'recording' },
      { chat: alice.jid, state: 'paused' },
    ]);
    expect(socket.ws.isOpen).toBe(true);
  });
});
