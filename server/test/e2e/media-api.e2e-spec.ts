// The media routes over HTTP as a client uses them: uploads (multipart and raw, 413 as JSON), downloads by owner or
// signed link, Range, and who may not read a file.
import { createHash, randomBytes } from 'node:crypto';
import { loadAppConfig } from '../../src/core/config/app-config';
import { MediaLinks } from '../../src/media/media-links';
import { ApiClient, SignedIn } from '../support/api-client';
import { createTestDatabase, TestDatabase } from '../support/database';
import { ServerProcess, startServerProcess, TEST_JWT_SECRET } from '../support/server-process';

const MAX_BYTES = 200_000;

describe('media API', () => {
  let database: TestDatabase;
  let server: ServerProcess;
  let api: ApiClient;
  let owner: SignedIn;
  let other: SignedIn;
  let links: MediaLinks;

  beforeAll(async () => {
    database = await createTestDatabase({ migrate: false });
    server = await startServerProcess({
      databaseUrl: database.url,
      env: { AUTH_RATE_LIMIT_PER_MINUTE: '10000', MEDIA_MAX_BYTES: String(MAX_BYTES) },
    });
    api = new ApiClient(server.baseUrl);
    owner = await api.setupAdmin();
    other = await api.createUser(owner, 'someone');
    links = new MediaLinks(loadAppConfig({ JWT_SECRET: TEST_JWT_SECRET, PUBLIC_URL: server.baseUrl }));
  });

  afterAll(async () => {
    await server?.stop();
    await database?.drop();
  });

  const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');
  const auth = (as: SignedIn) => ({ authorization: `Bearer ${as.accessToken}` });

  async function uploadMultipart(data: Buffer, fileName: string, type: string) {
    const form = new FormData();
    form.append('file', new Blob([data], { type }), fileName);
    return fetch(`${server.baseUrl}/api/v1/media`, { method: 'POST', headers: auth(owner), body: form });
  }

  it('uploads a multipart file and gives it back to its owner with its name, type and length', async () => {
    const data = randomBytes(150_000);
    const uploaded = await uploadMultipart(data, 'Résumé "v2".pdf', 'application/pdf');
    expect(uploaded.status).toBe(201);
    const body = (await uploaded.json()) as { id: string };
    expect(body).toEqual({
      id: expect.any(String),
      mimetype: 'application/pdf',
      size: data.length,
      sha256: sha256(data),
      fileName: 'Résumé "v2".pdf',
    });
    const download = await fetch(`${server.baseUrl}/api/v1/media/${body.id}`, { headers: auth(owner) });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(download.headers.get('content-length')).toBe(String(data.length));
    expect(download.headers.get('content-disposition')).toBe(
      `attachment; filename="R_sum_ _v2_.pdf"; filename*=UTF-8''R%C3%A9sum%C3%A9%20%22v2%22.pdf`,
    );
    expect(Buffer.from(await download.arrayBuffer())).toEqual(data);
  });

  it('uploads a raw JSON body as a file, untouched by the JSON parser', async () => {
    const raw = '{"not": "parsed", "n": 1}';
    const uploaded = await fetch(`${server.baseUrl}/api/v1/media`, {
      method: 'POST',
      headers: {
        ...auth(owner),
        'content-type': 'application/json',
        'content-disposition': 'attachment; filename="a.json"',
      },
      body: raw,
    });
    expect(uploaded.status).toBe(201);
    expect(await uploaded.json()).toMatchObject({ mimetype: 'application/json', size: raw.length, fileName: 'a.json' });
  });

  it('refuses a file over MEDIA_MAX_BYTES with the standard JSON error, multipart or raw', async () => {
    const data = randomBytes(MAX_BYTES + 1);
    const multipart = await uploadMultipart(data, 'big.bin', 'application/octet-stream');
    expect(multipart.status).toBe(413);
    expect(await multipart.json()).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
    const raw = await fetch(`${server.baseUrl}/api/v1/media`, {
      method: 'POST',
      headers: { ...auth(owner), 'content-type': 'application/octet-stream' },
      body: data,
    });
    expect(raw.status).toBe(413);
    expect(await raw.json()).toMatchObject({ statusCode: 413 });
    const rows = await (
      await database.dataSource()
    ).query(`SELECT count(*)::int AS n FROM media WHERE size > $1`, [MAX_BYTES]);
    expect(rows[0].n).toBe(0);
  });

  it('serves a signed link without credentials, and refuses it altered or expired', async () => {
    const data = randomBytes(5000);
    const { id } = (await (await uploadMultipart(data, 'p.png', 'image/png')).json()) as { id: string };
    const signed = links.sign(id);
    const ok = await fetch(signed.url);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-disposition')).toMatch(/^inline; filename="p.png"/);
    expect(Buffer.from(await ok.arrayBuffer())).toEqual(data);
    const url = new URL(signed.url);
    const altered = new URL(url);
    altered.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 60));
    expect((await fetch(altered)).status).toBe(403);
    const expired = links.sign(id, new Date(Date.now() - 2 * 3600_000));
    const answer = await fetch(expired.url);
    expect(answer.status).toBe(403);
    expect(await answer.json()).toMatchObject({ statusCode: 403 });
    expect((await fetch(`${server.baseUrl}/api/v1/media/${id}`)).status).toBe(401);
  });

  it('hides a file from another user', async () => {
    const { id } = (await (await uploadMultipart(randomBytes(10), 'x.bin', 'application/octet-stream')).json()) as {
      id: string;
    };
    expect((await fetch(`${server.baseUrl}/api/v1/media/${id}`, { headers: auth(other) })).status).toBe(404);
  });

  it('answers a Range with 206 and the bytes asked for, and one outside the file with 416', async () => {
    const data = randomBytes(10_000);
    const { id } = (await (await uploadMultipart(data, 'v.mp4', 'video/mp4')).json()) as { id: string };
    const part = await fetch(`${server.baseUrl}/api/v1/media/${id}`, {
      headers: { ...auth(owner), range: 'bytes=100-199' },
    });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 100-199/10000');
    expect(part.headers.get('content-length')).toBe('100');
    expect(Buffer.from(await part.arrayBuffer())).toEqual(data.subarray(100, 200));
    const outside = await fetch(`${server.baseUrl}/api/v1/media/${id}`, {
      headers: { ...auth(owner), range: 'bytes=20000-' },
    });
    expect(outside.status).toBe(416);
    expect(outside.headers.get('content-range')).toBe('bytes */10000');
  });
});
