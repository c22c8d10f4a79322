import { createHash } from 'node:crypto';
import { BadRequestError } from '../core/errors/domain-errors';
import { checkCombination, mediaSource, messageType, requestHash, SendRequest, textOf } from './message-content';

const to = '15550002222';
const normalised: { to: string; replyTo: string | null; mentions: string[] } = {
  to: '15550002222@s.whatsapp.net',
  replyTo: null,
  mentions: [],
};

describe('messageType', () => {
  it.each([
    [{ to, text: 'hi' }, 'text'],
    [{ to, sticker: { mediaId: 'x' } }, 'sticker'],
    [{ to, location: { latitude: 1, longitude: 2 } }, 'location'],
    [{ to, reaction: { messageId: 'A1', emoji: '' } }, 'reaction'],
  ] as [SendRequest, string][])('names the one kind of %j', (request, type) => {
    expect(messageType(request)).toBe(type);
  });

  it('refuses a request without a kind, naming every choice', () => {
    expect(() => messageType({ to })).toThrow(
      new BadRequestError(
        'A message needs exactly one of text, image, video, audio, document, sticker, location, contact, reaction',
      ),
    );
  });

  it('refuses two kinds at once, saying which were given', () => {
    expect(() => messageType({ to, image: { mediaId: 'x' }, audio: { mediaId: 'y' } })).toThrow(
      /exactly one of .* \(got image and audio\)$/,
    );
  });
});

describe('mediaSource', () => {
  it('takes exactly one of mediaId, url, data', () => {
    expect(mediaSource('image', { url: 'https://example.com/a.jpg' })).toEqual({
      kind: 'url',
      url: 'https://example.com/a.jpg',
    });
    expect(() => mediaSource('audio', {})).toThrow('audio needs exactly one of mediaId, url, data');
    expect(() => mediaSource('document', { mediaId: 'm', data: 'AAAA' })).toThrow(BadRequestError);
  });
});

describe('checkCombination', () => {
  it('takes mentions with a text or a caption only', () => {
    expect(() =>
      checkCombination('image', { to, image: { mediaId: 'm', caption: 'hi @1555' }, mentions: ['1555'] }),
    ).not.toThrow();
    expect(() => checkCombination('image', { to, image: { mediaId: 'm' }, mentions: ['1555'] })).toThrow(
      'mentions need a text or a caption (image has none)',
    );
    expect(() => checkCombination('sticker', { to, sticker: { mediaId: 'm' }, mentions: ['1555'] })).toThrow(
      BadRequestError,
    );
  });

  it('refuses a reaction that replies to a message', () => {
    expect(() => checkCombination('reaction', { to, reaction: { messageId: 'A', emoji: '👍' }, replyTo: 'B' })).toThrow(
      BadRequestError,
    );
  });

  it('lets a sticker or a location quote a message', () => {
    expect(() => checkCombination('sticker', { to, sticker: { mediaId: 'm' }, replyTo: 'B' })).not.toThrow();
    expect(() =>
      checkCombination('location', { to, location: { latitude: 0, longitude: 0 }, replyTo: 'B' }),
    ).not.toThrow();
  });
});

describe('textOf', () => {
  it('keeps the caption of captioned kinds and nothing for the others', () => {
    expect(textOf('video', { to, video: { mediaId: 'm', caption: 'look' } })).toBe('look');
    expect(textOf('contact', { to, contact: { displayName: 'A', vcard: 'BEGIN:VCARD' } })).toBe('');
  });
});

describe('requestHash', () => {
  const hash = (request: SendRequest, extra: Partial<typeof normalised> = {}) =>
    requestHash(messageType(request), request, { ...normalised, ...extra });

  it('hashes a text message exactly as before kinds existed, so a retry across an upgrade still matches', () => {
    const before = createHash('sha256')
      .update(JSON.stringify({ to: normalised.to, text: 'hello', replyTo: null, mentions: [] }))
      .digest('hex');
    expect(hash({ to, text: 'hello' })).toBe(before);
  });

  it('tells apart every field of a kind', () => {
    const base: SendRequest = { to, image: { url: 'https://example.com/a.jpg', caption: 'a' } };
    const hashes = [
      hash(base),
      hash({ to, image: { url: 'https://example.com/b.jpg', caption: 'a' } }),
      hash({ to, image: { url: 'https://example.com/a.jpg', caption: 'b' } }),
      hash({ to, image: { url: 'https://example.com/a.jpg', caption: 'a', mimetype: 'image/png' } }),
      hash({ to, video: { url: 'https://example.com/a.jpg', caption: 'a' } }),
      hash(base, { replyTo: 'Q1' }),
      hash(base, { to: '15550003333@s.whatsapp.net' }),
      hash({ to, audio: { mediaId: 'm', ptt: true } }),
      hash({ to, audio: { mediaId: 'm', ptt: false } }),
      hash({ to, reaction: { messageId: 'A', emoji: '👍' } }),
      hash({ to, reaction: { messageId: 'A', emoji: '' } }),
    ];
    expect(new Set(hashes).size).toBe(hashes.length);
  });

  it('hashes base64 data by its content and ignores the order of fields', () => {
    expect(hash({ to, document: { data: 'aGVsbG8=', fileName: 'a.txt' } })).toBe(
      hash({ to, document: { fileName: 'a.txt', data: 'aGVsbG8=' } }),
    );
    expect(hash({ to, document: { data: 'aGVsbG8=' } })).not.toBe(hash({ to, document: { data: 'aGVsbG9=' } }));
  });
});
