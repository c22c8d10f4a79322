// Every kind of message a phone sends, through the real server to a webhook receiver: its type and fields, and the
// file behind `media.url` byte for byte, under each MEDIA_STORAGE and MEDIA_DOWNLOAD.
import { createHash, randomBytes } from 'node:crypto';
import type { SendMessageRequest } from '../../../sim/src/index';
import { ensureSimCa } from '../../../sim/src/media';
import { pairSession, poll } from '../support/paired-session';
import { startWagoWithSim } from '../support/wago-with-sim';
import { startWebhookReceiver } from '../support/webhook-receiver';

jest.setTimeout(120_000);

interface Media {
  id: string;
  mimetype: string;
  fileName: string | null;
  size: number | null;
  sha256: string | null;
  caption: string | null;
  ptt: boolean;
  url: string | null;
  urlExpiresAt: string | null;
  unavailableReason: string | null;
}

interface Received {
  id: string;
  chat: { jid: string; type: string };
  type: string;
  unsupported: string | null;
  text: string | null;
  media: Media | null;
  location: { latitude: number; longitude: number; name: string | null; address: string | null } | null;
  contact: { displayName: string | null; vcard: string | null } | null;
}

const ANA = { phoneNumber: '15550401001', pushName: 'Ana' };
/** What a phone sends, but for its recipient. */
type Content<Request = SendMessageRequest> = Request extends unknown ? Omit<Request, 'to'> : never;

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/** A server with a paired session, a webhook receiving all of it, and a phone (Ana) to write to it. */
async function startReceiving(phoneNumber: string, env: Record<string, string> = {}) {
  const wago = await startWagoWithSim({
    // The server downloads media from the sim's HTTPS host: it trusts the sim's CA as a deployment would its own.
    env: { NODE_EXTRA_CA_CERTS: ensureSimCa().caPath, ...env },
  });
  const token = wago.admin.accessToken;
  const receiver = await startWebhookReceiver();
  const bot = await pairSession(wago.api, token, wago.sim, { name: 'inbox', phoneNumber, pushName: 'Bot' });
  wago.sim.createAccount(ANA);
  const created = await wago.api.call('POST', `/sessions/${bot.id}/webhooks`, { token, body: { url: receiver.url } });
  expect(created.status).toBe(201);

  /** Ana sends `request` to the bot; the message.received it became. */
  async function received(request: Content): Promise<Received> {
    const { id } = await wago.sim.sendMessage(ANA.phoneNumber, {
      to: bot.phoneNumber,
      ...request,
    } as SendMessageRequest);
    const find = async () =>
      receiver
        .events<{ type: string; data: Received }>()
        .find((event) => event.type === 'message.received' && event.data.id === id)?.data;
    return (await poll(find, Boolean, `message.received ${id}`)) as Received;
  }

  return {
    wago,
    token,
    bot,
    received,
    async stop() {
      await receiver.close();
      await wago.stop();
    },
  };
}

/** The file behind a signed link, fetched as a receiver would: with no credential at all. */
async function download(url: string): Promise<Buffer> {
  const answer = await fetch(url);
  expect(answer.status).toBe(200);
  return Buffer.from(await answer.arrayBuffer());
}

