import { collectingGarbageDuring, noteStreamedBytes, pacedGarbage } from './garbage-pacer';

describe('garbage pacer', () => {
  it('passes a stream through unchanged, piece by piece, collecting on the way', async () => {
    const pieces = [Buffer.alloc(3 * 1024 * 1024, 1), Buffer.alloc(3 * 1024 * 1024, 2), Buffer.from('end')];
    async function* source() {
      yield* pieces;
    }
    const seen: Buffer[] = [];
    for await (const piece of pacedGarbage(source())) seen.push(piece);
    expect(seen).toEqual(pieces);
    expect(() => noteStreamedBytes(8 * 1024 * 1024)).not.toThrow();
  });

  it('answers with the task’s result or its failure, overlapping tasks included', async () => {
    const slow = collectingGarbageDuring(() => new Promise((resolve) => setTimeout(() => resolve('slow'), 120)));
    await expect(collectingGarbageDuring(() => Promise.reject(new Error('upload failed')))).rejects.toThrow(
      'upload failed',
    );
    await expect(collectingGarbageDuring(() => Promise.resolve(42))).resolves.toBe(42);
    await expect(slow).resolves.toBe('slow');
  });
});
