import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { MAX_DATA_BYTES, SendMessageDto } from './message.dto';

/** What the global ValidationPipe answers: the messages of every failed constraint, nested ones included. */
function problems(body: object): string[] {
  const errors = validateSync(plainToInstance(SendMessageDto, body), { whitelist: true, forbidNonWhitelisted: true });
  const flatten = (list: typeof errors, path: string): string[] =>
    list.flatMap((error) => [
      ...Object.values(error.constraints ?? {}).map((message) => `${path}${message}`),
      ...flatten(error.children ?? [], `${path}${error.property}.`),
    ]);
  return flatten(errors, '');
}

const to = '15550002222';

describe('SendMessageDto', () => {
  it('takes every kind in its documented shape', () => {
    expect(problems({ to, text: 'hi', replyTo: '3EB0AA', mentions: ['15550001111'] })).toEqual([]);
    expect(problems({ to, image: { url: 'https://example.com/a.jpg', caption: 'x', mimetype: 'image/jpeg' } })).toEqual(
      [],
    );
    expect(problems({ to, audio: { data: 'aGVsbG8=', ptt: true, mimetype: 'audio/ogg; codecs=opus' } })).toEqual([]);
    expect(problems({ to, location: { latitude: -90, longitude: 180, name: 'Pole' } })).toEqual([]);
    expect(problems({ to, contact: { displayName: 'Ana', vcard: 'BEGIN:VCARD\nEND:VCARD' } })).toEqual([]);
    expect(problems({ to, reaction: { messageId: '3EB0AA', emoji: '' } })).toEqual([]);
  });

  it('refuses a caption on a sticker or an audio, and ptt on an image, as unknown fields', () => {
    expect(problems({ to, sticker: { mediaId: '0b7c6a3e-4f0e-4e55-9d2c-2f1b1f1f1f1f', caption: 'x' } })).toEqual([
      'sticker.property caption should not exist',
    ]);
    expect(problems({ to, audio: { data: 'aGVsbG8=', caption: 'x' } })).toEqual([
      'audio.property caption should not exist',
    ]);
    expect(problems({ to, image: { data: 'aGVsbG8=', ptt: true } })).toEqual(['image.property ptt should not exist']);
  });

  it('refuses coordinates off the globe', () => {
    expect(problems({ to, location: { latitude: 90.5, longitude: 0 } })).toEqual([
      'location.latitude must not be greater than 90',
    ]);
    expect(problems({ to, location: { latitude: 0, longitude: -181 } })).toEqual([
      'location.longitude must not be less than -180',
    ]);
    expect(problems({ to, location: { latitude: '1', longitude: 0 } })).toContain(
      'location.latitude must be a number conforming to the specified constraints',
    );
  });

  it('refuses data that is not base64, a vCard that is not one, and a kind that is not an object', () => {
    expect(problems({ to, document: { data: 'not base64!' } })).toEqual(['document.data must be base64 encoded']);
    expect(problems({ to, contact: { displayName: 'Ana', vcard: 'Ana' } })).toEqual([
      'contact.vcard must be a vCard (BEGIN:VCARD…)',
    ]);
    expect(problems({ to, image: 'https://example.com/a.jpg' })).toContain('image must be an object');
  });

  it('takes data of exactly 5 MiB decoded and refuses a byte more, though both encode to the same length', () => {
    const base64Of = (bytes: number) => Buffer.alloc(bytes, 1).toString('base64');
    expect(problems({ to, document: { data: base64Of(MAX_DATA_BYTES) } })).toEqual([]);
    expect(base64Of(MAX_DATA_BYTES + 1)).toHaveLength(base64Of(MAX_DATA_BYTES).length);
    expect(problems({ to, document: { data: base64Of(MAX_DATA_BYTES + 1) } })).toEqual([
      `document.data must decode to at most ${MAX_DATA_BYTES} bytes`,
    ]);
  });

  it('refuses unknown fields inside a kind', () => {
    expect(problems({ to, reaction: { messageId: '3EB0AA', emoji: '👍', key: {} } })).toEqual([
      'reaction.property key should not exist',
    ]);
  });
});
