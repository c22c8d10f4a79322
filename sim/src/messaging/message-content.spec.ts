import { outgoingMessage, readContent, textMessage } from './message-content';

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
      quoted: { id: 'ABC', author: '5511900000001@s.whatsapp.net', message: { conversation: 'ok?' } },
    });

    expect(message.extendedTextMessage?.contextInfo).toEqual({
      stanzaId: 'ABC',
      participant: '5511900000001@s.whatsapp.net',
      quotedMessage: { conversation: 'ok?' },
    });
  });
});

describe('outgoingMessage', () => {
  const key = { remoteJid: '120363000000000001@g.us', fromMe: false, id: 'M1', participant: '1@lid' };

  it('sends a reaction with the key of the reacted message', () => {
    expect(outgoingMessage({ type: 'reaction', key, emoji: '👍' }, { mentionedJids: [] }, 5000)).toEqual({
      reactionMessage: { key, text: '👍', senderTimestampMs: 5000 },
    });
  });

  it('encodes an edit as Baileys does: a MESSAGE_EDIT protocol message carrying the new text', () => {
    expect(outgoingMessage({ type: 'edit', key, text: 'fixed' }, { mentionedJids: [] }, 5000)).toEqual({
      protocolMessage: { key, type: 14, editedMessage: { conversation: 'fixed' }, timestampMs: 5000 },
    });
  });

  it('puts mentions of a location in its contextInfo', () => {
    const message = outgoingMessage(
      { type: 'location', location: { latitude: 1.5, longitude: -2.25 } },
      { mentionedJids: ['1@lid'] },
      5000,
    );
    expect(message.locationMessage).toMatchObject({
      degreesLatitude: 1.5,
      degreesLongitude: -2.25,
      contextInfo: { mentionedJid: ['1@lid'] },
    });
  });
});

describe('readContent', () => {
  it('reads mentions and the quoted id of an extended text', () => {
    const read = readContent({
      extendedTextMessage: { text: 'hello', contextInfo: { mentionedJid: ['1@lid'], stanzaId: 'Q1' } },
    });

    expect(read).toEqual({ type: 'text', text: 'hello', mentions: ['1@lid'], quotedId: 'Q1' });
  });

  it('unwraps a message sent with disappearing messages on', () => {
    expect(readContent({ ephemeralMessage: { message: { conversation: 'gone soon' } } })).toEqual({
      type: 'text',
      text: 'gone soon',
      mentions: [],
      quotedId: null,
    });
  });

  it('reads a captioned document inside its wrapper, with where to fetch it', () => {
    const read = readContent({
      documentWithCaptionMessage: {
        message: {
          documentMessage: {
            mimetype: 'application/pdf',
            fileName: 'a.pdf',
            caption: 'see',
            fileLength: 12,
            mediaKey: Buffer.alloc(32, 1),
            directPath: '/v/x.enc?oh=1',
          },
        },
      },
    });
    expect(read).toMatchObject({
      type: 'document',
      text: 'see',
      media: { mimetype: 'application/pdf', fileName: 'a.pdf', size: 12, sha256: null, caption: 'see', ptt: null },
      mediaReference: { kind: 'document', location: '/v/x.enc?oh=1' },
    });
  });

  it('reads a reaction, an edit and a revoke by the id they refer to', () => {
    const key = { id: 'M1' };
    expect(readContent({ reactionMessage: { key, text: '' } })?.reaction).toEqual({ messageId: 'M1', emoji: '' });
    expect(readContent({ protocolMessage: { key, type: 14, editedMessage: { conversation: 'new' } } })?.edit).toEqual({
      messageId: 'M1',
      text: 'new',
    });
    expect(readContent({ protocolMessage: { key, type: 0 } })?.revoke).toEqual({ messageId: 'M1' });
  });

  it('shows nothing of a message that only distributes a sender key', () => {
    expect(readContent({ senderKeyDistributionMessage: { groupId: 'g' } })).toBeUndefined();
  });
});
