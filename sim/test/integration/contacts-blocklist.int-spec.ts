// Contact checks a linked Baileys client makes: blocking and unblocking, "is this number on WhatsApp" with its LID,
// and profile pictures.
import { loadWaLibrary } from '../../src/core/wa-library';
import type { CreatedAccount, SimHandle } from '../../src/index';
import type { TestClient } from '../support/baileys-client';
import { EventRecorder } from './event-recorder';
import { socketOf, startSimWithLinkedBob, type UpsertRecorder } from './messaging-support';

describe('contacts: blocklist, registered numbers and profile pictures', () => {
  let sim: SimHandle;
  let client: TestClient;
  let received: UpsertRecorder;
  let alice: CreatedAccount;
  let bob: CreatedAccount;
  let carol: CreatedAccount;

  beforeAll(async () => {
    ({ sim, client, received, alice, bob, carol } = await startSimWithLinkedBob({
      alice: '5511900000061',
      bob: '5511900000062',
      carol: '5511900000063',
    }));
  }, 30_000);

  afterAll(async () => {
    await client?.stop();
    await sim?.stop();
  });

  it('blocks and unblocks by LID, announcing each change to the device and listing it in fetchBlocklist', async () => {
    const socket = socketOf(client);
    const updates = new EventRecorder(socket, 'blocklist.update');

    await socket.updateBlockStatus(alice.jid, 'block');
    await updates.waitFor((update) => update.type === 'add', 'the block announced');
    expect(updates.events).toEqual([{ blocklist: [alice.lid], type: 'add' }]);
    expect(await socket.fetchBlocklist()).toEqual([alice.lid]);
    expect((await sim.control('GET', `/control/accounts/${bob.phoneNumber}/blocklist`)).body).toEqual([
      { phoneNumber: alice.phoneNumber, jid: alice.jid, lid: alice.lid },
    ]);

    await socket.updateBlockStatus(alice.jid, 'unblock');
    await updates.waitFor((update) => update.type === 'remove', 'the unblock announced');
    expect(updates.events[1]).toEqual({ blocklist: [alice.lid], type: 'remove' });
    expect(await socket.fetchBlocklist()).toEqual([]);
    expect((await sim.control('GET', `/control/accounts/${bob.phoneNumber}/blocklist`)).body).toEqual([]);
  });

  it('announces a block made on the phone to the linked device, and refuses an account blocking itself', async () => {
    const socket = socketOf(client);
    const updates = new EventRecorder(socket, 'blocklist.update');
    const path = `/control/accounts/${bob.phoneNumber}/blocklist`;
    expect((await sim.control('PUT', `${path}/${carol.phoneNumber}`)).status).toBe(204);
    await updates.waitFor((update) => update.type === 'add', 'the block announced');
    expect(updates.events).toEqual([{ blocklist: [carol.lid], type: 'add' }]);
    expect((await sim.control('DELETE', `${path}/${carol.phoneNumber}`)).status).toBe(204);
    await updates.waitFor((update) => update.type === 'remove', 'the unblock announced');
    await expect(sim.control('PUT', `${path}/${bob.phoneNumber}`)).rejects.toMatchObject({ statusCode: 400 });
    expect((await sim.control('GET', path)).body).toEqual([]);
  });

  it('drops what a blocked account sends, and delivers again once it is unblocked', async () => {
    const socket = socketOf(client);
    await socket.updateBlockStatus(carol.jid, 'block');
    const blocked = await sim.sendMessage(carol.phoneNumber, { to: bob.phoneNumber, text: 'can you hear me?' });
    // Alice's message is encrypted after Carol's: once it arrived, Carol's would have too.
    const marker = await sim.sendMessage(alice.phoneNumber, { to: bob.phoneNumber, text: 'after' });
    await received.byId(marker.id);
    expect(received.upserts.some((upsert) => upsert.message.key.id === blocked.id)).toBe(false);

    await socket.updateBlockStatus(carol.jid, 'unblock');
    const again = await sim.sendMessage(carol.phoneNumber, { to: bob.phoneNumber, text: 'and now?' });
    expect((await received.byId(again.id)).message.message?.conversation).toBe('and now?');
  });

  it('answers onWhatsApp for a registered number, with its LID over usync, and leaves out an unknown one', async () => {
    const socket = socketOf(client);
    const { USyncQuery, USyncUser } = await loadWaLibrary();

    expect(await socket.onWhatsApp(alice.phoneNumber, '5511900000069')).toEqual([{ jid: alice.jid, exists: true }]);
    const query = new USyncQuery().withContactProtocol().withLIDProtocol();
    query.withUser(new USyncUser().withPhone(`+${carol.phoneNumber}`));
    query.withUser(new USyncUser().withPhone('+5511900000069'));
    const result = await socket.executeUSyncQuery(query);
    expect(result?.list).toEqual([
      { id: carol.jid, contact: true, lid: carol.lid },
      { id: '5511900000069@s.whatsapp.net', contact: false },
    ]);
    expect(await socket.signalRepository.lidMapping.getLIDForPN(alice.jid)).toBe(alice.lid);
  });

  it('lists the number checks the account’s devices made, one per usync contact query', async () => {
    const before = (await sim.control('GET', `/control/accounts/${bob.phoneNumber}/number-checks`)).body as unknown[];
    await socketOf(client).onWhatsApp(alice.phoneNumber, '+5511900000068');
    const after = await sim.control('GET', `/control/accounts/${bob.phoneNumber}/number-checks`);
    expect(after.status).toBe(200);
    expect((after.body as unknown[]).slice(before.length)).toEqual([
      { phoneNumbers: [alice.phoneNumber, '5511900000068'], at: expect.any(String) },
    ]);
  });

  it('answers profilePictureUrl with the picture set through the control API, and 404 without one', async () => {
    const socket = socketOf(client);
    await expect(socket.profilePictureUrl(alice.jid, 'image')).rejects.toMatchObject({ data: 404 });

    const picture = Buffer.from('not really a JPEG, but bytes all the same');
    const set = await sim.control('PUT', `/control/accounts/${alice.phoneNumber}/picture`, {
      data: picture.toString('base64'),
    });
    expect(set).toEqual({ status: 200, body: { id: expect.stringMatching(/^\d+$/), url: expect.any(String) } });

    const url = await socket.profilePictureUrl(alice.jid, 'image');
    expect(url).toBe((set.body as { url: string }).url);
    expect(await socket.profilePictureUrl(alice.lid)).toBe(url);
    const download = await fetch(url ?? '');
    expect(download.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await download.arrayBuffer()).equals(picture)).toBe(true);

    await sim.control('DELETE', `/control/accounts/${alice.phoneNumber}/picture`);
    await expect(socket.profilePictureUrl(alice.jid)).rejects.toMatchObject({ data: 404 });
  });
});
