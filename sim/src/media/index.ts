// Media's entry point for the sim's composition root: the media_conn IQ that tells devices where to upload, and the
// control route that hands out the CA a client must trust to reach the media host.
import { childNode } from '../core/binary-node';
import { IqError, type SimCore } from '../core/sim-core';
import { MAX_UPLOAD_BYTES, MEDIA_CONN_TTL_SECONDS, type MediaHost } from './media-host';
import type { SimCa } from './sim-ca';

export { MediaHost, type StoredMedia } from './media-host';
export {
  decryptMedia,
  MediaIntegrityError,
  MEDIA_KINDS,
  type EncryptedMedia,
  type MediaKeyKind,
  type MediaKind,
} from './media-crypto';
export { defaultCaDir, ensureSimCa, issueServerCertificate, type SimCa } from './sim-ca';

/** How long the upload auth stays valid (`auth_ttl`) and how many buckets a client may use: WhatsApp's values. */
const AUTH_TTL_SECONDS = 21_600;
const MAX_BUCKETS = 12;

export function registerMedia(core: SimCore, host: MediaHost, hostname: string, ca: SimCa): void {
  core.onIq('w:m', ({ node }) => {
    if (!childNode(node, 'media_conn')) throw new IqError(501, 'feature-not-implemented');
    return [
      {
        tag: 'media_conn',
        attrs: {
          auth: host.auth,
          ttl: String(MEDIA_CONN_TTL_SECONDS),
          auth_ttl: String(AUTH_TTL_SECONDS),
          max_buckets: String(MAX_BUCKETS),
        },
        content: [{ tag: 'host', attrs: { hostname, maxContentLengthBytes: String(MAX_UPLOAD_BYTES) } }],
      },
    ];
  });
  core.registerRoute({
    method: 'GET',
    path: '/control/ca',
    handle: () => ({ status: 200, body: ca.certificatePem, contentType: 'application/x-pem-file' }),
  });
}
