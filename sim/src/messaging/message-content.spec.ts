import { readText, textMessage } from './message-content';

describe('textMessage', () => {
  it('sends plain text as conversation', () => {
    expect(textMessage({ text: 'hi', mentionedJids: [] })).toEqual({ conversation: 'hi' });
  });

  it('puts mentions in extendedTextMessage.contextInfo.mentionedJid', () => {
    expect(textMessage({ text: '@123 hi', mentionedJids: ['123@lid'] })).toEqual({
      extendedTextMessage: { text: '@123 hi', contextInfo: { mentionedJid: ['123@lid'] } },
    });
  });

  it('quotes with stanzaId, participant and the quoted text', () => {
    const message = textMessage({
      text: 'yes',
      mentionedJids: [],
      quoted: { id: 'ABC', author: '5511900000001@s.whatsapp.net', text: 'ok?' },
    });

    expect(message.extendedTextMessage?.contextInfo).toEqual({
      stanzaId: 'ABC',
      participant: '5511900000001@s.whatsapp.net',
      quotedMessage: { conversation: 'ok?' },
    });
  });
});

describe('readText', () => {
  it('reads mentions and the quoted id of an extended text', () => {
    const read = readText({
      extendedTextMessage: { text: 'hello', contextInfo: { mentionedJid: ['1@lid'], stanzaId: 'Q1' } },
    });

    expect(read).toEqual({ text: 'hello', mentions: ['1@lid'], quotedId: 'Q1' });
  });

  it('unwraps a message sent with disappearing messages on', () => {
    expect(readText({ ephemeralMessage: { message: { conversation: 'gone soon' } } })).toEqual({
      text: 'gone soon',
      mentions: [],
      quotedId: null,
    });
  });

  it('reports null text for a message without text', () => {
    expect(readText({ reactionMessage: { text: '👍' } }).text).toBeNull();
  });
});
