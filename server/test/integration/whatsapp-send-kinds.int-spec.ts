import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { SimHandle } from '../../../sim/src/index';
import { BaileysProvider } from '../../src/whatsapp/baileys/baileys.provider';
import { OutgoingContent } from '../../src/whatsapp/whatsapp.provider';
import { ProviderOnSim, startProviderOnSim } from '../support/provider-on-sim';
import { eventually } from '../support/realtime';

interface Inboxed {
  id: string;
  chat: string;
  from: string;
  text: string | null;
}

/**
 * Every kind of message a session sends, through the Baileys provider to a simulated phone. The sim's inbox does not
 * show kinds or media digests yet (h/sim-media): these check that WhatsApp took each one and the phone got it.
 */
describe('Sending every kind of message through the Baileys provider', () => {
  const GATEWAY = '15550610000';
  const ALICE = '15550610001';
  let providerOnSim: ProviderOnSim;
  let sim: SimHandle;
  let provider: BaileysProvider;
  let sessionId: string;

  function inboxed(messageId: string): Promise<Inboxed> {
    let found: Inboxed | undefined;
    return eventually(() => {
      found = (sim.inbox(ALICE) as Inboxed[]).find((message) => message.id === messageId);
      return found !== undefined;
    }, `inbox ${messageId}`).then(() => found as Inboxed);
  }

  async function send(content: OutgoingContent): Promise<string> {
    const sent = await provider.send(sessionId, { to: ALICE, content });
    expect(sent.chatJid).toBe(`${ALICE}@s.whatsapp.net`);
    return sent.messageId;
  }

  beforeAll(async () => {
    providerOnSim = await startProviderOnSim();
    ({ sim, provider } = providerOnSim);
    sim.createAccount({ phoneNumber: GATEWAY, pushName: 'Gateway' });
    sim.createAccount({ phoneNumber: ALICE, pushName: 'Alice' });
    sessionId = await providerOnSim.linkSession(GATEWAY);
  });

  afterAll(async () => {
    await providerOnSim?.stop();
  });

  it('uploads a document from a stream, encrypted to the sim’s HTTPS media host, and the phone gets it', async () => {
    const bytes = randomBytes(300_000);
    const stream = Readable.from([bytes.subarray(0, 100_000), bytes.subarray(100_000)]);
    const id = await send({
      type: 'document',
      media: { stream, mimetype: 'application/pdf', fileName: 'report.pdf' },
      caption: 'the report',
    });
    expect(await inboxed(id)).toMatchObject({ from: `${GATEWAY}@s.whatsapp.net` });
    // Read to its end by the encryption, then closed: nothing of the file is left open.
    expect(stream.destroyed).toBe(true);
  });

  it('sends an image and a voice note from streams', async () => {
    const image = randomBytes(50_000);
    const imageId = await send({
      type: 'image',
      media: { stream: Readable.from([image]), mimetype: 'image/jpeg' },
      caption: 'a picture',
    });
    const audio = randomBytes(20_000);
    const audioId = await send({
      type: 'audio',
      media: { stream: Readable.from([audio]), mimetype: 'audio/ogg; codecs=opus' },
      ptt: true,
    });
    const arrived = await Promise.all([inboxed(imageId), inboxed(audioId)]);
    expect(arrived.map((message) => message.id)).toEqual([imageId, audioId]);
  });

  it('sends a location, a contact, a reaction, an edit and a delete for everyone that the phone receives', async () => {
    const textId = await send({ type: 'text', text: 'lunch at noon?' });
    await inboxed(textId);
    const locationId = await send({ type: 'location', latitude: 52.520008, longitude: 13.404954, name: 'Berlin' });
    const contactId = await send({
      type: 'contact',
      displayName: 'Bob',
      vcard: 'BEGIN:VCARD\nVERSION:3.0\nFN:Bob\nTEL;type=CELL;waid=15550610002:+15550610002\nEND:VCARD',
    });
    const reactionId = await send({
      type: 'reaction',
      emoji: '👍',
      target: { chatJid: `${ALICE}@s.whatsapp.net`, messageId: textId, fromMe: true, sender: null },
    });
    const ref = { chatJid: `${ALICE}@s.whatsapp.net`, messageId: textId, fromMe: true, sender: null };
    await provider.edit(sessionId, ref, 'lunch at one?');
    await provider.deleteForEveryone(sessionId, ref);
    const arrived = await Promise.all([locationId, contactId, reactionId].map(inboxed));
    expect(arrived.map((message) => message.from)).toEqual(Array(3).fill(`${GATEWAY}@s.whatsapp.net`));
  });

  it('sends read receipts and presence without WhatsApp refusing them', async () => {
    const answer = await sim.control('POST', `/control/accounts/${ALICE}/messages`, { to: GATEWAY, text: 'read me' });
    const incomingId = (answer.body as { id: string }).id;
    await provider.markRead(sessionId, [
      { chatJid: `${ALICE}@s.whatsapp.net`, messageId: incomingId, fromMe: false, sender: null },
    ]);
    await provider.sendPresence(sessionId, 'available');
    await provider.sendPresence(sessionId, 'composing', `${ALICE}@s.whatsapp.net`);
  });
});
