// The simulator's own certificate authority: an ECDSA P-256 root kept in a directory (so clients told to trust it
// keep trusting it across restarts), and the TLS server certificates it issues for the media host.
import { createHash, createPrivateKey, generateKeyPairSync, randomBytes, sign, X509Certificate } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  bitString,
  boolean,
  explicit,
  implicit,
  objectIdentifier,
  octetString,
  sequence,
  set,
  time,
  unsignedInteger,
  utf8String,
} from './der';

export interface SimCa {
  /** The CA certificate's PEM file: what NODE_EXTRA_CA_CERTS names. */
  caPath: string;
  certificatePem: string;
  certificate: X509Certificate;
  privateKey: KeyObject;
}

export interface ServerCertificate {
  certificatePem: string;
  privateKeyPem: string;
}

const CA_FILE = 'ca.pem';
const CA_KEY_FILE = 'ca-key.pem';
const LOCK_DIR = '.lock';
/** A creator that died mid-write leaves its lock behind; after this long it no longer counts. */
const STALE_LOCK_MS = 10_000;
const DAY_MS = 86_400_000;
const CA_LIFETIME_DAYS = 3_650;
const SERVER_LIFETIME_DAYS = 365;

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extendedKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
};

/** `SIM_CA_DIR`, else one directory under the system's temp dir shared by every sim on the machine. */
export function defaultCaDir(): string {
  return process.env.SIM_CA_DIR || path.join(tmpdir(), 'wago-sim-ca');
}

/**
 * Loads the CA kept in `dir`, creating it the first time. Several processes may start at once (test workers, a sim
 * and a test run): one creates it under a lock directory, the others wait for its files.
 */
export function ensureSimCa(dir: string = defaultCaDir()): SimCa {
  const existing = loadCa(dir);
  if (existing) return existing;
  mkdirSync(dir, { recursive: true });
  const lock = path.join(dir, LOCK_DIR);
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const created = loadCa(dir);
      if (created) return created;
      if (Date.now() - lockAge(lock) > STALE_LOCK_MS) rmSync(lock, { recursive: true, force: true });
      else pause(50);
    }
  }
  try {
    return loadCa(dir) ?? createCa(dir);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** A TLS server certificate for these host names and IP addresses, signed by the CA, with a fresh key. */
export function issueServerCertificate(ca: SimCa, hosts: string[]): ServerCertificate {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const now = Date.now();
  const altNames = [...new Set(hosts)].map((host) => {
    const ipVersion = isIP(host);
    if (ipVersion === 0) return implicit(2, Buffer.from(host, 'ascii'));
    return implicit(7, ipVersion === 4 ? Buffer.from(host.split('.').map(Number)) : ipv6Bytes(host));
  });
  const certificate = signCertificate({
    issuer: ca.certificate.subject,
    issuerKey: ca.privateKey,
    issuerPublicKey: ca.certificate.publicKey,
    subjectName: name('WAGO simulator media host'),
    subjectKey: publicKey,
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + SERVER_LIFETIME_DAYS * DAY_MS),
    extensions: [
      extension(OID.basicConstraints, sequence(), true),
      extension(OID.keyUsage, bitString(Buffer.from([0x80]), 7), true),
      extension(OID.extendedKeyUsage, sequence(objectIdentifier(OID.serverAuth))),
      extension(OID.subjectAltName, sequence(...altNames)),
    ],
  });
  return {
    certificatePem: certificate.toString(),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

function loadCa(dir: string): SimCa | undefined {
  const caPath = path.join(dir, CA_FILE);
  const keyPath = path.join(dir, CA_KEY_FILE);
  if (!existsSync(caPath) || !existsSync(keyPath)) return undefined;
  const certificatePem = readFileSync(caPath, 'utf8');
  const certificate = new X509Certificate(certificatePem);
  const privateKey = createPrivateKey(readFileSync(keyPath, 'utf8'));
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new Error(`${caPath} and ${keyPath} do not belong together: remove both to make a new CA`);
  }
  return { caPath, certificatePem, certificate, privateKey };
}

function createCa(dir: string): SimCa {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const now = Date.now();
  // A distinct name per CA, so a trust store that still holds an older sim CA never confuses the two.
  const subject = name(`WAGO simulator CA ${randomBytes(4).toString('hex')}`);
  const certificate = signCertificate({
    issuer: undefined,
    issuerKey: privateKey,
    issuerPublicKey: publicKey,
    subjectName: subject,
    subjectKey: publicKey,
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + CA_LIFETIME_DAYS * DAY_MS),
    extensions: [
      extension(OID.basicConstraints, sequence(boolean(true)), true),
      // digitalSignature, keyCertSign, cRLSign
      extension(OID.keyUsage, bitString(Buffer.from([0x86]), 1), true),
    ],
  });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  // The key first, each file renamed into place whole: a reader never sees a certificate without its key.
  writeAtomically(path.join(dir, CA_KEY_FILE), keyPem, 0o600);
  writeAtomically(path.join(dir, CA_FILE), certificate.toString(), 0o644);
  const created = loadCa(dir);
  if (!created) throw new Error(`could not create the simulator CA in ${dir}`);
  return created;
}

