// The handful of DER encodings an X.509 certificate needs, so the sim can issue certificates with Node's crypto alone.

const TAG = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  oid: 0x06,
  utf8String: 0x0c,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
} as const;

function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tagged(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), encodeLength(content.length), content]);
}

export const sequence = (...items: Buffer[]): Buffer => tagged(TAG.sequence, Buffer.concat(items));
export const set = (...items: Buffer[]): Buffer => tagged(TAG.set, Buffer.concat(items));
export const octetString = (content: Buffer): Buffer => tagged(TAG.octetString, content);
export const utf8String = (text: string): Buffer => tagged(TAG.utf8String, Buffer.from(text, 'utf8'));
export const boolean = (value: boolean): Buffer => tagged(TAG.boolean, Buffer.from([value ? 0xff : 0]));
/** A context-specific constructed tag (`[n]` EXPLICIT), e.g. the certificate's version and extensions. */
export const explicit = (tagNumber: number, content: Buffer): Buffer => tagged(0xa0 | tagNumber, content);
/** A context-specific primitive tag (`[n]` IMPLICIT), e.g. a subjectAltName's dNSName and iPAddress. */
export const implicit = (tagNumber: number, content: Buffer): Buffer => tagged(0x80 | tagNumber, content);

/** A BIT STRING; `unusedBits` matters for flag fields such as keyUsage. */
export const bitString = (content: Buffer, unusedBits = 0): Buffer =>
  tagged(TAG.bitString, Buffer.concat([Buffer.from([unusedBits]), content]));

/** A non-negative INTEGER from its big-endian bytes (a leading zero keeps it positive). */
export function unsignedInteger(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const trimmed = bytes.subarray(start);
  return tagged(TAG.integer, trimmed[0] & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

export function objectIdentifier(dotted: string): Buffer {
  const [first, second, ...rest] = dotted.split('.').map(Number);
  const bytes = [40 * first + second];
  for (const arc of rest) {
    const base128: number[] = [arc & 0x7f];
    for (let value = Math.floor(arc / 128); value > 0; value = Math.floor(value / 128)) {
      base128.unshift(0x80 | (value & 0x7f));
    }
    bytes.push(...base128);
  }
  return tagged(TAG.oid, Buffer.from(bytes));
}

/** X.509 validity times: UTCTime until 2049, GeneralizedTime from 2050 on (RFC 5280 4.1.2.5). */
export function time(date: Date): Buffer {
  const iso = date.toISOString().replace(/\.\d+Z$/, 'Z');
  const compact = iso.replace(/[-:T]/g, '');
  return date.getUTCFullYear() < 2050
    ? tagged(TAG.utcTime, Buffer.from(compact.slice(2), 'ascii'))
    : tagged(TAG.generalizedTime, Buffer.from(compact, 'ascii'));
}
