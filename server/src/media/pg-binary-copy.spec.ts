import { randomBytes, randomUUID } from 'node:crypto';
import { decodeSingleColumn, encodeChunkRows, groupIntoRows } from './pg-binary-copy';

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of source) items.push(item);
  return items;
}

async function* from<T>(items: T[]): AsyncGenerator<T> {
  yield* items;
}

/** Cuts `data` into pieces of the given sizes, cycling through them. */
function cut(data: Buffer, sizes: number[]): Buffer[] {
  const pieces: Buffer[] = [];
  for (let at = 0, i = 0; at < data.length; i++) {
    const size = sizes[i % sizes.length];
    pieces.push(data.subarray(at, at + size));
    at += size;
  }
  return pieces;
}

/** What `COPY (SELECT data …) TO STDOUT (FORMAT binary)` sends for these values, built by hand from the format. */
function copyOutput(values: (Buffer | null)[]): Buffer {
  const parts: Buffer[] = [Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)];
  for (const value of values) {
    const header = Buffer.alloc(6);
    header.writeInt16BE(1, 0);
    header.writeInt32BE(value === null ? -1 : value.length, 2);
    parts.push(header, value ?? Buffer.alloc(0));
  }
  parts.push(Buffer.from([0xff, 0xff]));
  return Buffer.concat(parts);
}

describe('groupIntoRows', () => {
  it('groups pieces of any size into rows of exactly the row size, the last one shorter, without copying', async () => {
    const data = randomBytes(25);
    const pieces = cut(data, [3, 10, 1, 7, 4]);
    const rows = await collect(groupIntoRows(from(pieces), 8));
    expect(rows.map((row) => Buffer.concat(row).length)).toEqual([8, 8, 8, 1]);
    expect(Buffer.concat(rows.flat())).toEqual(data);
    // Every piece of every row still points into the original memory.
    for (const piece of rows.flat()) expect(piece.buffer).toBe(data.buffer);
  });

  it('cuts a piece larger than several rows', async () => {
    const rows = await collect(groupIntoRows(from([randomBytes(20)]), 8));
    expect(rows.map((row) => Buffer.concat(row).length)).toEqual([8, 8, 4]);
  });

  it('yields nothing for an empty stream and one row for an exact fit', async () => {
    expect(await collect(groupIntoRows(from<Buffer>([]), 8))).toEqual([]);
    expect((await collect(groupIntoRows(from([randomBytes(4), randomBytes(4)]), 8))).length).toBe(1);
  });
});

describe('encodeChunkRows', () => {
  it('writes the header, one tuple per row with id, index, offset and data, and the trailer', async () => {
    const id = randomUUID();
    const encoded = Buffer.concat(
      await collect(encodeChunkRows(id, from([[Buffer.from('abc'), Buffer.from('de')], [Buffer.from('f')]]))),
    );
    expect(encoded.subarray(0, 11).toString('latin1')).toBe('PGCOPY\n\xff\r\n\0');
    let at = 19;
    const tuples: { id: string; index: number; offset: bigint; data: string }[] = [];
    while (encoded.readInt16BE(at) !== -1) {
      expect(encoded.readInt16BE(at)).toBe(4);
      at += 2;
      const field = (): Buffer => {
        const length = encoded.readInt32BE(at);
        const value = encoded.subarray(at + 4, at + 4 + length);
        at += 4 + length;
        return value;
      };
      const [uuid, index, offset, data] = [field(), field(), field(), field()];
      tuples.push({
        id: uuid.toString('hex'),
        index: index.readInt32BE(0),
        offset: offset.readBigInt64BE(0),
        data: data.toString(),
      });
    }
    expect(at + 2).toBe(encoded.length);
    expect(tuples).toEqual([
      { id: id.replace(/-/g, ''), index: 0, offset: 0n, data: 'abcde' },
      { id: id.replace(/-/g, ''), index: 1, offset: 5n, data: 'f' },
    ]);
  });

  it('refuses an id that is not a UUID', async () => {
    await expect(collect(encodeChunkRows("x'); DROP TABLE media; --", from([])))).rejects.toThrow('Not a UUID');
  });
});

describe('decodeSingleColumn', () => {
  const values = [randomBytes(300), Buffer.alloc(0), null, randomBytes(77)];
  const expected = Buffer.concat(values.map((value) => value ?? Buffer.alloc(0)));

  it.each([1, 2, 5, 19, 64, 1000])(
    'yields the values in order when the stream arrives in %i-byte pieces',
    async (size) => {
      const decoded = await collect(decodeSingleColumn(from(cut(copyOutput(values), [size]))));
      expect(Buffer.concat(decoded)).toEqual(expected);
    },
  );

  it('rejects a stream that is not binary COPY, or that ends before its trailer', async () => {
    await expect(collect(decodeSingleColumn(from([Buffer.from('not a copy stream at all')])))).rejects.toThrow(
      'Not a binary COPY stream',
    );
    const whole = copyOutput(values);
    await expect(collect(decodeSingleColumn(from([whole.subarray(0, whole.length - 2)])))).rejects.toThrow(
      'ended before its trailer',
    );
  });

  it('rejects rows with more than one column', async () => {
    const twoColumns = copyOutput([Buffer.from('a')]);
    twoColumns.writeInt16BE(2, 19);
    await expect(collect(decodeSingleColumn(from([twoColumns])))).rejects.toThrow('one column');
  });
});