interface CertificateFields {
  /** undefined: self-signed, the issuer is the subject. */
  issuer: string | undefined;
  issuerKey: KeyObject;
  issuerPublicKey: KeyObject;
  subjectName: Buffer;
  subjectKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
  extensions: Buffer[];
}

function signCertificate(fields: CertificateFields): X509Certificate {
  const algorithm = sequence(objectIdentifier(OID.ecdsaWithSha256));
  const issuerName = fields.issuer === undefined ? fields.subjectName : nameFromSubject(fields.issuer);
  const serial = randomBytes(16);
  serial[0] &= 0x7f;
  serial[0] |= 0x01;
  const tbs = sequence(
    explicit(0, unsignedInteger(Buffer.from([2]))),
    unsignedInteger(serial),
    algorithm,
    issuerName,
    sequence(time(fields.notBefore), time(fields.notAfter)),
    fields.subjectName,
    fields.subjectKey.export({ type: 'spki', format: 'der' }),
    explicit(
      3,
      sequence(
        ...fields.extensions,
        extension(OID.subjectKeyIdentifier, octetString(keyIdentifier(fields.subjectKey))),
        extension(OID.authorityKeyIdentifier, sequence(implicit(0, keyIdentifier(fields.issuerPublicKey)))),
      ),
    ),
  );
  // Node signs ECDSA in DER (r, s) form, which is what X.509 carries.
  const signature = sign('sha256', tbs, fields.issuerKey);
  const der = sequence(tbs, algorithm, bitString(signature));
  const base64 = der.toString('base64').replace(/(.{64})/g, '$1\n');
  return new X509Certificate(`-----BEGIN CERTIFICATE-----\n${base64.trimEnd()}\n-----END CERTIFICATE-----\n`);
}

function extension(oid: string, value: Buffer, critical = false): Buffer {
  return sequence(objectIdentifier(oid), ...(critical ? [boolean(true)] : []), octetString(value));
}

function name(commonName: string): Buffer {
  return sequence(
    set(sequence(objectIdentifier(OID.organization), utf8String('WAGO'))),
    set(sequence(objectIdentifier(OID.commonName), utf8String(commonName))),
  );
}

/** X509Certificate.subject is `O=WAGO\nCN=…`; the issuer's name is re-encoded from it (the sim's own names only). */
function nameFromSubject(subject: string): Buffer {
  const commonName = /^CN=(.*)$/m.exec(subject)?.[1];
  if (commonName === undefined) throw new Error(`not a simulator CA subject: ${subject}`);
  return name(commonName);
}

/** RFC 5280's method 1: the SHA-1 of the subjectPublicKey bits (the SPKI's last 65 bytes for an uncompressed P-256 key). */
function keyIdentifier(publicKey: KeyObject): Buffer {
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha1')
    .update(spki.subarray(spki.length - 65))
    .digest();
}

function ipv6Bytes(address: string): Buffer {
  const [head, tail = ''] = address.split('::');
  const parts = (text: string) => (text === '' ? [] : text.split(':'));
  const groups = [...parts(head)];
  const tailGroups = parts(tail);
  if (address.includes('::')) groups.push(...Array<string>(8 - groups.length - tailGroups.length).fill('0'));
  groups.push(...tailGroups);
  return Buffer.concat(groups.map((group) => Buffer.from(group.padStart(4, '0'), 'hex')));
}

function writeAtomically(file: string, content: string, mode: number): void {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(temporary, content, { mode });
  renameSync(temporary, file);
}

function lockAge(lock: string): number {
  try {
    return statSync(lock).mtimeMs;
  } catch {
    return Date.now();
  }
}

/** A synchronous wait (the CA is made before anything async starts: global setups, the sim's own start). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