describe('incoming messages of every kind, eager downloads into Postgres', () => {
  let inbox: Awaited<ReturnType<typeof startReceiving>>;

  beforeAll(async () => {
    inbox = await startReceiving('15550401000');
  });

  afterAll(async () => {
    await inbox?.stop();
  });

  /** Checks the media fields and that its signed link serves exactly `data`. */
  async function expectFile(media: Media | null, data: Buffer, expected: Partial<Media>): Promise<Media> {
    expect(media).toMatchObject({ size: data.length, sha256: sha256(data), unavailableReason: null, ...expected });
    const file = media as Media;
    // PUBLIC_URL is left at its default, http://localhost:{APP_PORT}.
    const port = new URL(inbox.wago.server.baseUrl).port;
    expect(file.url).toMatch(new RegExp(`^http://localhost:${port}/api/v1/media/${file.id}\\?expires=\\d+&signature=`));
    expect(new Date(file.urlExpiresAt ?? '').getTime()).toBeGreaterThan(Date.now());
    // Downloaded before the message was committed, so before the webhook arrived: the link is not what fetched it.
    const rows = (await (
      await inbox.wago.database.dataSource()
    ).query(`SELECT status, storage FROM media WHERE id = $1`, [file.id])) as { status: string; storage: string }[];
    expect(rows).toEqual([{ status: 'stored', storage: 'postgres' }]);
    expect(sha256(await download(file.url as string))).toBe(sha256(data));
    return file;
  }

  it('forwards an image with its caption, and its signed link serves the bytes the phone sent', async () => {
    const data = randomBytes(70_000);
    const message = await inbox.received({
      image: { data: data.toString('base64'), mimetype: 'image/png', caption: 'the view' },
    });
    expect(message).toMatchObject({
      type: 'image',
      unsupported: null,
      text: 'the view',
      location: null,
      contact: null,
    });
    await expectFile(message.media, data, { mimetype: 'image/png', caption: 'the view', ptt: false });
  });

  it('forwards a video', async () => {
    const data = randomBytes(300_000);
    const message = await inbox.received({ video: { data: data.toString('base64'), mimetype: 'video/mp4' } });
    expect(message).toMatchObject({ type: 'video', text: null });
    await expectFile(message.media, data, { mimetype: 'video/mp4', caption: null });
  });

  it('forwards a voice note as audio marked ptt', async () => {
    const data = randomBytes(12_000);
    const message = await inbox.received({
      audio: { data: data.toString('base64'), mimetype: 'audio/ogg; codecs=opus', ptt: true },
    });
    expect(message.type).toBe('audio');
    await expectFile(message.media, data, { mimetype: 'audio/ogg; codecs=opus', ptt: true });
  });

  it('forwards a document with its file name, served to its owner whole and by Range', async () => {
    const data = randomBytes(600_000);
    const message = await inbox.received({
      document: { data: data.toString('base64'), mimetype: 'application/pdf', fileName: 'Invoice 7.pdf' },
    });
    expect(message.type).toBe('document');
    const media = await expectFile(message.media, data, { mimetype: 'application/pdf', fileName: 'Invoice 7.pdf' });
    const path = `${inbox.wago.server.baseUrl}/api/v1/media/${media.id}`;
    const auth = { authorization: `Bearer ${inbox.token}` };
    const whole = await fetch(path, { headers: auth });
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('application/pdf');
    expect(sha256(Buffer.from(await whole.arrayBuffer()))).toBe(sha256(data));
    // Across the 512 KiB chunk boundary of the Postgres storage.
    const part = await fetch(path, { headers: { ...auth, range: 'bytes=524000-525999' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 524000-525999/${data.length}`);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(data.subarray(524_000, 526_000));
    expect((await fetch(path)).status).toBe(401);
  });

  it('forwards a sticker', async () => {
    const data = randomBytes(9_000);
    const message = await inbox.received({ sticker: { data: data.toString('base64'), mimetype: 'image/webp' } });
    expect(message.type).toBe('sticker');
    await expectFile(message.media, data, { mimetype: 'image/webp' });
  });

  it('forwards a location', async () => {
    const message = await inbox.received({
      location: { latitude: 38.7223, longitude: -9.1393, name: 'Rossio', address: 'Praça Dom Pedro IV, Lisboa' },
    });
    expect(message).toMatchObject({
      type: 'location',
      media: null,
      contact: null,
      location: { latitude: 38.7223, longitude: -9.1393, name: 'Rossio', address: 'Praça Dom Pedro IV, Lisboa' },
    });
  });

  it('forwards a contact card', async () => {
    const vcard = 'BEGIN:VCARD\nVERSION:3.0\nFN:Carla\nTEL;waid=15550409999:+1 555 040 9999\nEND:VCARD';
    const message = await inbox.received({ contact: { displayName: 'Carla', vcard } });
    expect(message).toMatchObject({
      type: 'contact',
      media: null,
      location: null,
      contact: { displayName: 'Carla', vcard },
    });
  });
});

describe('incoming media kept on the filesystem and fetched at its first request (MEDIA_DOWNLOAD=lazy)', () => {
  let inbox: Awaited<ReturnType<typeof startReceiving>>;

  beforeAll(async () => {
    inbox = await startReceiving('15550402000', { MEDIA_STORAGE: 'filesystem', MEDIA_DOWNLOAD: 'lazy' });
  });

  afterAll(async () => {
    await inbox?.stop();
  });

  it('hands out a link before the download, which then serves the phone’s bytes from disk', async () => {
    const data = randomBytes(150_000);
    const message = await inbox.received({
      document: { data: data.toString('base64'), mimetype: 'text/csv', fileName: 'rows.csv' },
    });
    const media = message.media as Media;
    // Not downloaded yet: WAGO knows the file as the message announced it, and will check the download against that.
    expect(media).toMatchObject({
      mimetype: 'text/csv',
      fileName: 'rows.csv',
      size: data.length,
      sha256: sha256(data),
      unavailableReason: null,
    });
    expect(media.url).toEqual(expect.any(String));
    const rows = async () =>
      (await (
        await inbox.wago.database.dataSource()
      ).query(`SELECT status, storage FROM media WHERE id = $1`, [media.id])) as { status: string; storage: string }[];
    expect((await rows())[0].status).toBe('pending');
    expect(sha256(await download(media.url as string))).toBe(sha256(data));
    expect((await rows())[0]).toEqual({ status: 'stored', storage: 'filesystem' });
    const part = await fetch(`${inbox.wago.server.baseUrl}/api/v1/media/${media.id}`, {
      headers: { authorization: `Bearer ${inbox.token}`, range: 'bytes=100-199' },
    });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(data.subarray(100, 200));
  });
});

describe('incoming media with MEDIA_DOWNLOAD=off', () => {
  let inbox: Awaited<ReturnType<typeof startReceiving>>;

  beforeAll(async () => {
    inbox = await startReceiving('15550403000', { MEDIA_DOWNLOAD: 'off' });
  });

  afterAll(async () => {
    await inbox?.stop();
  });

  it('describes the file without a link, says why, and answers 410 for it', async () => {
    const data = randomBytes(20_000);
    const message = await inbox.received({
      image: { data: data.toString('base64'), mimetype: 'image/jpeg', caption: 'not kept' },
    });
    expect(message).toMatchObject({ type: 'image', text: 'not kept' });
    expect(message.media).toMatchObject({
      mimetype: 'image/jpeg',
      caption: 'not kept',
      url: null,
      urlExpiresAt: null,
      unavailableReason: 'download_disabled',
    });
    const media = message.media as Media;
    const answer = await fetch(`${inbox.wago.server.baseUrl}/api/v1/media/${media.id}`, {
      headers: { authorization: `Bearer ${inbox.token}` },
    });
    expect(answer.status).toBe(410);
  });
});
