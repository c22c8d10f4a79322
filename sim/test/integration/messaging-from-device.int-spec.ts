// A real Baileys client messages sim accounts; the sim's phones decrypt what it sent into their inboxes.
import type { CreatedAccount, InboxMessage, SimHandle } from '../../src/index';
import type { TestClient } from '../support/baileys-client';
import { eventually, sendFromClient, socketOf, startSimWithLinkedBob, UpsertRecorder } from './messaging-support';

describe('messages from a linked Baileys client to sim accounts', () => {
  let sim: SimHandle;
  let client: TestClient;
  let alice: CreatedAccount;
  let bob: CreatedAccount;
  let carol: CreatedAccount;

  const inboxed = (account: CreatedAccount, id: string): Promise<InboxMessage> =>
    eventually(
      () => sim.inbox(account.phoneNumber).find((message) => message.id === id),
      `message ${id} in the inbox of ${account.phoneNumber}`,
    );

  beforeAll(async () => {
    ({ sim, client, alice, bob, carol } = await startSimWithLinkedBob({
      alice: '5511900000011',
      bob: '5511900000012',
      carol: '5511900000013',
    }));
  }, 30_000);

  afterAll(async () => {
    await client?.stop();
    await sim?.stop();
  });

  it('decrypts a 1:1 message the client sent into the recipient inbox', async () => {
    const sent = await sendFromClient(client, alice.jid, { text: 'hi Alice' });

    const message = await inboxed(alice, sent);
    expect(message).toMatchObject({ chat: bob.jid, from: bob.jid, text: 'hi Alice', mentions: [], quotedId: null });
    expect(Date.parse(message.at)).not.toBeNaN();
  });

  it('decrypts the next 1:1 message on the session the first one opened', async () => {
    const first = await sendFromClient(client, alice.jid, { text: 'first' });
    const second = await sendFromClient(client, alice.jid, { text: 'second' });

    expect((await inboxed(alice, first)).text).toBe('first');
    expect((await inboxed(alice, second)).text).toBe('second');
  });

  it('decrypts a 1:1 message the client addressed to a LID', async () => {
    const sent = await sendFromClient(client, carol.lid, { text: 'hi by LID' });

    expect(await inboxed(carol, sent)).toMatchObject({ from: bob.jid, text: 'hi by LID' });
  });

  it('reports delivery of a 1:1 message once the recipient phone has it', async () => {
    // Baileys reports a receipt as messages.update, or folds it into its own upsert when both land in one batch.
    const statuses = new Map<string, number>();
    const record = (id: string | null | undefined, status: number | null | undefined) => {
      if (id && status) statuses.set(id, Math.max(status, statuses.get(id) ?? 0));
    };
    socketOf(client).ev.on('messages.update', (changes) => {
      for (const { key, update } of changes) record(key.id, update.status);
    });
    socketOf(client).ev.on('messages.upsert', ({ messages }) => {
      for (const message of messages) record(message.key.id, message.status);
    });
    const sent = await sendFromClient(client, alice.jid, { text: 'delivered?' });

    const DELIVERY_ACK = 3;
    await eventually(() => ((statuses.get(sent) ?? 0) >= DELIVERY_ACK ? true : undefined), 'a delivery receipt');
  });

  it('decrypts group messages, mentions included, for every member phone, first and later sends alike', async () => {
    const { jid: group } = await sim.createGroup({
      subject: 'Client group',
      participants: [alice.phoneNumber, bob.phoneNumber, carol.phoneNumber],
      addressingMode: 'lid',
    });
    const first = await sendFromClient(client, group, { text: '@Alice hello', mentions: [alice.lid] });
    const second = await sendFromClient(client, group, { text: 'and again' });

    for (const member of [alice, carol]) {
      expect(await inboxed(member, first)).toMatchObject({
        chat: group,
        from: bob.jid,
        text: '@Alice hello',
        mentions: [alice.lid],
      });
      expect((await inboxed(member, second)).text).toBe('and again');
    }
  });

  it('decrypts a PN-group message the client sent', async () => {
    const { jid: group } = await sim.createGroup({
      subject: 'PN client group',
      participants: [carol.phoneNumber, bob.phoneNumber],
      addressingMode: 'pn',
    });
    const sent = await sendFromClient(client, group, { text: 'pn group hello', mentions: [carol.jid] });

    expect(await inboxed(carol, sent)).toMatchObject({
      chat: group,
      text: 'pn group hello',
      mentions: [carol.jid],
    });
  });

  it('carries a reply in both directions: quotedId in the inbox, contextInfo on the client', async () => {
    const received = new UpsertRecorder(socketOf(client));
    const question = await sim.sendMessage(alice.phoneNumber, { to: bob.phoneNumber, text: 'coffee?' });
    const { message: questionOnClient } = await received.byId(question.id);

    const reply = await sendFromClient(client, alice.jid, { text: 'yes' }, { quoted: questionOnClient });
    expect(await inboxed(alice, reply)).toMatchObject({ text: 'yes', quotedId: question.id });

    const followUp = await sim.sendMessage(alice.phoneNumber, {
      to: bob.phoneNumber,
      text: 'ok',
      quotedId: reply,
    });
    const contextInfo = (await received.byId(followUp.id)).message.message?.extendedTextMessage?.contextInfo;
    expect(contextInfo).toMatchObject({
      stanzaId: reply,
      participant: bob.jid,
      quotedMessage: { conversation: 'yes' },
    });
  });

  it('answers 404 for the inbox of an unknown account', () => {
    expect(() => sim.inbox('5511999999999')).toThrow(expect.objectContaining({ statusCode: 404 }));
  });
});
