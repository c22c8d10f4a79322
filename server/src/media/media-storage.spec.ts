import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { contentDisposition } from './content-disposition';
import { metered, WrittenFile } from './media-storage';
import { MediaTooLargeError } from './media.errors';
import { fileNameOf } from './media-upload';

async function collect(source: AsyncIterable<Buffer>): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of source) chunks.push(chunk);
  return chunks;
}

function pieces(...sizes: number[]): Readable {
  let next = 0;
  return Readable.from(sizes.map((size) => Buffer.from(Array.from({ length: size }, () => next++ % 256))));
}

describe('metered', () => {
  it('counts and hashes what passes through', async () => {
    const file: WrittenFile = { size: 0, sha256: '' };
    const data = Buffer.concat(await collect(metered(pieces(5, 6), 100, file)));
    expect(file).toEqual({ size: 11, sha256: createHash('sha256').update(data).digest('hex') });
  });

  it('fails as soon as the stream passes the limit, and lets exactly the limit through', async () => {
    await expect(collect(metered(pieces(5, 6), 10, { size: 0, sha256: '' }))).rejects.toBeInstanceOf(
      MediaTooLargeError,
    );
    await expect(collect(metered(pieces(5, 5), 10, { size: 0, sha256: '' }))).resolves.toHaveLength(2);
  });
});

describe('file names', () => {
  it('names a file in Content-Disposition with an ASCII fallback and the exact UTF-8 name', () => {
    expect(contentDisposition('attachment', 'Résumé "final"; v2.pdf')).toBe(
      `attachment; filename="R_sum_ _final__ v2.pdf"; filename*=UTF-8''R%C3%A9sum%C3%A9%20%22final%22%3B%20v2.pdf`,
    );
    expect(contentDisposition('inline', 'a\r\nb.jpg')).toBe(
      `inline; filename="a__b.jpg"; filename*=UTF-8''a%0D%0Ab.jpg`,
    );
  });

  it('reads the file name of an upload’s Content-Disposition, the extended form first', () => {
    expect(fileNameOf(`attachment; filename="a.pdf"; filename*=UTF-8''%C3%A9.pdf`)).toBe('é.pdf');
    expect(fileNameOf('attachment; filename="say \\"hi\\".txt"')).toBe('say "hi".txt');
    expect(fileNameOf('inline; filename=plain.txt')).toBe('plain.txt');
    expect(fileNameOf(undefined)).toBeNull();
  });
});
