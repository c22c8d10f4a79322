import { BadRequestError } from '../core/errors/domain-errors';
import { newMessageId, parseMentions, parseRecipient, userJid } from './recipient';

describe('recipients', () => {
  it.each([
    ['15551234567', '15551234567@s.whatsapp.net'],
    ['+1 (555) 123-4567', '15551234567@s.whatsapp.net'],
    ['15551234567@s.whatsapp.net', '15551234567@s.whatsapp.net'],
    ['15551234567@c.us', '15551234567@s.whatsapp.net'],
    ['123456789012345@lid', '123456789012345@lid'],
  ])('sends %s to %s', (to, jid) => {
    expect(parseRecipient(to)).toEqual({ jid, type: 'direct' });
  });

  it('sends to a group by its JID', () => {
    expect(parseRecipient('120363025246125486@g.us')).toEqual({ jid: '120363025246125486@g.us', type: 'group' });
    expect(parseRecipient('15551234567-1609459200@g.us').type).toBe('group');
  });

  it.each(['', 'hello', '123', '15551234567@example.com', '15551234567:3@s.whatsapp.net', 'abc@g.us'])(
    'refuses %j with a 400',
    (to) => {
      expect(() => parseRecipient(to)).toThrow(BadRequestError);
    },
  );

  it('accepts people, not groups, as mentions', () => {
    expect(parseMentions(['15550001111', '900100200300@lid'])).toEqual([
      '15550001111@s.whatsapp.net',
      '900100200300@lid',
    ]);
    expect(() => parseMentions(['120363025246125486@g.us'])).toThrow(BadRequestError);
    expect(userJid('nobody')).toBeNull();
  });

  it('chooses message ids shaped like WhatsApp Web’s', () => {
    const id = newMessageId();
    expect(id).toMatch(/^3EB0[0-9A-F]{18}$/);
    expect(newMessageId()).not.toBe(id);
  });
});
