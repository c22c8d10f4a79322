import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { CreatedAccount, InboxMessage, SimHandle } from '../../../sim/src/index';
import { BaileysProvider } from '../../src/whatsapp/baileys/baileys.provider';
import { ProfileNameUnknownError } from '../../src/whatsapp/whatsapp.errors';
import { MessageRef, OutgoingContent } from '../../src/whatsapp/whatsapp.provider';
import { ProviderOnSim, startProviderOnSim } from '../support/provider-on-sim';
import { eventually } from '../support/realtime';

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** A file in chunks, as storage hands one over: the provider must read it to its end, not take the first chunk. */
const chunked = (bytes: Buffer): Readable =>
  Readable.from([bytes.subarray(0, bytes.length >> 1), bytes.subarray(bytes.length >> 1)]);

type MediaKind = 'image' | 'video' | 'audio' | 'document' | 'sticker';

interface MediaCase {
  kind: MediaKind;
  size: number;
  mimetype: string;
  content: (stream: Readable) => OutgoingContent;
  /** What the phone shows besides the digest and the size. */
  shown: { fileName: string | null; caption: string | null; ptt: boolean | null };
}

const MEDIA_CASES: MediaCase[] = [
  {
    kind: 'image',
    size: 50_000,
    mimetype: 'image/jpeg',
    content: (stream) => ({ type: 'image', media: { stream, mimetype: 'image/jpeg' }, caption: 'a picture' }),
    shown: { fileName: null, caption: 'a picture', ptt: null },
  },
  {
    kind: 'video',
    size: 400_000,
    mimetype: 'video/mp4',
    content: (stream) => ({ type: 'video', media: { stream, mimetype: 'video/mp4' }, caption: 'a clip' }),
    shown: { fileName: null, caption: 'a clip', ptt: null },
  },
  {
    kind: 'audio',
    size: 20_000,
    mimetype: 'audio/ogg; codecs=opus',
    content: (stream) => ({ type: 'audio', media: { stream, mimetype: 'audio/ogg; codecs=opus' }, ptt: true }),
    shown: { fileName: null, caption: null, ptt: true },
  },
  {
    kind: 'audio',
    size: 30_000,
    mimetype: 'audio/mpeg',
    content: (stream) => ({ type: 'audio', media: { stream, mimetype: 'audio/mpeg' }, ptt: false }),
    shown: { fileName: null, caption: null, ptt: false },
  },
  {
    kind: 'document',
    size: 300_000,
    mimetype: 'application/pdf',
    content: (stream) => ({
      type: 'document',
      media: { stream, mimetype: 'application/pdf', fileName: 'report Q3.pdf' },
      caption: 'the report',
    }),
    shown: { fileName: 'report Q3.pdf', caption: 'the report', ptt: null },
  },
  {
    kind: 'sticker',
    size: 10_000,
    mimetype: 'image/webp',
    content: (stream) => ({ type: 'sticker', media: { stream, mimetype: 'image/webp' } }),
    shown: { fileName: null, caption: null, ptt: null },
  },
];

/**
 * Every kind of message a session sends, through the Baileys provider to simulated phones that decrypt it: what WAGO
 * uploaded is what the phone downloaded (SHA-256 of the decrypted bytes), and each kind arrives with its fields.
 */
