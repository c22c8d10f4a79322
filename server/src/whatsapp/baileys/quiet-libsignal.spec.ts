import { quietLibsignal } from './quiet-libsignal';

describe('quietLibsignal', () => {
  it('drops libsignal’s session dumps and keeps every other console line', () => {
    const printed: unknown[][] = [];
    const original = console.info;
    console.info = (...args: unknown[]) => void printed.push(args);
    try {
      quietLibsignal();
      console.info('Closing session:', { privKey: Buffer.alloc(32) });
      console.info('Opening session:', {});
      console.info('an unrelated line', 1);
    } finally {
      console.info = original;
    }
    expect(printed).toEqual([['an unrelated line', 1]]);
  });
});
