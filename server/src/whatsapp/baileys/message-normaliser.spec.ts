import type { WAMessage } from '@whiskeysockets/baileys';
import { Baileys, loadBaileys } from './baileys';
import {
  ackFromReceipt,
  ackFromUpdate,
  isDecryptionFailure,
  LidMapping,
  normaliseMessage,
  NormaliseContext,
} from './message-normaliser';
import { RecentIds } from './recent-ids';

const ALICE_PN = '15550000001@s.whatsapp.net';
const ALICE_LID = '70000000001@lid';
const SELF_PN = '15559999999@s.whatsapp.net';
const SELF_LID = '79999999999@lid';
const GROUP = '120363000000000001@g.us';

function mapping(pairs: [lid: string, pn: string][]): LidMapping {
  return {
    pnForLid: async (lid) => pairs.find(([known]) => known === lid)?.[1] ?? null,
    lidForPn: async (pn) => pairs.find(([, known]) => known === pn)?.[0] ?? null,
  };
}

describe('normaliseMessage', () => {
  let baileys: Baileys;

  beforeAll(async () => {
    baileys = await loadBaileys();
  });

  function context(overrides: Partial<NormaliseContext> = {}): NormaliseContext {
    return {
      sessionId: 'session-1',
      offline: false,
      self: { pn: SELF_PN, lid: SELF_LID },
      mapping: mapping([[ALICE_LID, ALICE_PN]]),
      ...overrides,
    };
  }

  function message(fields: Partial<WAMessage> & { key: WAMessage['key'] }): WAMessage {
    return { messageTimestamp: 1_764_000_000, pushName: 'Alice', ...fields } as WAMessage;
  }

  function normalised(
    fields: Partial<WAMessage> & { key: WAMessage['key'] },
    overrides: Partial<NormaliseContext> = {},
  ) {
    return normaliseMessage(baileys, message(fields), context(overrides));
  }

  /** The message part of what a message normalises to; fails the test for a reaction, edit or deletion. */
  async function messageOf(input: WAMessage, normaliseContext: NormaliseContext) {
    const result = await normaliseMessage(baileys, input, normaliseContext);
    if (result && result.kind !== 'message') throw new Error(`Expected a message, got a ${result.kind}`);
    return result?.message ?? null;
  }

  it('reads a direct text from a PN sender with both JIDs, without device parts', async () => {
    const received = await messageOf(
      message({
        key: { id: 'M1', remoteJid: '15550000001:2@s.whatsapp.net', remoteJidAlt: '70000000001:2@lid', fromMe: false },
        message: { conversation: 'hello' },
      }),
      context(),
    );
    expect(received).toEqual({
      sessionId: 'session-1',
      messageId: 'M1',
      chatJid: ALICE_PN,
      chatType: 'direct',
      senderPn: ALICE_PN,
      senderLid: ALICE_LID,
      pushName: 'Alice',
      type: 'text',
      unsupported: null,
      text: 'hello',
      location: null,
      contact: null,
      mentionedJids: [],
      quotedMessageId: null,
      quotedSender: null,
      timestamp: '2025-11-24T16:00:00.000Z',
      fromMe: false,
      offline: false,
    });
  });

  it('resolves a LID-only sender to its PN through the LID mapping and answers in the PN chat', async () => {
    const received = await messageOf(
      message({ key: { id: 'M2', remoteJid: ALICE_LID, fromMe: false }, message: { conversation: 'hi' } }),
      context(),
    );
    expect(received).toMatchObject({ chatJid: ALICE_PN, senderPn: ALICE_PN, senderLid: ALICE_LID });
  });

  it('fills the LID of a PN-only sender from the mapping', async () => {
    const received = await messageOf(
      message({ key: { id: 'M3', remoteJid: ALICE_PN, fromMe: false }, message: { conversation: 'hi' } }),
      context(),
    );
    expect(received).toMatchObject({ senderPn: ALICE_PN, senderLid: ALICE_LID });
  });

  it('keeps the LID as chat and leaves the PN empty when nobody mapped the LID yet', async () => {
    const received = await messageOf(
      message({ key: { id: 'M4', remoteJid: ALICE_LID, fromMe: false }, message: { conversation: 'hi' } }),
      context({ mapping: mapping([]) }),
    );
    expect(received).toMatchObject({ chatJid: ALICE_LID, senderPn: null, senderLid: ALICE_LID });
  });

  it('reads a group message with its participant, mentions and quoted message', async () => {
    const received = await messageOf(
      message({
        key: { id: 'G1', remoteJid: GROUP, participant: ALICE_LID, participantAlt: ALICE_PN, fromMe: false },
        message: {
          extendedTextMessage: {
            text: '@79999999999 look',
            contextInfo: { mentionedJid: [SELF_LID], stanzaId: 'Q1', participant: '15550000002:4@s.whatsapp.net' },
          },
        },
      }),
      context({ mapping: mapping([]) }),
    );
    expect(received).toMatchObject({
      chatJid: GROUP,
      chatType: 'group',
      senderPn: ALICE_PN,
      senderLid: ALICE_LID,
      text: '@79999999999 look',
      mentionedJids: [SELF_LID],
      quotedMessageId: 'Q1',
      quotedSender: '15550000002@s.whatsapp.net',
    });
  });

  it('resolves a LID-addressed group participant to its PN', async () => {
    const received = await messageOf(
      message({
        key: { id: 'G2', remoteJid: GROUP, participant: '70000000001:5@lid', fromMe: false },
        message: { conversation: 'hi all' },
      }),
      context(),
    );
    expect(received).toMatchObject({ senderPn: ALICE_PN, senderLid: ALICE_LID, chatJid: GROUP });
  });

  it('takes the caption of a media message, also inside an ephemeral wrapper', async () => {
    const received = await messageOf(
      message({
        key: { id: 'I1', remoteJid: ALICE_PN, fromMe: false },
        message: { ephemeralMessage: { message: { imageMessage: { caption: 'a photo', mimetype: 'image/jpeg' } } } },
      }),
      context(),
    );
    expect(received?.text).toBe('a photo');
  });

  it('has no text for media without caption but is still a message', async () => {
    const received = await messageOf(
      message({ key: { id: 'A1', remoteJid: ALICE_PN, fromMe: false }, message: { audioMessage: { seconds: 3 } } }),
      context(),
    );
    expect(received).toMatchObject({ messageId: 'A1', text: null });
  });

  it('names this account as the sender of its own messages and marks offline delivery', async () => {
    const received = await messageOf(
      message({ key: { id: 'O1', remoteJid: ALICE_LID, fromMe: true }, message: { conversation: 'sent from phone' } }),
      context({ offline: true }),
    );
    expect(received).toMatchObject({
      fromMe: true,
      offline: true,
      senderPn: SELF_PN,
      senderLid: SELF_LID,
      chatJid: ALICE_PN,
    });
  });

  describe('types', () => {
    const mediaKey = new Uint8Array(32).fill(7);
    const fileSha256 = new Uint8Array(32).fill(9);
    const file = {
      mediaKey,
      fileSha256,
      directPath: '/v/t62/abc',
      url: 'https://mmg.whatsapp.net/v/t62/abc',
      fileLength: 1234,
    };

    it.each([
      ['text', { conversation: 'hi' }, 'hi'],
      ['text', { extendedTextMessage: { text: 'a link https://example.com' } }, 'a link https://example.com'],
      ['image', { imageMessage: { ...file, caption: 'pic', mimetype: 'image/png', width: 4, height: 3 } }, 'pic'],
      ['video', { videoMessage: { ...file, seconds: 7, width: 640, height: 480 } }, null],
      ['audio', { audioMessage: { ...file, ptt: true, seconds: 2, mimetype: 'audio/ogg; codecs=opus' } }, null],
      ['document', { documentMessage: { ...file, fileName: 'a.pdf', mimetype: 'application/pdf' } }, null],
      ['sticker', { stickerMessage: { ...file, mimetype: 'image/webp' } }, null],
      ['location', { locationMessage: { degreesLatitude: 52.5, degreesLongitude: 13.4, name: 'Berlin' } }, null],
      ['contact', { contactMessage: { displayName: 'Bob', vcard: 'BEGIN:VCARD\nEND:VCARD' } }, null],
    ])('reads a %s message', async (type, content, text) => {
      const received = await normalised({ key: { id: 'T1', remoteJid: ALICE_PN }, message: content });
      expect(received).toMatchObject({ kind: 'message', message: { type, text, unsupported: null } });
    });

    it('describes an image with what it takes to download it, the key as base64 and never raw', async () => {
      const received = await normalised({
        key: { id: 'I2', remoteJid: ALICE_PN },
        message: { imageMessage: { ...file, caption: 'pic', mimetype: 'image/png', width: 4, height: 3 } },
      });
      expect(received).toMatchObject({
        kind: 'message',
        attachment: {
          mimetype: 'image/png',
          size: 1234,
          caption: 'pic',
          ptt: false,
          width: 4,
          height: 3,
          download: {
            type: 'image',
            directPath: '/v/t62/abc',
            url: 'https://mmg.whatsapp.net/v/t62/abc',
            mediaKey: Buffer.from(mediaKey).toString('base64'),
            fileSha256: Buffer.from(fileSha256).toString('base64'),
          },
        },
      });
    });

    it('marks a voice note as ptt with its duration', async () => {
      const received = await normalised({
        key: { id: 'A2', remoteJid: ALICE_PN },
        message: { audioMessage: { ...file, ptt: true, seconds: 2 } },
      });
      expect(received).toMatchObject({
        attachment: { ptt: true, seconds: 2, mimetype: 'audio/ogg; codecs=opus', download: { type: 'audio' } },
      });
    });

    it('reads a document with caption (documentWithCaptionMessage) with its file name and caption as text', async () => {
      const received = await normalised({
        key: { id: 'D1', remoteJid: ALICE_PN },
        message: {
          documentWithCaptionMessage: {
            message: {
              documentMessage: { ...file, fileName: 'a.pdf', caption: 'the invoice', mimetype: 'application/pdf' },
            },
          },
        },
      });
      expect(received).toMatchObject({
        message: { type: 'document', text: 'the invoice' },
        attachment: { fileName: 'a.pdf', caption: 'the invoice', download: { type: 'document' } },
      });
    });

    it.each([
      ['ephemeral', (inner: object) => ({ ephemeralMessage: { message: inner } })],
      ['view once', (inner: object) => ({ viewOnceMessage: { message: inner } })],
      ['view once v2', (inner: object) => ({ viewOnceMessageV2: { message: inner } })],
    ])('unwraps an %s image', async (_name, wrap) => {
      const received = await normalised({
        key: { id: 'W1', remoteJid: ALICE_PN },
        message: wrap({ imageMessage: { ...file, caption: 'secret' } }),
      });
      expect(received).toMatchObject({ message: { type: 'image', text: 'secret' }, attachment: { caption: 'secret' } });
    });

    it('gives a media message that names no file an attachment without download', async () => {
      const received = await normalised({ key: { id: 'N1', remoteJid: ALICE_PN }, message: { imageMessage: {} } });
      expect(received).toMatchObject({
        message: { type: 'image' },
        attachment: { download: null, mimetype: 'image/jpeg' },
      });
    });

    it('reads a location and a contact into their fields', async () => {
      const location = await normalised({
        key: { id: 'L1', remoteJid: ALICE_PN },
        message: {
          locationMessage: { degreesLatitude: 52.5, degreesLongitude: 13.4, name: 'Berlin', address: 'Mitte' },
        },
      });
      expect(location).toMatchObject({
        message: { location: { latitude: 52.5, longitude: 13.4, name: 'Berlin', address: 'Mitte' }, contact: null },
        attachment: null,
      });
      const contact = await normalised({
        key: { id: 'C2', remoteJid: ALICE_PN },
        message: { contactMessage: { displayName: 'Bob', vcard: 'BEGIN:VCARD' } },
      });
      expect(contact).toMatchObject({
        message: { contact: { displayName: 'Bob', vcard: 'BEGIN:VCARD' }, location: null },
      });
    });

    it('names the kind of content it does not describe', async () => {
      const received = await normalised({
        key: { id: 'U1', remoteJid: ALICE_PN },
        message: { pollCreationMessage: { name: 'Lunch?', options: [{ optionName: 'yes' }] } },
      });
      expect(received).toMatchObject({
        kind: 'message',
        message: { type: 'unsupported', unsupported: 'pollCreationMessage', text: null },
        attachment: null,
      });
    });
  });

  describe('reactions, edits and deletions', () => {
    it('reads a reaction with the message it is about', async () => {
      const received = await normalised({
        key: { id: 'R2', remoteJid: ALICE_PN, fromMe: false },
        message: { reactionMessage: { key: { id: 'T9', remoteJid: ALICE_PN, fromMe: true }, text: '❤️' } },
      });
      expect(received).toEqual({
        kind: 'reaction',
        reaction: {
          sessionId: 'session-1',
          chatJid: ALICE_PN,
          chatType: 'direct',
          senderPn: ALICE_PN,
          senderLid: ALICE_LID,
          pushName: 'Alice',
          reactionId: 'R2',
          targetMessageId: 'T9',
          targetFromMe: true,
          emoji: '❤️',
          fromMe: false,
          timestamp: '2025-11-24T16:00:00.000Z',
        },
      });
    });

    it('reads a removed reaction as an empty emoji', async () => {
      const received = await normalised({
        key: { id: 'R3', remoteJid: ALICE_PN },
        message: { reactionMessage: { key: { id: 'T9', remoteJid: ALICE_PN }, text: '' } },
      });
      expect(received).toMatchObject({ kind: 'reaction', reaction: { emoji: '' } });
    });

    it('knows a group reaction is to this account’s message by the author its key names', async () => {
      const mine = await normalised({
        key: { id: 'R4', remoteJid: GROUP, participant: ALICE_PN },
        message: {
          reactionMessage: { key: { id: 'T1', remoteJid: GROUP, participant: SELF_LID, fromMe: false }, text: '👍' },
        },
      });
      expect(mine).toMatchObject({ reaction: { targetFromMe: true, chatType: 'group', chatJid: GROUP } });
      const theirs = await normalised({
        key: { id: 'R5', remoteJid: GROUP, participant: ALICE_PN },
        message: {
          reactionMessage: { key: { id: 'T1', remoteJid: GROUP, participant: ALICE_PN, fromMe: true }, text: '👍' },
        },
      });
      expect(theirs).toMatchObject({ reaction: { targetFromMe: false } });
    });

    it('reads an edit, also inside the editedMessage wrapper, with its new text and time', async () => {
      const protocolMessage = {
        type: 14,
        key: { id: 'T2', remoteJid: ALICE_PN, fromMe: true },
        editedMessage: { extendedTextMessage: { text: 'corrected' } },
        timestampMs: 1_764_000_060_000,
      };
      for (const content of [{ protocolMessage }, { editedMessage: { message: { protocolMessage } } }]) {
        const received = await normalised({ key: { id: 'E1', remoteJid: ALICE_PN, fromMe: false }, message: content });
        expect(received).toMatchObject({
          kind: 'edit',
          edit: {
            editId: 'E1',
            targetMessageId: 'T2',
            targetFromMe: false,
            text: 'corrected',
            editedAt: '2025-11-24T16:01:00.000Z',
            fromMe: false,
            senderPn: ALICE_PN,
          },
        });
      }
    });

    it('reads a deletion for everyone of the sender’s own message', async () => {
      const received = await normalised({
        key: { id: 'X2', remoteJid: ALICE_PN, fromMe: true },
        message: { protocolMessage: { type: 0, key: { id: 'T3', remoteJid: ALICE_PN, fromMe: true } } },
      });
      expect(received).toMatchObject({
        kind: 'revoke',
        revoke: { revokeId: 'X2', targetMessageId: 'T3', targetFromMe: true, fromMe: true, senderPn: SELF_PN },
      });
    });
  });

  it.each([
    [
      'a deletion naming no message',
      { key: { id: 'P1', remoteJid: ALICE_PN }, message: { protocolMessage: { type: 0 } } },
    ],
    [
      'a protocol message other than an edit or deletion',
      { key: { id: 'P2', remoteJid: ALICE_PN }, message: { protocolMessage: { type: 3, key: { id: 'X' } } } },
    ],
    [
      'a reaction naming no message',
      { key: { id: 'R1', remoteJid: ALICE_PN }, message: { reactionMessage: { text: '👍' } } },
    ],
    [
      'a poll vote',
      {
        key: { id: 'V1', remoteJid: ALICE_PN },
        message: { pollUpdateMessage: { pollCreationMessageKey: { id: 'P' } } },
      },
    ],
    ['a stub', { key: { id: 'S1', remoteJid: GROUP, participant: ALICE_PN }, messageStubType: 1 }],
    [
      'an undecryptable placeholder',
      { key: { id: 'C1', remoteJid: ALICE_PN }, messageStubType: 2, message: { conversation: '' } },
    ],
    [
      'a status update',
      { key: { id: 'B1', remoteJid: 'status@broadcast', participant: ALICE_PN }, message: { conversation: 'story' } },
    ],
    [
      'a bare sender key distribution',
      {
        key: { id: 'K1', remoteJid: GROUP, participant: ALICE_PN },
        message: { senderKeyDistributionMessage: { groupId: GROUP } },
      },
    ],
  ])('skips %s', async (_name, fields) => {
    expect(await normalised(fields as WAMessage)).toBeNull();
  });
});

