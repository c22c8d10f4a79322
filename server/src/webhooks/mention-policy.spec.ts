import { bareJid, forwardsMessage, mentionOf } from './mention-policy';

const account = { pn: '15550001111@s.whatsapp.net', lid: '900100200300@lid' };

describe('mention-aware group policy', () => {
  it('recognises a mention by the account’s phone-number JID', () => {
    expect(mentionOf({ mentionedJids: ['15550001111@s.whatsapp.net'], quotedSender: null }, account)).toEqual({
      mentioned: true,
      mentionedBy: 'pn',
    });
  });

  it('recognises a mention by LID only', () => {
    expect(mentionOf({ mentionedJids: ['900100200300@lid'], quotedSender: null }, account)).toEqual({
      mentioned: true,
      mentionedBy: 'lid',
    });
  });

  it('recognises a reply to one of the account’s messages by either id', () => {
    expect(mentionOf({ mentionedJids: [], quotedSender: '15550001111@s.whatsapp.net' }, account).mentionedBy).toBe(
      'reply',
    );
    expect(mentionOf({ mentionedJids: [], quotedSender: '900100200300@lid' }, account).mentionedBy).toBe('reply');
  });

  it('ignores the device part of JIDs', () => {
    expect(mentionOf({ mentionedJids: ['15550001111:7@s.whatsapp.net'], quotedSender: null }, account).mentioned).toBe(
      true,
    );
    expect(bareJid('900100200300:3@lid')).toBe('900100200300@lid');
  });

  it('is not addressed by a mention of someone else or a reply to someone else', () => {
    expect(
      mentionOf({ mentionedJids: ['15559999999@s.whatsapp.net'], quotedSender: '15559999999@s.whatsapp.net' }, account),
    ).toEqual({ mentioned: false, mentionedBy: null });
  });

  it('cannot be addressed by an identity the account does not know yet', () => {
    expect(mentionOf({ mentionedJids: ['900100200300@lid'], quotedSender: null }, { ...account, lid: null })).toEqual({
      mentioned: false,
      mentionedBy: null,
    });
  });

  it('always forwards direct messages and applies the policy to groups', () => {
    expect(forwardsMessage('none', 'direct', false)).toBe(true);
    expect(forwardsMessage('mentions', 'group', false)).toBe(false);
    expect(forwardsMessage('mentions', 'group', true)).toBe(true);
    expect(forwardsMessage('all', 'group', false)).toBe(true);
    expect(forwardsMessage('none', 'group', true)).toBe(false);
  });
});
