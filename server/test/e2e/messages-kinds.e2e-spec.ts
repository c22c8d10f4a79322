import { randomBytes } from 'node:crypto';
import { ensureSimCa } from '../../../sim/src/media';
import { pairSession, PairedSession, poll } from '../support/paired-session';
import { startWagoWithSim, WagoWithSim } from '../support/wago-with-sim';

jest.setTimeout(120_000);

interface Detail {
  id: string;
  type: string;
  status: string;
  text: string;
  media: { id: string; mimetype: string; fileName: string | null; ptt: boolean } | null;
  location: { latitude: number; longitude: number; name: string | null; address: string | null } | null;
  reaction: { messageId: string; emoji: string } | null;
  editedAt: string | null;
  deletedAt: string | null;
}

const ERIN = { phoneNumber: '15550311001', pushName: 'Erin' };

/** Every kind of message over HTTP, then edits, deletes, read receipts and presence, against the simulator. */
describe('sending every kind of message through the API', () => {
  let wago: WagoWithSim;
  let token: string;
  let bot: PairedSession;

  const call = <T = Detail>(method: string, path: string, body?: unknown) =>
    wago.api.call<T>(method, `/sessions/${bot.id}${path}`, { token, body });

  const arrived = (messageId: string) =>
    poll(
      async () => wago.sim.inbox(ERIN.phoneNumber).find((message) => message.id === messageId),
      Boolean,
      `message ${messageId} in the recipient’s inbox`,
    );

  beforeAll(async () => {
    wago = await startWagoWithSim({
      env: {
        MESSAGE_MIN_INTERVAL_MS: '0',
        MESSAGE_JITTER_MS: '0',
        // The server uploads media to the sim's HTTPS host: it trusts the sim's CA as a deployment would its own.
        NODE_EXTRA_CA_CERTS: ensureSimCa().caPath,
      },
    });
    token = wago.admin.accessToken;
    bot = await pairSession(wago.api, token, wago.sim, { name: 'kinds', phoneNumber: '15550311000', pushName: 'Bot' });
    wago.sim.createAccount(ERIN);
  });

  afterAll(async () => {
    await wago?.stop();
  });

  it('sends a document given as base64, keeps it as a media file, and it arrives', async () => {
    const bytes = randomBytes(200_000);
    const answer = await call('POST', '/messages', {
      to: ERIN.phoneNumber,
      document: { data: bytes.toString('base64'), mimetype: 'application/pdf', fileName: 'a.pdf', caption: 'here' },
    });
    expect(answer.status).toBe(201);
    expect(answer.body.type).toBe('document');
    await arrived(answer.body.id);
    const detail = await call('GET', `/messages/${answer.body.id}`);
    expect(detail.body).toMatchObject({
      type: 'document',
      text: 'here',
      media: { mimetype: 'application/pdf', fileName: 'a.pdf', ptt: false },
    });
  });

  it('sends a location and a reaction to it, answering their types', async () => {
    const location = await call('POST', '/messages', {
      to: ERIN.phoneNumber,
      location: { latitude: 48.8584, longitude: 2.2945, name: 'Tour Eiffel' },
    });
    expect(location.status).toBe(201);
    expect(location.body.type).toBe('location');
    const reaction = await call('POST', '/messages', {
      to: ERIN.phoneNumber,
      reaction: { messageId: location.body.id, emoji: '🗼' },
    });
    expect(reaction.status).toBe(201);
    await Promise.all([arrived(location.body.id), arrived(reaction.body.id)]);
    expect((await call('GET', `/messages/${reaction.body.id}`)).body.reaction).toEqual({
      messageId: location.body.id,
      emoji: '🗼',
    });
  });

  it('refuses two kinds at once and a location off the globe with 400', async () => {
    const both = await call<{ message: string }>('POST', '/messages', {
      to: ERIN.phoneNumber,
      text: 'hi',
      contact: { displayName: 'A', vcard: 'BEGIN:VCARD\nEND:VCARD' },
    });
    expect(both.status).toBe(400);
    expect(both.body.message).toContain('exactly one of text, image, video, audio, document, sticker');
    const off = await call('POST', '/messages', { to: ERIN.phoneNumber, location: { latitude: 91, longitude: 0 } });
    expect(off.status).toBe(400);
  });

  it('edits a sent text, deletes it for everyone, and refuses to edit it afterwards', async () => {
    const sent = await call('POST', '/messages', { to: ERIN.phoneNumber, text: 'see you at 5' });
    expect(sent.status).toBe(201);
    const edited = await call('PATCH', `/messages/${sent.body.id}`, { text: 'see you at 6' });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ text: 'see you at 6', editedAt: expect.any(String) });
    const deleted = await call('DELETE', `/messages/${sent.body.id}`);
    expect(deleted.status).toBe(202);
    expect(deleted.body.deletedAt).toEqual(expect.any(String));
    expect((await call('PATCH', `/messages/${sent.body.id}`, { text: 'again' })).status).toBe(409);
    expect((await call('GET', `/messages/${sent.body.id}`)).body).toMatchObject({ text: 'see you at 6' });
  });

  it('marks a chat read and sends presence with 204; typing without a chat is a 400', async () => {
    await wago.sim.control('POST', `/control/accounts/${ERIN.phoneNumber}/messages`, {
      to: bot.phoneNumber,
      text: 'are you there?',
    });
    expect((await call('POST', `/chats/${ERIN.phoneNumber}/read`, {})).status).toBe(204);
    expect((await call('POST', '/presence', { state: 'composing', chat: ERIN.phoneNumber })).status).toBe(204);
    // Online presence needs the profile name, which the device learns from what its phone sends.
    expect((await call('POST', '/presence', { state: 'available' })).status).toBe(409);
    await wago.sim.sendMessage(bot.phoneNumber, { to: ERIN.phoneNumber, text: 'typed on the phone' });
    await poll(
      async () => (await call('POST', '/presence', { state: 'available' })).status,
      (status) => status === 204,
      'online presence to be taken',
    );
    expect((await call('POST', '/presence', { state: 'recording' })).status).toBe(400);
  });
});
