// Retry receipts between a real Baileys client and the sim's phones: what a phone sends again, and how.
import type { BinaryNode } from '@whiskeysockets/baileys';
import type { CreatedAccount, SimHandle } from '../../src/index';
import type { TestClient } from '../support/baileys-client';
import { eventually, sendFromClient, socketOf, startSimWithLinkedBob, type UpsertRecorder } from './messaging-support';

describe('retry receipts from a linked Baileys client', () => {
  let sim: SimHandle;
  let client: TestClient;
  let received: UpsertRecorder;
  let stanzas: BinaryNode[];
  let alice: CreatedAccount;
  let bob: CreatedAccount;
  let carol: CreatedAccount;

  /** Every `<enc>` of the message stanzas with this id the client got, in order. */
  function encsOf(id: string): Record<string, string>[][] {
    return stanzas
      .filter((node) => node.attrs.id === id)
      .map((node) =>
        (Array.isArray(node.content) ? node.content : [])
          .filter((child) => child.tag === 'enc')
          .map((enc) => enc.attrs),
      );
  }

  beforeAll(async () => {
    ({ sim, client, received, alice, bob, carol } = await startSimWithLinkedBob({
      alice: '5511900000011',
      bob: '5511900000012',
      carol: '5511900000013',
    }));
    stanzas = [];
    socketOf(client).ws.on('CB:message', (node: BinaryNode) => void stanzas.push(node));
  }, 30_000);

  afterAll(async () => {
    await client?.stop();
    await sim?.stop();
  });

  it('sends a garbled 1:1 message again on the same session, marked with the retry count', async () => {
    const { id } = await sim.sendMessage(alice.phoneNumber, {
      to: bob.phoneNumber,
      text: 'second time lucky',
      corruptFirstCopy: true,
    });

    const read = await received.waitFor(
      ({ message }) => message.key.id === id && message.message?.conversation === 'second time lucky',
      'the copy sent again',
    );
    expect(read.message.key.remoteJid).toBe(alice.jid);
    expect(encsOf(id)).toEqual([
      [expect.objectContaining({ type: 'pkmsg' })],
      [expect.objectContaining({ type: 'pkmsg', count: '1' })],
    ]);
  });

  it('starts a fresh session from the keys a retry receipt carries', async () => {
    await received.byId((await sim.sendMessage(carol.phoneNumber, { to: bob.phoneNumber, text: 'hi Bob' })).id);
    await sendFromClient(client, carol.jid, { text: 'hi Carol' });
    await eventually(() => sim.inbox(carol.phoneNumber).find((message) => message.text === 'hi Carol'), 'the answer');
    // Bob answered on the session, so the phone's next message is a plain msg on it.
    const { id } = await sim.sendMessage(carol.phoneNumber, { to: bob.phoneNumber, text: 'on our session' });
    await received.byId(id);
    expect(encsOf(id)).toEqual([[expect.objectContaining({ type: 'msg' })]]);

    // What Baileys sends when it lost its session with the phone: a retry receipt with its keys and a new pre-key.
    const delivered = stanzas.find((node) => node.attrs.id === id) as BinaryNode;
    await socketOf(client).sendRetryRequest(delivered, true);

    await eventually(() => (encsOf(id).length === 2 ? true : undefined), 'the copy sent again');
    expect(encsOf(id)[1]).toEqual([expect.objectContaining({ type: 'pkmsg', count: '1' })]);
    await eventually(
      () => (received.upserts.filter(({ message }) => message.key.id === id).length === 2 ? true : undefined),
      'the copy sent again, read',
    );
    const next = await sim.sendMessage(carol.phoneNumber, { to: bob.phoneNumber, text: 'on the new one' });
    expect((await received.byId(next.id)).message.message?.conversation).toBe('on the new one');
  });

  it('sends a garbled group message again pairwise, with the phone’s sender key for the next ones', async () => {
    const { jid: group } = await sim.createGroup({
      subject: 'Retries',
      participants: [alice.phoneNumber, bob.phoneNumber, carol.phoneNumber],
      addressingMode: 'pn',
    });
    const { id } = await sim.sendMessage(alice.phoneNumber, { to: group, text: 'garbled', corruptFirstCopy: true });

    const read = await received.waitFor(
      ({ message }) => message.key.id === id && message.message?.conversation === 'garbled',
      'the copy sent again',
    );
    expect(read.message.key).toMatchObject({ remoteJid: group, participant: alice.jid });
    const [first, again] = encsOf(id);
    const pairwise = expect.stringMatching(/^(pkmsg|msg)$/);
    expect(first.map((enc) => enc.type)).toEqual([pairwise, 'skmsg']);
    expect(again).toEqual([{ v: '2', type: pairwise, count: '1' }]);

    const next = await sim.sendMessage(alice.phoneNumber, { to: group, text: 'readable' });
    expect((await received.byId(next.id)).message.message?.conversation).toBe('readable');
    expect(encsOf(next.id)).toEqual([[expect.objectContaining({ type: 'skmsg' })]]);
  });
});
