// Two real Baileys clients, linked to two sim accounts, message each other through the sim's relay.
import { startSim, type CreatedAccount, type SimHandle } from '../../src/index';
import { createLinkedClient, type TestClient } from '../support/baileys-client';
import { eventually, sendFromClient, socketOf, UpsertRecorder } from './messaging-support';

describe('messages between two linked Baileys clients', () => {
  let sim: SimHandle;
  let bobClient: TestClient;
  let carolClient: TestClient;
  let bob: CreatedAccount;
  let carol: CreatedAccount;
  let toCarol: UpsertRecorder;
  let toBob: UpsertRecorder;

  const account = (phoneNumber: string): CreatedAccount => {
    const found = sim.accounts().find((candidate) => candidate.phoneNumber === phoneNumber);
    if (!found) throw new Error(`no account ${phoneNumber}`);
    return found;
  };

  beforeAll(async () => {
    sim = await startSim();
    bobClient = await createLinkedClient(sim, { phoneNumber: '5511900000032', pushName: 'Bob' });
    carolClient = await createLinkedClient(sim, { phoneNumber: '5511900000033', pushName: 'Carol' });
    bob = account('5511900000032');
    carol = account('5511900000033');
    toBob = new UpsertRecorder(socketOf(bobClient));
    toCarol = new UpsertRecorder(socketOf(carolClient));
    await Promise.all([bobClient.waitForPendingNotifications(), carolClient.waitForPendingNotifications()]);
  }, 30_000);

  afterAll(async () => {
    await bobClient?.stop();
    await carolClient?.stop();
    await sim?.stop();
  });

  it('relays a 1:1 message to the other client and its answer back, while the phones get their copies', async () => {
    const question = await sendFromClient(bobClient, carol.jid, { text: 'hi Carol, from my laptop' });

    const received = (await toCarol.byId(question)).message;
    expect(received.key).toMatchObject({ remoteJid: bob.jid, remoteJidAlt: bob.lid, fromMe: false });
    expect(received.message?.extendedTextMessage?.text).toBe('hi Carol, from my laptop');
    expect(received.pushName).toBe('Bob');
    expect(
      await eventually(() => sim.inbox(carol.phoneNumber).find((m) => m.id === question), "Carol's phone copy"),
    ).toMatchObject({ from: bob.jid, text: 'hi Carol, from my laptop' });

    const answer = await sendFromClient(carolClient, bob.jid, { text: 'hi Bob' }, { quoted: received });
    const answered = (await toBob.byId(answer)).message;
    expect(answered.key).toMatchObject({ remoteJid: carol.jid, fromMe: false });
    expect(answered.message?.extendedTextMessage?.contextInfo?.stanzaId).toBe(question);
  });

  it('relays group messages between the clients, sender key distribution included', async () => {
    const { jid: group } = await sim.createGroup({
      subject: 'Both laptops',
      participants: [bob.phoneNumber, carol.phoneNumber],
      addressingMode: 'lid',
    });

    const first = await sendFromClient(bobClient, group, { text: 'hello group', mentions: [carol.lid] });
    const second = await sendFromClient(bobClient, group, { text: 'still me' });

    const firstOnCarol = (await toCarol.byId(first)).message;
    expect(firstOnCarol.key).toMatchObject({ remoteJid: group, participant: bob.lid, participantAlt: bob.jid });
    expect(firstOnCarol.message?.extendedTextMessage?.contextInfo?.mentionedJid).toEqual([carol.lid]);
    expect((await toCarol.byId(second)).message.message?.extendedTextMessage?.text).toBe('still me');
  });
});
