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

  it('reads a direct text from a PN sender with both JIDs, without device parts', async () => {
    const received = await normaliseMessage(
      baileys,
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
      text: 'hello',
      mentionedJids: [],
      quotedMessageId: null,
      quotedSender: null,
      timestamp: '2025-11-24T16:00:00.000Z',
      fromMe: false,
      offline: false,
    });
  });

  it('resolves a LID-only sender to its PN through the LID mapping and answers in the PN chat', async () => {
    const received = await normaliseMessage(
      baileys,
      message({ key: { id: 'M2', remoteJid: ALICE_LID, fromMe: false }, message: { conversation: 'hi' } }),
      context(),
    );
    expect(received).toMatchObject({ chatJid: ALICE_PN, senderPn: ALICE_PN, senderLid: ALICE_LID });
  });

  it('fills the LID of a PN-only sender from the mapping', async () => {
    const received = await normaliseMessage(
      baileys,
      message({ key: { id: 'M3', remoteJid: ALICE_PN, fromMe: false }, message: { conversation: 'hi' } }),
      context(),
    );
    expect(received).toMatchObject({ senderPn: ALICE_PN, senderLid: ALICE_LID });
  });

  it('keeps the LID as chat and leaves the PN empty when nobody mapped the LID yet', async () => {
    const received = await normaliseMessage(
      baileys,
      message({ key: { id: 'M4', remoteJid: ALICE_LID, fromMe: false }, message: { conversation: 'hi' } }),
      context({ mapping: mapping([]) }),
    );
    expect(received).toMatchObject({ chatJid: ALICE_LID, senderPn: null, senderLid: ALICE_LID });
  });

  it('reads a group message with its participant, mentions and quoted message', async () => {
    const received = await normaliseMessage(
      baileys,
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
    const received = await normaliseMessage(
      baileys,
      message({
        key: { id: 'G2', remoteJid: GROUP, participant: '70000000001:5@lid', fromMe: false },
        message: { conversation: 'hi all' },
      }),
      context(),
    );
    expect(received).toMatchObject({ senderPn: ALICE_PN, senderLid: ALICE_LID, chatJid: GROUP });
  });

  it('takes the caption of a media message, also inside an ephemeral wrapper', async () => {
    const received = await normaliseMessage(
      baileys,
      message({
        key: { id: 'I1', remoteJid: ALICE_PN, fromMe: false },
        message: { ephemeralMessage: { message: { imageMessage: { caption: 'a photo', mimetype: 'image/jpeg' } } } },
      }),
      context(),
    );
    expect(received?.text).toBe('a photo');
  });

  it('has no text for media without caption but is still a message', async () => {
    const received = await normaliseMessage(
      baileys,
      message({ key: { id: 'A1', remoteJid: ALICE_PN, fromMe: false }, message: { audioMessage: { seconds: 3 } } }),
      context(),
    );
    expect(received).toMatchObject({ messageId: 'A1', text: null });
  });

  it('names this account as the sender of its own messages and marks offline delivery', async () => {
    const received = await normaliseMessage(
      baileys,
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

  it.each([
    ['a protocol message', { key: { id: 'P1', remoteJid: ALICE_PN }, message: { protocolMessage: { type: 0 } } }],
    ['a reaction', { key: { id: 'R1', remoteJid: ALICE_PN }, message: { reactionMessage: { text: '👍' } } }],
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
    expect(await normaliseMessage(baileys, message(fields as WAMessage), context())).toBeNull();
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
