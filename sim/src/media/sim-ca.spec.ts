import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import { request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureSimCa, issueServerCertificate } from './sim-ca';

/** GETs `/` from a TLS server that trusts only `ca`, and reports the body or the TLS error. */
function fetchTrusting(ca: string, host: string, port: number, servername?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    request({ host, port, ca, servername, path: '/' }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve(body));
    })
      .on('error', reject)
      .end();
  });
}

describe('the simulator CA', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'wago-sim-ca-test-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is made once and then loaded from its directory', () => {
    const first = ensureSimCa(dir);
    const second = ensureSimCa(dir);
    expect(second.caPath).toBe(path.join(dir, 'ca.pem'));
    expect(second.certificatePem).toBe(first.certificatePem);
    expect(second.certificate.ca).toBe(true);
  });

  it('issues server certificates a client trusting only the CA accepts, by IP and by name', async () => {
    const ca = ensureSimCa(dir);
    const certificate = issueServerCertificate(ca, ['127.0.0.1', 'localhost']);
    const server = createServer(
      { cert: certificate.certificatePem, key: certificate.privateKeyPem },
      (_request, response) => response.end('media'),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      await expect(fetchTrusting(ca.certificatePem, '127.0.0.1', port)).resolves.toBe('media');
      await expect(fetchTrusting(ca.certificatePem, '127.0.0.1', port, 'localhost')).resolves.toBe('media');
      await expect(fetchTrusting(ca.certificatePem, '127.0.0.1', port, 'example.org')).rejects.toThrow(
        /altnames|does not match/,
      );
      const other = ensureSimCa(path.join(dir, 'other'));
      await expect(fetchTrusting(other.certificatePem, '127.0.0.1', port)).rejects.toThrow(/certificate/);
    } finally {
      server.close();
    }
  });
});
