import { loadAppConfig } from '../core/config/app-config';
import { MediaLinks, mediaSignature, verifyMediaSignature } from './media-links';

const ID = '6f1c0f0e-4a1b-4bd0-a9a8-f2f6c1e2d3b4';
const NOW = new Date('2026-01-01T00:00:00Z');

function links(env: Record<string, string> = {}): MediaLinks {
  return new MediaLinks(loadAppConfig({ JWT_SECRET: 'j'.repeat(32), APP_PORT: '3123', ...env }));
}

function query(url: string): { expires: string; signature: string } {
  const params = new URL(url).searchParams;
  return { expires: params.get('expires') ?? '', signature: params.get('signature') ?? '' };
}

describe('MediaLinks', () => {
  it('signs a link under PUBLIC_URL that expires after MEDIA_URL_TTL', () => {
    const signed = links({ PUBLIC_URL: 'https://wago.example/', MEDIA_URL_TTL: '10m' }).sign(ID, NOW);
    expect(signed.url).toMatch(
      new RegExp(`^https://wago\\.example/api/v1/media/${ID}\\?expires=\\d+&signature=[\\w-]{43}$`),
    );
    expect(signed.expiresAt.toISOString()).toBe('2026-01-01T00:10:00.000Z');
    expect(query(signed.url).expires).toBe(String(NOW.getTime() / 1000 + 600));
  });

  it('defaults PUBLIC_URL to localhost on APP_PORT and the lifetime to an hour', () => {
    const signed = links().sign(ID, NOW);
    expect(signed.url.startsWith(`http://localhost:3123/api/v1/media/${ID}?`)).toBe(true);
    expect(signed.expiresAt.toISOString()).toBe('2026-01-01T01:00:00.000Z');
  });

  it('accepts its own link until it expires, and not a second later', () => {
    const signer = links();
    const { expires, signature } = query(signer.sign(ID, NOW).url);
    expect(signer.verify(ID, expires, signature, new Date(NOW.getTime() + 3599_000))).toBe(true);
    expect(signer.verify(ID, expires, signature, new Date(NOW.getTime() + 3600_000))).toBe(false);
  });

  it('refuses a link for another id, a moved expiry, an altered signature or another secret', () => {
    const signer = links();
    const { expires, signature } = query(signer.sign(ID, NOW).url);
    expect(signer.verify(ID.replace('6f', '7f'), expires, signature, NOW)).toBe(false);
    expect(signer.verify(ID, String(Number(expires) + 1), signature, NOW)).toBe(false);
    const altered = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);
    expect(signer.verify(ID, expires, altered, NOW)).toBe(false);
    expect(signer.verify(ID, expires, signature.slice(1), NOW)).toBe(false);
    expect(links({ JWT_SECRET: 'k'.repeat(32) }).verify(ID, expires, signature, NOW)).toBe(false);
    expect(links({ MEDIA_URL_SECRET: 'm'.repeat(32) }).verify(ID, expires, signature, NOW)).toBe(false);
  });

  it('does not sign with the JWT secret itself (its own derived key)', () => {
    const expires = 1_767_229_200;
    const signer = links();
    const { signature } = query(signer.sign(ID, NOW).url);
    expect(signature).not.toBe(mediaSignature(Buffer.from('j'.repeat(32)), ID, expires));
  });

  it('refuses expiries that are not unix seconds', () => {
    const key = Buffer.alloc(32, 1);
    expect(verifyMediaSignature(key, ID, '1e12', mediaSignature(key, ID, 1e12), NOW)).toBe(false);
    expect(verifyMediaSignature(key, ID, '', '', NOW)).toBe(false);
  });
});
