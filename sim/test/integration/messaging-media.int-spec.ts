// Media and the other message kinds, both ways, between a real Baileys client and sim phones: Baileys uploads to and
// downloads from the sim's HTTPS media host, trusting the sim's CA (server/test/support/trust-sim-ca.ts).
import { createHash, randomBytes } from 'node:crypto';
import type { AnyMessageContent, WAMessage } from '@whiskeysockets/baileys';
import { loadWaLibrary } from '../../src/core/wa-library';
import type { CreatedAccount, InboxMessage, SimHandle } from '../../src/index';
import type { TestClient } from '../support/baileys-client';
import { eventually, sendFromClient, startSimWithLinkedBob, type UpsertRecorder } from './messaging-support';

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

describe('media and other message kinds between a linked Baileys client and sim phones', () => {
  let sim: SimHandle;
  let client: TestClient;
  let received: UpsertRecorder;
  let alice: CreatedAccount;
  let bob: CreatedAccount;

  const inboxed = (id: string): Promise<InboxMessage> =>
    eventually(
      () => sim.inbox(alice.phoneNumber).find((message) => message.id === id),
      `message ${id} in Alice's inbox`,
    );

  const receivedByBob = async (id: string): Promise<WAMessage> => (await received.byId(id)).message;

  beforeAll(async () => {
    ({ sim, client, received, alice, bob } = await startSimWithLinkedBob({
      alice: '5511900000031',
      bob: '5511900000032',
      carol: '5511900000033',
    }));
  }, 30_000);

  afterAll(async () => {
    await client?.stop();
    await sim?.stop();
  });

  describe('from the device to a phone', () => {
    const file = randomBytes(150_001);
    const cases: [string, AnyMessageContent, { caption?: string; fileName?: string; ptt?: boolean }][] = [
      ['image', { image: file, mimetype: 'image/jpeg', caption: 'a photo' }, { caption: 'a photo' }],
      ['video', { video: file, mimetype: 'video/mp4', caption: 'a clip' }, { caption: 'a clip' }],
      ['audio', { audio: file, mimetype: 'audio/ogg; codecs=opus', ptt: true }, { ptt: true }],
      [
        'document',
        { document: file, mimetype: 'application/pdf', fileName: 'report.pdf', caption: 'the report' },
        { fileName: 'report.pdf', caption: 'the report' },
      ],
      ['sticker', { sticker: file, mimetype: 'image/webp' }, {}],
    ];

    it.each(cases)(
      'uploads %s to the sim host, and the phone decrypts the exact bytes',
      async (type, content, media) => {
        const id = await sendFromClient(client, alice.jid, content);

        const message = await inboxed(id);
        expect(message.type).toBe(type);
        expect(message.media).toMatchObject({ ...media, size: file.length, sha256: sha256(file) });
        expect(message.text).toBe(media.caption ?? null);
      },
    );

    it('sends a location and a contact the phone reads', async () => {
      const location = await sendFromClient(client, alice.jid, {
        location: { degreesLatitude: -23.55, degreesLongitude: -46.63, name: 'Sé', address: 'São Paulo' },
      });
      const vcard = 'BEGIN:VCARD\nVERSION:3.0\nFN:Dora\nTEL;type=CELL;waid=5511900000099:+5511900000099\nEND:VCARD';
      const contact = await sendFromClient(client, alice.jid, {
        contacts: { contacts: [{ displayName: 'Dora', vcard }] },
      });

      expect((await inboxed(location)).location).toEqual({
        latitude: -23.55,
        longitude: -46.63,
        name: 'Sé',
        address: 'São Paulo',
      });
      expect((await inboxed(contact)).contact).toEqual({ displayName: 'Dora', vcard });
    });

    it('reacts to, edits and revokes messages, each read by the id it refers to', async () => {
      const { id: fromAlice } = await sim.sendMessage(alice.phoneNumber, { to: bob.phoneNumber, text: 'react to me' });
      const original = await receivedByBob(fromAlice);
      const socket = client.socket;
      if (!socket) throw new Error('no socket');

      const reaction = await sendFromClient(client, alice.jid, { react: { text: '❤️', key: original.key } });
      const sent = await socket.sendMessage(alice.jid, { text: 'tpyo' });
      if (!sent) throw new Error('nothing sent');
      // Read now: Baileys reuses the returned message's key for what it sends next.
      const typoId = sent.key.id;
      const edit = await sendFromClient(client, alice.jid, { text: 'typo', edit: { ...sent.key } });
      const revoke = await sendFromClient(client, alice.jid, { delete: { ...sent.key, id: typoId } });

      expect(await inboxed(reaction)).toMatchObject({
        type: 'reaction',
        reaction: { messageId: fromAlice, emoji: '❤️' },
      });
      expect(await inboxed(edit)).toMatchObject({ type: 'edit', edit: { messageId: typoId, text: 'typo' } });
      expect(await inboxed(revoke)).toMatchObject({ type: 'revoke', revoke: { messageId: typoId } });
    });
  });

  describe('from a phone to the device', () => {
    const file = randomBytes(70_000);
    const data = file.toString('base64');

    it.each([
      ['image', { image: { data, mimetype: 'image/jpeg', caption: 'look' } }, 'imageMessage'],
      ['video', { video: { data, mimetype: 'video/mp4', caption: 'watch' } }, 'videoMessage'],
      ['audio', { audio: { data, mimetype: 'audio/ogg; codecs=opus', ptt: true } }, 'audioMessage'],
      ['document', { document: { data, mimetype: 'text/plain', fileName: 'notes.txt' } }, 'documentMessage'],
      ['sticker', { sticker: { data, mimetype: 'image/webp' } }, 'stickerMessage'],
    ] as const)(
      'sends %s that Baileys downloads from the sim host as the exact bytes',
      async (_type, content, field) => {
        const baileys = await loadWaLibrary();
        const { id } = await sim.sendMessage(alice.phoneNumber, { to: bob.phoneNumber, ...content });

        const message = await receivedByBob(id);
        expect(message.message?.[field]).toMatchObject({ fileLength: expect.anything() });
        const downloaded = await baileys.downloadMediaMessage(message, 'buffer', {});
        expect(sha256(downloaded)).toBe(sha256(file));
      },
    );

    it('sends a location, a contact, a reaction, an edit and a revoke as Baileys reads them', async () => {
      const { id: location } = await sim.sendMessage(alice.phoneNumber, {
        to: bob.phoneNumber,
        location: { latitude: 48.8584, longitude: 2.2945, name: 'Tour Eiffel' },
      });
      const { id: contact } = await sim.sendMessage(alice.phoneNumber, {
        to: bob.phoneNumber,
        contact: { displayName: 'Eve', vcard: 'BEGIN:VCARD\nVERSION:3.0\nFN:Eve\nEND:VCARD' },
      });
      const fromBob = await sendFromClient(client, alice.jid, { text: 'like this' });
      await inboxed(fromBob);
      const { id: reaction } = await sim.sendMessage(alice.phoneNumber, {
        to: bob.phoneNumber,
        reaction: { messageId: fromBob, emoji: '👍' },
      });
      const { id: mine } = await sim.sendMessage(alice.phoneNumber, { to: bob.phoneNumber, text: 'helo' });
      const { id: edit } = await sim.sendMessage(alice.phoneNumber, {
        to: bob.phoneNumber,
        edit: { messageId: mine, text: 'hello' },
      });
      const { id: revoke } = await sim.sendMessage(alice.phoneNumber, {
        to: bob.phoneNumber,
        revoke: { messageId: mine },
      });

      expect((await receivedByBob(location)).message?.locationMessage).toMatchObject({
        degreesLatitude: 48.8584,
        degreesLongitude: 2.2945,
        name: 'Tour Eiffel',
      });
      expect((await receivedByBob(contact)).message?.contactMessage).toMatchObject({ displayName: 'Eve' });
      expect((await receivedByBob(reaction)).message?.reactionMessage).toMatchObject({
        text: '👍',
        // Baileys turns the key around to the reader's side: Bob's own message in his chat with Alice.
        key: { id: fromBob, fromMe: true, remoteJid: alice.jid },
      });
      expect((await receivedByBob(edit)).message?.protocolMessage).toMatchObject({
        key: { id: mine, fromMe: true },
        editedMessage: { conversation: 'hello' },
      });
      expect((await receivedByBob(revoke)).message?.protocolMessage).toMatchObject({ key: { id: mine, fromMe: true } });
    });

    it('takes a media body over HTTP beyond the 1 MiB other control routes allow', async () => {
      const big = randomBytes(3 * 1024 * 1024);
      const post = (path: string, body: unknown) =>
        fetch(`${sim.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });

      const sent = await post(`/control/accounts/${alice.phoneNumber}/messages`, {
        to: bob.phoneNumber,
        document: { data: big.toString('base64'), mimetype: 'application/octet-stream', fileName: 'big.bin' },
      });
      expect(sent.status).toBe(201);
      const { id } = (await sent.json()) as { id: string };
      const baileys = await loadWaLibrary();
      expect(sha256(await baileys.downloadMediaMessage(await receivedByBob(id), 'buffer', {}))).toBe(sha256(big));

      const elsewhere = await post('/control/groups', { subject: 'x'.repeat(2 * 1024 * 1024), participants: [] });
      expect(elsewhere.status).toBe(413);
    });

    it("refuses an edit of someone else's message and a request with two kinds of content", async () => {
      const fromBob = await sendFromClient(client, alice.jid, { text: 'mine' });
      await inboxed(fromBob);
      await expect(
        sim.sendMessage(alice.phoneNumber, { to: bob.phoneNumber, edit: { messageId: fromBob, text: 'x' } }),
      ).rejects.toMatchObject({ statusCode: 403 });
      await expect(
        sim.control('POST', `/control/accounts/${alice.phoneNumber}/messages`, {
          to: bob.phoneNumber,
          text: 'x',
          location: { latitude: 0, longitude: 0 },
        }),
      ).rejects.toMatchObject({ statusCode: 400, message: expect.stringContaining('exactly one of') });
    });
  });
});