describe('Sending every kind of message through the Baileys provider', () => {
  const GATEWAY = '15550610000';
  const ALICE = '15550610001';
  const BOB = '15550610002';
  const GATEWAY_JID = `${GATEWAY}@s.whatsapp.net`;
  const ALICE_JID = `${ALICE}@s.whatsapp.net`;
  let providerOnSim: ProviderOnSim;
  let sim: SimHandle;
  let provider: BaileysProvider;
  let sessionId: string;
  let alice: CreatedAccount;

  /** The one message the phone of `phoneNumber` shows that matches, once it is there. */
  async function arrived(phoneNumber: string, matches: (message: InboxMessage) => boolean): Promise<InboxMessage> {
    let found: InboxMessage[] = [];
    await eventually(() => {
      found = sim.inbox(phoneNumber).filter(matches);
      return found.length > 0;
    }, `a matching message in ${phoneNumber}'s inbox`);
    expect(found).toHaveLength(1);
    return found[0];
  }

  const inboxed = (messageId: string, phoneNumber = ALICE): Promise<InboxMessage> =>
    arrived(phoneNumber, (message) => message.id === messageId);

  async function send(content: OutgoingContent, to = ALICE): Promise<string> {
    const sent = await provider.send(sessionId, { to, content });
    expect(sent.chatJid).toBe(/^\d+$/.test(to) ? `${to}@s.whatsapp.net` : to);
    return sent.messageId;
  }

  const ownMessage = (chatJid: string, messageId: string): MessageRef => ({
    chatJid,
    messageId,
    fromMe: true,
    sender: null,
  });

  beforeAll(async () => {
    providerOnSim = await startProviderOnSim();
    ({ sim, provider } = providerOnSim);
    sim.createAccount({ phoneNumber: GATEWAY, pushName: 'Gateway' });
    alice = sim.createAccount({ phoneNumber: ALICE, pushName: 'Alice' });
    sim.createAccount({ phoneNumber: BOB, pushName: 'Bob' });
    sessionId = await providerOnSim.linkSession(GATEWAY);
  });

  afterAll(async () => {
    await providerOnSim?.stop();
  });

  it.each(MEDIA_CASES.map((mediaCase) => [`${mediaCase.kind} (${mediaCase.mimetype})`, mediaCase] as const))(
    'sends %s from a stream, and the phone decrypts exactly those bytes',
    async (_name, { kind, size, mimetype, content, shown }) => {
      const bytes = randomBytes(size);
      const stream = chunked(bytes);
      const id = await send(content(stream));
      expect(await inboxed(id)).toEqual({
        id,
        // A phone shows a direct chat under the other party.
        chat: GATEWAY_JID,
        from: GATEWAY_JID,
        type: kind,
        text: shown.caption,
        mentions: [],
        quotedId: null,
        media: { mimetype, size, sha256: sha256(bytes), ...shown },
        at: expect.any(String),
      });
      // Read to its end by the encryption, then closed: nothing of the file is left open.
      expect(stream.destroyed).toBe(true);
    },
  );

  it('sends a location and a contact that arrive with their fields', async () => {
    const locationId = await send({
      type: 'location',
      latitude: 52.520008,
      longitude: 13.404954,
      name: 'Berlin',
      address: 'Pariser Platz',
    });
    const vcard = 'BEGIN:VCARD\nVERSION:3.0\nFN:Bob\nTEL;type=CELL;waid=15550610002:+15550610002\nEND:VCARD';
    const contactId = await send({ type: 'contact', displayName: 'Bob', vcard });
    expect(await inboxed(locationId)).toMatchObject({
      type: 'location',
      from: GATEWAY_JID,
      location: { latitude: 52.520008, longitude: 13.404954, name: 'Berlin', address: 'Pariser Platz' },
    });
    expect(await inboxed(contactId)).toMatchObject({
      type: 'contact',
      from: GATEWAY_JID,
      contact: { displayName: 'Bob', vcard },
    });
  });

  it('reacts to a message and takes the reaction back with an empty emoji', async () => {
    const textId = await send({ type: 'text', text: 'lunch at noon?' });
    await inboxed(textId);
    const target = ownMessage(ALICE_JID, textId);
    const reactionId = await send({ type: 'reaction', emoji: '👍', target });
    expect(await inboxed(reactionId)).toMatchObject({
      type: 'reaction',
      chat: GATEWAY_JID,
      from: GATEWAY_JID,
      reaction: { messageId: textId, emoji: '👍' },
    });
    const removalId = await send({ type: 'reaction', emoji: '', target });
    expect(await inboxed(removalId)).toMatchObject({ type: 'reaction', reaction: { messageId: textId, emoji: '' } });
  });

  it('edits a sent text and then deletes it for everyone', async () => {
    const textId = await send({ type: 'text', text: 'meet at 5' });
    await inboxed(textId);
    const ref = ownMessage(ALICE_JID, textId);
    await provider.edit(sessionId, ref, 'meet at 6');
    expect(await arrived(ALICE, (message) => message.edit?.messageId === textId)).toMatchObject({
      type: 'edit',
      from: GATEWAY_JID,
      edit: { messageId: textId, text: 'meet at 6' },
    });
    await provider.deleteForEveryone(sessionId, ref);
    expect(await arrived(ALICE, (message) => message.revoke?.messageId === textId)).toMatchObject({
      type: 'revoke',
      from: GATEWAY_JID,
      revoke: { messageId: textId },
    });
  });

  it('marks exactly the given incoming messages read', async () => {
    const incoming = async (text: string): Promise<string> => (await sim.sendMessage(ALICE, { to: GATEWAY, text })).id;
    const [first, second, unread] = [await incoming('one'), await incoming('two'), await incoming('three')];
    // The gateway's device confirms delivery of each on its own; only reading is up to WAGO.
    await eventually(
      () => sim.receipts(GATEWAY).filter((receipt) => receipt.messageId === unread).length > 0,
      'the delivery receipt of the last message',
    );
    const incomingRef = (messageId: string): MessageRef => ({
      chatJid: ALICE_JID,
      messageId,
      fromMe: false,
      sender: null,
    });
    await provider.markRead(sessionId, [incomingRef(first), incomingRef(second)]);
    const reads = () => sim.receipts(GATEWAY).filter((receipt) => receipt.type === 'read');
    await eventually(() => reads().length >= 2, 'read receipts');
    expect(reads().map(({ messageId, chat }) => ({ messageId, chat }))).toEqual(
      expect.arrayContaining([
        { messageId: first, chat: ALICE_JID },
        { messageId: second, chat: ALICE_JID },
      ]),
    );
    expect(reads().map((receipt) => receipt.messageId)).not.toContain(unread);
  });

  it('refuses online presence until the device knows its profile name, then sends presence and chat states', async () => {
    await expect(provider.sendPresence(sessionId, 'available')).rejects.toBeInstanceOf(ProfileNameUnknownError);
    // The device learns the name from what its phone sends (as from WhatsApp's first sync), and announces it.
    await sim.sendMessage(GATEWAY, { to: ALICE, text: 'sent from the phone' });
    await eventually(() => sim.presence(GATEWAY).length > 0, 'the presence Baileys sends when it learns the name');
    const before = sim.presence(GATEWAY).length;
    await provider.sendPresence(sessionId, 'available');
    await provider.sendPresence(sessionId, 'composing', ALICE_JID);
    await provider.sendPresence(sessionId, 'recording', ALICE_JID);
    await provider.sendPresence(sessionId, 'paused', ALICE_JID);
    await provider.sendPresence(sessionId, 'unavailable');
    const sent = () => sim.presence(GATEWAY).slice(before);
    await eventually(() => sent().length >= 5, 'five presence reports');
    expect(sent().map(({ state, chat }) => ({ state, chat }))).toEqual([
      { state: 'available', chat: null },
      { state: 'composing', chat: ALICE_JID },
      { state: 'recording', chat: ALICE_JID },
      { state: 'paused', chat: ALICE_JID },
      { state: 'unavailable', chat: null },
    ]);
  });

  it('sends an image to a group that every member decrypts, then reacts in the group to a member’s message', async () => {
    const group = await sim.createGroup({ subject: 'Media', participants: [ALICE, GATEWAY, BOB] });
    const bytes = randomBytes(80_000);
    const imageId = await send(
      { type: 'image', media: { stream: chunked(bytes), mimetype: 'image/png' }, caption: 'for all' },
      group.jid,
    );
    for (const member of [ALICE, BOB]) {
      expect(await inboxed(imageId, member)).toMatchObject({
        type: 'image',
        chat: group.jid,
        from: GATEWAY_JID,
        text: 'for all',
        media: { mimetype: 'image/png', size: bytes.length, sha256: sha256(bytes), caption: 'for all' },
      });
    }
    const aliceSaid = (await sim.sendMessage(ALICE, { to: group.jid, text: 'nice' })).id;
    const reactionId = await send(
      {
        type: 'reaction',
        emoji: '❤️',
        target: { chatJid: group.jid, messageId: aliceSaid, fromMe: false, sender: alice.lid },
      },
      group.jid,
    );
    for (const member of [ALICE, BOB]) {
      expect(await inboxed(reactionId, member)).toMatchObject({
        type: 'reaction',
        chat: group.jid,
        reaction: { messageId: aliceSaid, emoji: '❤️' },
      });
    }
  });
});
