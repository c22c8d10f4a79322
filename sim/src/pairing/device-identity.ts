// Device identities as the primary phone issues them when it links a companion (WhatsApp's "ADV" signatures).
import { randomInt } from 'node:crypto';
import type { Account } from '../core/accounts';
import { hmacSha256, sign, verify } from '../core/crypto';
import type { WaLibrary } from '../core/wa-library';

const ACCOUNT_SIGNATURE_PREFIX = Buffer.from([6, 0]);
const DEVICE_SIGNATURE_PREFIX = Buffer.from([6, 1]);
const ENCRYPTION_TYPE_E2EE = 0;

export interface IssuedDeviceIdentity {
  /** ADVSignedDeviceIdentityHMAC: what `<pair-success><device-identity>` carries. */
  wrapped: Buffer;
  /** ADVDeviceIdentity: the details the device's own signature must cover. */
  details: Buffer;
}

/**
 * The phone signs the companion's identity key with the account key, and authenticates the result with the
 * companion's ADV secret (from the QR, or derived during pairing-code linking) so the companion knows the scan was
 * of its own QR.
 */
export function issueDeviceIdentity(
  lib: WaLibrary,
  account: Account,
  companionIdentityKey: Buffer,
  keyIndex: number,
  advSecret: Buffer,
): IssuedDeviceIdentity {
  const details = Buffer.from(
    lib.proto.ADVDeviceIdentity.encode({
      rawId: randomInt(1, 2 ** 31),
      timestamp: Math.floor(Date.now() / 1000),
      keyIndex,
      accountType: ENCRYPTION_TYPE_E2EE,
      deviceType: ENCRYPTION_TYPE_E2EE,
    }).finish(),
  );
  const accountKey = account.identity.identityKey;
  const signed = Buffer.from(
    lib.proto.ADVSignedDeviceIdentity.encode({
      details,
      accountSignatureKey: accountKey.public,
      accountSignature: sign(
        accountKey.private,
        Buffer.concat([ACCOUNT_SIGNATURE_PREFIX, details, companionIdentityKey]),
      ),
    }).finish(),
  );
  const wrapped = Buffer.from(
    lib.proto.ADVSignedDeviceIdentityHMAC.encode({
      details: signed,
      hmac: hmacSha256(advSecret, signed),
      accountType: ENCRYPTION_TYPE_E2EE,
    }).finish(),
  );
  return { wrapped, details };
}

/** Checks the companion's counter-signature from `<pair-device-sign>`: proof it holds the identity key it showed. */
export function verifyDeviceSignature(
  lib: WaLibrary,
  account: Account,
  companionIdentityKey: Buffer,
  issued: IssuedDeviceIdentity,
  signedByDevice: Uint8Array,
): boolean {
  const identity = lib.proto.ADVSignedDeviceIdentity.decode(signedByDevice);
  if (!identity.details || !identity.deviceSignature) return false;
  if (!Buffer.from(identity.details).equals(issued.details)) return false;
  const message = Buffer.concat([
    DEVICE_SIGNATURE_PREFIX,
    issued.details,
    companionIdentityKey,
    account.identity.identityKey.public,
  ]);
  return verify(companionIdentityKey, message, identity.deviceSignature);
}
