// The HTTP `Range` header of a media request (RFC 9110 §14): one byte range, or the whole file.
import type { ByteRange } from './media.service';
import { RangeNotSatisfiableError } from './media.errors';

/**
 * The one range asked for, clipped to the file; undefined for the whole file (no header, another unit, several
 * ranges, or a malformed header, which RFC 9110 lets a server ignore). Throws when no byte of it is in the file.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | undefined {
  if (!header) return undefined;
  const match = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0 || size === 0) throw new RangeNotSatisfiableError(size);
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  if (match[2] !== '' && Number(match[2]) < start) return undefined;
  if (start >= size) throw new RangeNotSatisfiableError(size);
  const end = match[2] === '' ? size - 1 : Number(match[2]);
  return { start, end: Math.min(end, size - 1) };
}
