// PostgreSQL's binary COPY format for media chunks: bytes cross the wire as they are, never as hex text.
// Format: https://www.postgresql.org/docs/current/sql-copy.html#id-1.9.3.55.9.4
import { isUUID } from 'class-validator';

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
/** Signature, then a 32-bit flags field and a 32-bit header-extension length, both zero. */
const HEADER = Buffer.concat([SIGNATURE, Buffer.alloc(8)]);
const TRAILER = Buffer.from([0xff, 0xff]);

/**
 * Groups a stream's pieces into rows of exactly `rowBytes` (the last one shorter). Pieces are cut with `subarray`,
 * never copied or concatenated: a row is the list of its pieces.
 */
export async function* groupIntoRows(source: AsyncIterable<Buffer>, rowBytes: number): AsyncGenerator<Buffer[]> {
  let row: Buffer[] = [];
  let held = 0;
  for await (let piece of source) {
    while (held + piece.length >= rowBytes) {
      const fits = rowBytes - held;
      row.push(piece.subarray(0, fits));
      yield row;
      piece = piece.subarray(fits);
      row = [];
      held = 0;
    }
    if (piece.length > 0) {
      row.push(piece);
      held += piece.length;
    }
  }
  if (held > 0) yield row;
}

/** A UUID's 16 bytes, as COPY's binary format wants it. */
function uuidBytes(uuid: string): Buffer {
  if (!isUUID(uuid)) throw new Error(`Not a UUID: ${uuid}`);
  return Buffer.from(uuid.replace(/-/g, ''), 'hex');
}

/** The length of a row: the sum of its pieces. */
const rowLength = (row: Buffer[]): number => row.reduce((total, piece) => total + piece.length, 0);

/**
 * Encodes rows of `media_chunks (media_id, index, "offset", data)` for `COPY … FROM STDIN (FORMAT binary)`: a small
 * prefix per row, then the row's pieces unchanged.
 */
export async function* encodeChunkRows(mediaId: string, rows: AsyncIterable<Buffer[]>): AsyncGenerator<Buffer> {
  const id = uuidBytes(mediaId);
  yield HEADER;
  let index = 0;
  let offset = 0;
  for await (const row of rows) {
    const length = rowLength(row);
    // Field count, then per field its byte length and value: uuid (16), integer (4), bigint (8), and the data's length.
    const prefix = Buffer.alloc(2 + 4 + 16 + 4 + 4 + 4 + 8 + 4);
    let at = prefix.writeInt16BE(4, 0);
    at = prefix.writeInt32BE(16, at);
    at += id.copy(prefix, at);
    at = prefix.writeInt32BE(4, at);
    at = prefix.writeInt32BE(index, at);
    at = prefix.writeInt32BE(8, at);
    at = prefix.writeBigInt64BE(BigInt(offset), at);
    prefix.writeInt32BE(length, at);
    yield prefix;
    yield* row;
    index += 1;
    offset += length;
  }
  yield TRAILER;
}

/** Where the decoder is inside the COPY stream. */
type DecoderState = 'header' | 'tuple' | 'length' | 'field' | 'done';

/**
 * Decodes the output of `COPY (SELECT <one bytea column> …) TO STDOUT (FORMAT binary)` into the column's bytes, in
 * row order, as slices of the pieces received. Only the few bytes of a header or length split across pieces are
 * copied.
 */
export async function* decodeSingleColumn(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let state: DecoderState = 'header';
  let pending = Buffer.alloc(0);
  let fieldLeft = 0;
  for await (const received of source) {
    let piece = pending.length > 0 ? Buffer.concat([pending, received]) : received;
    pending = Buffer.alloc(0);
    while (piece.length > 0 && state !== 'done') {
      if (state === 'field') {
        const take = Math.min(fieldLeft, piece.length);
        yield piece.subarray(0, take);
        piece = piece.subarray(take);
        fieldLeft -= take;
        if (fieldLeft === 0) state = 'tuple';
        continue;
      }
      const needed = state === 'header' ? HEADER.length : state === 'tuple' ? 2 : 4;
      if (piece.length < needed) break;
      if (state === 'header') {
        if (!piece.subarray(0, SIGNATURE.length).equals(SIGNATURE)) throw new Error('Not a binary COPY stream');
        if (piece.readInt32BE(SIGNATURE.length + 4) !== 0)
          throw new Error('Binary COPY header extensions are not supported');
        state = 'tuple';
      } else if (state === 'tuple') {
        const fields = piece.readInt16BE(0);
        if (fields === -1) state = 'done';
        else if (fields !== 1) throw new Error(`Expected one column per row, got ${fields}`);
        else state = 'length';
      } else {
        fieldLeft = piece.readInt32BE(0);
        // A NULL (-1) or empty value has no bytes to pass on.
        state = fieldLeft > 0 ? 'field' : 'tuple';
        if (fieldLeft < 0) fieldLeft = 0;
      }
      piece = piece.subarray(needed);
    }
    if (state !== 'done' && piece.length > 0) pending = Buffer.from(piece);
  }
  if (state !== 'done') throw new Error('The COPY stream ended before its trailer');
}
