// Sim accounts (simulated phones) message a real Baileys client: 1:1 and group, by PN and by LID.
import type { GroupMetadata } from '@whiskeysockets/baileys';
import type { CreatedAccount, SimHandle } from '../../src/index';
import { loadWaLibrary } from '../../src/core/wa-library';
import type { TestClient } from '../support/baileys-client';
import { eventually, socketOf, startSimWithLinkedBob, UpsertRecorder } from './messaging-support';

describe('messages from sim accounts to a linked Baileys client', () => {
  let sim: SimHandle;
  let client: TestClient;
  let received: UpsertRecorder;
  let alice: CreatedAccount;
  let bob: CreatedAccount;
  let carol: CreatedAccount;

  beforeAll(async () => {
    ({ sim, client, received, alice, bob, carol } = await startSimWithLinkedBob({
      alice: '5511900000001',
      bob: '5511900000002',
      carol: '5511900000003',
    }));
  }, 30_000);

  afterAll(async () => {
    await client?.stop();
    await sim?.stop();
  });

  it('delivers a 1:1 message from a PN sender with its LID as remoteJidAlt and its push name', async () => {
    const { id } = await sim.sendMessage(alice.phoneNumber, { to: bob.phoneNumber, text: 'hello from a phone' });

    const { message, type } = await received.byId(id);
    expect(type).toBe('notify');
    expect(message.key).toMatchObject({ remoteJid: alice.jid, remoteJidAlt: alice.lid, fromMe: false });
    expect(message.message?.conversation).toBe('hello from a phone');
    expect(message.pushName).toBe('Alice');
  });

  it('delivers a 1:1 message from a LID-only sender whose PN the client can resolve', async () => {
    const { id } = await sim.sendMessage(carol.phoneNumber, {
      to: bob.jid,
      text: 'hello from a LID',
      senderAddressing: 'lid',
    });

    const { message } = await received.byId(id);
    expect(message.key).toMatchObject({ remoteJid: carol.lid, remoteJidAlt: carol.jid, addressingMode: 'lid' });
    expect(message.message?.conversation).toBe('hello from a LID');
    const { jidNormalizedUser } = await loadWaLibrary();
    const pn = await socketOf(client).signalRepository.lidMapping.getPNForLID(carol.lid);
    expect(pn && jidNormalizedUser(pn)).toBe(carol.jid);
  });

  it('keeps one session per sender: the next 1:1 message decrypts on the same ratchet', async () => {
    const first = await sim.sendMessage(alice.phoneNumber, { to: bob.phoneNumber, text: 'one' });
    const second = await sim.sendMessage(alice.phoneNumber, { to: bob.phoneNumber, text: 'two' });

    expect((await received.byId(first.id)).message.message?.conversation).toBe('one');
    expect((await received.byId(second.id)).message.message?.conversation).toBe('two');
  });

  it('delivers LID-group messages by LID participant, mentioning by LID or by PN as asked', async () => {
    const { jid: group } = await sim.createGroup({
      subject: 'LID group',
      participants: [alice.phoneNumber, bob.phoneNumber, carol.phoneNumber],
      addressingMode: 'lid',
    });
    const byLid = await sim.sendMessage(alice.phoneNumber, {
      to: group,
      text: '@bob look',
      mentions: [bob.phoneNumber],
      mentionBy: 'lid',
    });
    const byPn = await sim.sendMessage(alice.phoneNumber, {
      to: group,
      text: '@bob again',
      mentions: [bob.phoneNumber],
      mentionBy: 'pn',
    });

    const first = (await received.byId(byLid.id)).message;
    expect(first.key).toMatchObject({
      remoteJid: group,
      participant: alice.lid,
      participantAlt: alice.jid,
      addressingMode: 'lid',
    });
    expect(first.message?.extendedTextMessage?.text).toBe('@bob look');
    expect(first.message?.extendedTextMessage?.contextInfo?.mentionedJid).toEqual([bob.lid]);
    const second = (await received.byId(byPn.id)).message;
    expect(second.message?.extendedTextMessage?.contextInfo?.mentionedJid).toEqual([bob.jid]);
  });

  it('delivers PN-group messages by PN participant with the LID as participantAlt', async () => {
    const { jid: group } = await sim.createGroup({
      subject: 'PN group',
      participants: [carol.phoneNumber, bob.phoneNumber],
      addressingMode: 'pn',
    });
    const { id } = await sim.sendMessage(carol.phoneNumber, {
      to: group,
      text: 'hi @bob',
      mentions: [bob.phoneNumber],
    });

    const { message } = await received.byId(id);
    expect(message.key).toMatchObject({ remoteJid: group, participant: carol.jid, participantAlt: carol.lid });
    expect(message.key.addressingMode).toBe('pn');
    expect(message.message?.extendedTextMessage?.contextInfo?.mentionedJid).toEqual([bob.jid]);
  });

  it("announces a new group to the members' devices and lists it among the groups they participate in", async () => {
    const announced: GroupMetadata[] = [];
    socketOf(client).ev.on('groups.upsert', (groups) => announced.push(...groups));

    const { jid } = await sim.createGroup({
      subject: 'Announced',
      participants: [alice.phoneNumber, bob.phoneNumber],
      addressingMode: 'lid',
    });

    const upsert = await eventually(() => announced.find((group) => group.id === jid), 'groups.upsert');
    expect(upsert).toMatchObject({ subject: 'Announced', addressingMode: 'lid', owner: alice.lid, ownerPn: alice.jid });
    const participating = await socketOf(client).groupFetchAllParticipating();
    expect(participating[jid]).toMatchObject({ subject: 'Announced', size: 2 });
  });

  it('answers group metadata in the group addressing mode, with the other id of every member', async () => {
    const { jid: lidGroup } = await sim.createGroup({
      subject: 'Metadata',
      participants: [alice.phoneNumber, bob.phoneNumber],
      addressingMode: 'lid',
    });

    const metadata = await socketOf(client).groupMetadata(lidGroup);
    expect(metadata).toMatchObject({ id: lidGroup, subject: 'Metadata', addressingMode: 'lid', owner: alice.lid });
    expect(metadata.participants).toEqual([
      expect.objectContaining({ id: alice.lid, phoneNumber: alice.jid, admin: 'superadmin' }),
      expect.objectContaining({ id: bob.lid, phoneNumber: bob.jid, admin: null }),
    ]);
  });

  it('quotes an earlier message in a reply with stanzaId, participant and the quoted text', async () => {
    const question = await sim.sendMessage(alice.phoneNumber, { to: bob.phoneNumber, text: 'lunch?' });
    const answer = await sim.sendMessage(alice.phoneNumber, {
      to: bob.phoneNumber,
      text: 'at noon',
      quotedId: question.id,
    });

    const contextInfo = (await received.byId(answer.id)).message.message?.extendedTextMessage?.contextInfo;
    expect(contextInfo).toMatchObject({
      stanzaId: question.id,
      participant: alice.jid,
      quotedMessage: { conversation: 'lunch?' },
    });
  });

  it("shows what the account's own phone sent as fromMe on its linked device", async () => {
    const { id } = await sim.sendMessage(bob.phoneNumber, { to: alice.phoneNumber, text: 'typed on my phone' });

    const { message } = await received.byId(id);
    expect(message.key).toMatchObject({ remoteJid: alice.jid, remoteJidAlt: alice.lid, fromMe: true });
    expect(message.message?.conversation).toBe('typed on my phone');
  });

  it('queues messages while the client is away and delivers them as append before the offline marker', async () => {
    await socketOf(client).end(undefined);
    await eventually(() => (sim.devices(bob.phoneNumber)[0].online ? undefined : true), 'the device to go away');
    const { jid: group } = await sim.createGroup({
      subject: 'While away',
      participants: [alice.phoneNumber, bob.phoneNumber],
      addressingMode: 'lid',
    });
    const direct = await sim.sendMessage(alice.phoneNumber, { to: bob.phoneNumber, text: 'missed me?' });
    const inGroup = await sim.sendMessage(alice.phoneNumber, { to: group, text: 'group while away' });

    const socket = await client.connect();
    const afterReconnect = new UpsertRecorder(socket);
    await client.waitForPendingNotifications();

    const directUpsert = await afterReconnect.byId(direct.id);
    const groupUpsert = await afterReconnect.byId(inGroup.id);
    expect(directUpsert.type).toBe('append');
    expect(directUpsert.message.message?.conversation).toBe('missed me?');
    expect(groupUpsert.type).toBe('append');
    expect(groupUpsert.message.message?.conversation).toBe('group while away');
  });

  it('rejects a message from an unknown account or to an unknown group with a 404', async () => {
    await expect(sim.sendMessage('5511999999999', { to: bob.phoneNumber, text: 'x' })).rejects.toMatchObject({
      statusCode: 404,
    });
    await expect(
      sim.sendMessage(alice.phoneNumber, { to: '120363999999999999@g.us', text: 'x' }),
    ).rejects.toMatchObject({ statusCode: 404 });
  });
});
