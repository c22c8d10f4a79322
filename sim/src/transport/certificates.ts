// The sim's own certificate chain: root → intermediate → leaf (the server's Noise static key), each signed by its issuer.
import { generateKeyPair, sign, type KeyPair } from '../core/crypto';
import type { WaLibrary } from '../core/wa-library';

/** WhatsApp's root is serial 0 ("WhatsAppLongTerm1"); clients check the intermediate names it as issuer. */
const ROOT_SERIAL = 0;
const INTERMEDIATE_SERIAL = 1;
const LEAF_SERIAL = 2;
const YEAR_SECONDS = 365 * 24 * 60 * 60;

export class CertificateAuthority {
  /** The server's Noise static key pair: the leaf certificate vouches for its public half. */
  readonly serverStatic: KeyPair = generateKeyPair();
  readonly chain: Buffer;

  constructor(
    lib: WaLibrary,
    /** The sim's root key: a client that pins it instead of WhatsApp's can verify the whole chain. */
    readonly root: KeyPair = generateKeyPair(),
  ) {
    const { Details } = lib.proto.CertChain.NoiseCertificate;
    const intermediateKey = generateKeyPair();
    const notBefore = Math.floor(Date.now() / 1000) - 60;
    const notAfter = notBefore + YEAR_SECONDS;
    const intermediateDetails = Buffer.from(
      Details.encode({
        serial: INTERMEDIATE_SERIAL,
        issuerSerial: ROOT_SERIAL,
        key: intermediateKey.public,
        notBefore,
        notAfter,
      }).finish(),
    );
    const leafDetails = Buffer.from(
      Details.encode({
        serial: LEAF_SERIAL,
        issuerSerial: INTERMEDIATE_SERIAL,
        key: this.serverStatic.public,
        notBefore,
        notAfter,
      }).finish(),
    );
    this.chain = Buffer.from(
      lib.proto.CertChain.encode({
        intermediate: { details: intermediateDetails, signature: sign(root.private, intermediateDetails) },
        leaf: { details: leafDetails, signature: sign(intermediateKey.private, leafDetails) },
      }).finish(),
    );
  }
}