describe('isDecryptionFailure', () => {
  let baileys: Baileys;

  beforeAll(async () => {
    baileys = await loadBaileys();
  });

  function stub(fields: Partial<WAMessage>): WAMessage {
    return { key: { id: 'C1', remoteJid: ALICE_PN }, messageTimestamp: 1_764_000_000, ...fields } as WAMessage;
  }

  it('counts the placeholder of a message that could not be decrypted', () => {
    const ciphertext = baileys.proto.WebMessageInfo.StubType.CIPHERTEXT;
    expect(
      isDecryptionFailure(baileys, stub({ messageStubType: ciphertext, messageStubParameters: ['Bad MAC'] })),
    ).toBe(true);
  });

  it('does not count a message that arrived with nothing to decrypt', () => {
    const ciphertext = baileys.proto.WebMessageInfo.StubType.CIPHERTEXT;
    const parameters = [baileys.NO_MESSAGE_FOUND_ERROR_TEXT];
    expect(isDecryptionFailure(baileys, stub({ messageStubType: ciphertext, messageStubParameters: parameters }))).toBe(
      false,
    );
  });

  it('does not count a message that was read', () => {
    expect(isDecryptionFailure(baileys, stub({ message: { conversation: 'hello' } }))).toBe(false);
  });
});

describe('acks of sent messages', () => {
  let baileys: Baileys;

  beforeAll(async () => {
    baileys = await loadBaileys();
  });

  it.each([
    [2, 'server'],
    [3, 'delivered'],
    [4, 'read'],
    [5, 'read'],
  ])('turns a direct-chat status %p into %s', (status, expected) => {
    const ack = ackFromUpdate(baileys, 's1', {
      key: { id: 'M1', remoteJid: '15550000001:3@s.whatsapp.net', fromMe: true },
      update: { status },
    });
    expect(ack).toMatchObject({
      sessionId: 's1',
      messageId: 'M1',
      chatJid: ALICE_PN,
      chatType: 'direct',
      recipient: null,
      status: expected,
    });
  });

  it('ignores receipts for messages this account did not send, and errors', () => {
    expect(
      ackFromUpdate(baileys, 's1', { key: { id: 'M1', remoteJid: ALICE_PN, fromMe: false }, update: { status: 4 } }),
    ).toBeNull();
    expect(
      ackFromUpdate(baileys, 's1', { key: { id: 'M1', remoteJid: ALICE_PN, fromMe: true }, update: { status: 0 } }),
    ).toBeNull();
  });

  it('names the group member whose device received or read the message', () => {
    const key = { id: 'G1', remoteJid: GROUP, fromMe: true };
    expect(
      ackFromReceipt(baileys, 's1', { key, receipt: { userJid: ALICE_PN, receiptTimestamp: 1_764_000_000 } }),
    ).toEqual({
      sessionId: 's1',
      messageId: 'G1',
      chatJid: GROUP,
      chatType: 'group',
      recipient: ALICE_PN,
      status: 'delivered',
      at: '2025-11-24T16:00:00.000Z',
    });
    expect(
      ackFromReceipt(baileys, 's1', { key, receipt: { userJid: ALICE_PN, readTimestamp: 1_764_000_000 } })?.status,
    ).toBe('read');
  });
});

describe('RecentIds', () => {
  it('accepts an id once and refuses a repeat', () => {
    const ids = new RecentIds(10);
    expect(ids.add('a')).toBe(true);
    expect(ids.add('a')).toBe(false);
  });

  it('forgets the oldest id beyond its capacity', () => {
    const ids = new RecentIds(2);
    ids.add('a');
    ids.add('b');
    ids.add('c');
    expect(ids.add('b')).toBe(false);
    expect(ids.add('a')).toBe(true);
  });
});
