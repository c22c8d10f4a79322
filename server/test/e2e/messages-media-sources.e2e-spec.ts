// Media messages over HTTP from each source (an upload's mediaId, a url WAGO fetches, base64 data at its limit), and
// what arrives: the phone's SHA-256 of the bytes it decrypted is the file's, and message.sent names the media.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { InboxMessage } from '../../../sim/src/index';
import { ensureSimCa } from '../../../sim/src/media';
import { MAX_DATA_BYTES } from '../../src/messages/dto/message.dto';
import { ApiClient } from '../support/api-client';
import { createTestDatabase, TestDatabase } from '../support/database';
import { pairSession, PairedSession, poll } from '../support/paired-session';
import { ServerProcess, startServerProcess } from '../support/server-process';
import { startWebhookReceiver, WebhookReceiver } from '../support/webhook-receiver';
import { FAST_WHATSAPP_ENV, startWagoWithSim, WagoWithSim } from '../support/wago-with-sim';

jest.setTimeout(180_000);

interface Sent {
  id: string;
  type: string;
}

interface SentEvent {
  type: string;
  data: {
    id: string;
    type: string;
    text: string;
    media: { id: string; mimetype: string; fileName: string | null; ptt: boolean } | null;
  };
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
const FRANK = { phoneNumber: '15550312001', pushName: 'Frank' };

/** Serves each file under its path, with its Content-Type, as a website or a bucket would. */
async function startFileServer(files: Record<string, { bytes: Buffer; type: string }>): Promise<Server> {
  const server = createServer((request, response) => {
    const file = files[request.url ?? ''];
    if (!file) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': file.type, 'content-length': file.bytes.length }).end(file.bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

describe('sending media from every source through the API', () => {
  const env = {
    MESSAGE_MIN_INTERVAL_MS: '0',
    MESSAGE_JITTER_MS: '0',
    // The server uploads media to the sim's HTTPS host: it trusts the sim's CA as a deployment would its own.
    NODE_EXTRA_CA_CERTS: ensureSimCa().caPath,
  };
  const photo = randomBytes(120_000);
  const voice = randomBytes(40_000);
  let wago: WagoWithSim;
  let token: string;
  let bot: PairedSession;
  let receiver: WebhookReceiver;
  let files: Server;
  let filesUrl: string;

  const sendAs = (api: ApiClient, as: string, sessionId: string, body: unknown) =>
    api.call<Sent>('POST', `/sessions/${sessionId}/messages`, { token: as, body });
  const send = (body: unknown) => sendAs(wago.api, token, bot.id, body);

  /** The phone puts a media message in its inbox once it downloaded and decrypted the file. */
  const arrived = (messageId: string): Promise<InboxMessage | undefined> =>
    poll(
      async () => wago.sim.inbox(FRANK.phoneNumber).find((message) => message.id === messageId),
      Boolean,
      `message ${messageId} in the recipient’s inbox`,
    );

  beforeAll(async () => {
    wago = await startWagoWithSim({ env });
    token = wago.admin.accessToken;
    bot = await pairSession(wago.api, token, wago.sim, { name: 'media', phoneNumber: '15550312000', pushName: 'Bot' });
    wago.sim.createAccount(FRANK);
    receiver = await startWebhookReceiver();
    const webhook = await wago.api.call('POST', `/sessions/${bot.id}/webhooks`, {
      token,
      body: { url: receiver.url, events: ['message.sent'] },
    });
    expect(webhook.status).toBe(201);
    files = await startFileServer({
      '/photo.png': { bytes: photo, type: 'image/png' },
      '/voice.ogg': { bytes: voice, type: 'audio/ogg; codecs=opus' },
    });
    filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    files?.closeAllConnections();
    await new Promise((resolve) => files?.close(resolve));
    await receiver?.close();
    await wago?.stop();
  });

  it('sends an uploaded file by mediaId; the phone decrypts its bytes and message.sent names the media', async () => {
    const bytes = randomBytes(700_000);
    const form = new FormData();
    form.append('file', new Blob([bytes], { type: 'application/pdf' }), 'minutes.pdf');
    const uploaded = await fetch(`${wago.server.baseUrl}/api/v1/media`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    expect(uploaded.status).toBe(201);
    const file = (await uploaded.json()) as { id: string; sha256: string };
    expect(file.sha256).toBe(sha256(bytes));

    const answer = await send({ to: FRANK.phoneNumber, document: { mediaId: file.id, caption: 'the minutes' } });
    expect(answer.status).toBe(201);
    expect(answer.body.type).toBe('document');
    expect(await arrived(answer.body.id)).toMatchObject({
      type: 'document',
      text: 'the minutes',
      media: { mimetype: 'application/pdf', fileName: 'minutes.pdf', size: bytes.length, sha256: sha256(bytes) },
    });

    const event = await poll(
      async () =>
        receiver.events<SentEvent>().find((sent) => sent.type === 'message.sent' && sent.data.id === answer.body.id),
      Boolean,
      `message.sent for ${answer.body.id}`,
    );
    expect(event?.data).toMatchObject({
      type: 'document',
      text: 'the minutes',
      media: { id: file.id, mimetype: 'application/pdf', fileName: 'minutes.pdf', ptt: false },
    });
  });

  it('fetches a url and sends what it served, its Content-Type as the mimetype', async () => {
    const image = await send({ to: FRANK.phoneNumber, image: { url: `${filesUrl}/photo.png`, caption: 'fetched' } });
    expect(image.status).toBe(201);
    const voiceNote = await send({ to: FRANK.phoneNumber, audio: { url: `${filesUrl}/voice.ogg`, ptt: true } });
    expect(voiceNote.status).toBe(201);
    expect(await arrived(image.body.id)).toMatchObject({
      type: 'image',
      text: 'fetched',
      media: { mimetype: 'image/png', size: photo.length, sha256: sha256(photo) },
    });
    expect(await arrived(voiceNote.body.id)).toMatchObject({
      type: 'audio',
      media: { mimetype: 'audio/ogg; codecs=opus', ptt: true, size: voice.length, sha256: sha256(voice) },
    });
    const missing = await send({ to: FRANK.phoneNumber, image: { url: `${filesUrl}/nothing.png` } });
    expect(missing.status).toBe(422);
  });

  it('sends base64 data of exactly the 5 MiB limit, and refuses a byte more with a JSON 400', async () => {
    const bytes = randomBytes(MAX_DATA_BYTES);
    const answer = await send({
      to: FRANK.phoneNumber,
      video: { data: bytes.toString('base64'), mimetype: 'video/mp4' },
    });
    expect(answer.status).toBe(201);
    expect(await arrived(answer.body.id)).toMatchObject({
      type: 'video',
      media: { mimetype: 'video/mp4', size: bytes.length, sha256: sha256(bytes) },
    });

    const over = await send({
      to: FRANK.phoneNumber,
      video: { data: randomBytes(MAX_DATA_BYTES + 1).toString('base64'), mimetype: 'video/mp4' },
    });
    expect(over.status).toBe(400);
    expect(over.headers.get('content-type')).toContain('application/json');
    expect(JSON.stringify(over.body)).toContain(`must decode to at most ${MAX_DATA_BYTES} bytes`);
  });

  it('refuses a url at a link-local (metadata) address with 400, whatever the policy', async () => {
    const answer = await send({ to: FRANK.phoneNumber, image: { url: 'http://169.254.169.254/latest/meta-data' } });
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toContain('url refused');
  });

  describe('on a server that denies private addresses (WEBHOOK_DENY_PRIVATE=true)', () => {
    let database: TestDatabase;
    let server: ServerProcess;
    let api: ApiClient;
    let strictToken: string;
    let strictBot: PairedSession;

    beforeAll(async () => {
      database = await createTestDatabase({ migrate: false });
      server = await startServerProcess({
        databaseUrl: database.url,
        env: { ...FAST_WHATSAPP_ENV, ...env, WA_WS_URL: wago.sim.wsUrl, WEBHOOK_DENY_PRIVATE: 'true' },
      });
      api = new ApiClient(server.baseUrl);
      strictToken = (await api.setupAdmin()).accessToken;
      strictBot = await pairSession(api, strictToken, wago.sim, {
        name: 'strict',
        phoneNumber: '15550312002',
        pushName: 'Strict',
      });
    });

    afterAll(async () => {
      await server?.stop();
      await database?.drop();
    });

    it('refuses a url on a private address with 400 and sends nothing', async () => {
      const before = wago.sim.inbox(FRANK.phoneNumber).length;
      const answer = await sendAs(api, strictToken, strictBot.id, {
        to: FRANK.phoneNumber,
        image: { url: `${filesUrl}/photo.png` },
      });
      expect(answer.status).toBe(400);
      expect(JSON.stringify(answer.body)).toContain('private address (WEBHOOK_DENY_PRIVATE)');
      expect(wago.sim.inbox(FRANK.phoneNumber)).toHaveLength(before);
    });
  });
});
