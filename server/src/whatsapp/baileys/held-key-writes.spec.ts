import type { AuthKeyWrite } from './auth-state.repository';
import { HeldKeyWrites } from './held-key-writes';

const session = (keyId: string, json: string | null): AuthKeyWrite => ({ type: 'session', keyId, json });

function setUp() {
  const written: AuthKeyWrite[][] = [];
  const keys = new HeldKeyWrites((writes) => {
    written.push(writes);
    return Promise.resolve();
  });
  return { keys, written };
}

describe('HeldKeyWrites', () => {
  it('writes at once what is saved outside a decryption', async () => {
    const { keys, written } = setUp();
    await keys.save([session('a', '1')]);
    expect(written).toEqual([[session('a', '1')]]);
  });

  it('holds a decryption’s writes, readable, until its message is committed', async () => {
    const { keys, written } = setUp();
    await keys.decrypting(() => keys.save([session('a', '2')]));
    keys.assign(['m1']);
    expect(written).toEqual([]);
    expect(keys.held('session', 'a')).toBe('2');
    await keys.commit(['m1']);
    expect(written).toEqual([[session('a', '2')]]);
    expect(keys.held('session', 'a')).toBeUndefined();
  });

  it('commits one message’s decryption without the next one’s', async () => {
    const { keys, written } = setUp();
    await keys.decrypting(() => keys.save([session('a', '2')]));
    keys.assign(['m1']);
    await keys.decrypting(() => keys.save([session('b', '3')]));
    keys.assign(['m2']);
    await keys.commit(['m1']);
    expect(written).toEqual([[session('a', '2')]]);
    expect(keys.held('session', 'b')).toBe('3');
  });

  it('drops a held value that a later write outside a decryption replaced', async () => {
    const { keys, written } = setUp();
    await keys.decrypting(() => keys.save([session('a', '2'), session('b', '2')]));
    keys.assign(['m1']);
    await keys.save([session('a', '3')]);
    await keys.commit(['m1']);
    expect(written).toEqual([[session('a', '3')], [session('b', '2')]]);
  });

  it('lets a message without a receipt claim the decryption not yet assigned', async () => {
    const { keys, written } = setUp();
    await keys.decrypting(() => keys.save([session('a', '2')]));
    await keys.commit(['newsletter-1']);
    expect(written).toEqual([[session('a', '2')]]);
  });

  it('never writes what it held once discarded, so the redelivered message decrypts again', async () => {
    const { keys, written } = setUp();
    await keys.decrypting(() => keys.save([session('a', '2')]));
    keys.assign(['m1']);
    keys.discard();
    await keys.commit(['m1']);
    expect(written).toEqual([]);
  });

  it('keeps the writes held when writing them fails', async () => {
    let fail = true;
    const keys = new HeldKeyWrites(() => (fail ? Promise.reject(new Error('database away')) : Promise.resolve()));
    await keys.decrypting(() => keys.save([session('a', '2')]));
    keys.assign(['m1']);
    await expect(keys.commit(['m1'])).rejects.toThrow('database away');
    expect(keys.held('session', 'a')).toBe('2');
    fail = false;
    await keys.commit(['m1']);
    expect(keys.held('session', 'a')).toBeUndefined();
  });
});
