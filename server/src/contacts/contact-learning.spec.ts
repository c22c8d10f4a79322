import { Logger } from '@nestjs/common';
import { FakeClock } from '../../test/support/fake-clock';
import { LearnedContact, MessageReceived, WhatsAppEvents } from '../whatsapp/events';
import { ContactLearning } from './contact-learning';
import { ContactRow, MergeOutcome } from './contact-merge';
import type { ContactsRepository, MergeRules } from './contacts.repository';

const ALICE_PN = '15550000001@s.whatsapp.net';
const ALICE_LID = '100000000000001@lid';
const NONE_STORED: ContactRow[] = [];

/** Records each batch and runs the rules against no stored rows. */
class FakeRepository implements Pick<ContactsRepository, 'learn' | 'setBlocked'> {
  readonly batches: Map<string, LearnedContact[]>[] = [];
  readonly blocks: string[] = [];
  failing = false;

  async setBlocked(sessionId: string, jid: string, blocked: boolean): Promise<boolean> {
    this.blocks.push(`${sessionId} ${jid} ${blocked ? 'blocked' : 'unblocked'}`);
    return true;
  }

  async learn(bySession: Map<string, LearnedContact[]>, rules: MergeRules): Promise<MergeOutcome[]> {
    if (this.failing) throw new Error('database unavailable');
    this.batches.push(bySession);
    return [...bySession].map(([sessionId, learned]) => rules(sessionId, NONE_STORED, learned));
  }
}

function message(overrides: Partial<MessageReceived>): MessageReceived {
  return {
    sessionId: 's1',
    messageId: '3A0000000000000000001',
    chatJid: ALICE_PN,
    chatType: 'direct',
    senderPn: ALICE_PN,
    senderLid: ALICE_LID,
    pushName: 'Alice',
    type: 'text',
    unsupported: null,
    text: 'hello',
    media: null,
    location: null,
    contact: null,
    mentionedJids: [],
    quotedMessageId: null,
    quotedSender: null,
    timestamp: '2026-01-01T00:00:00.000Z',
    fromMe: false,
    offline: false,
    ...overrides,
  };
}

function setup() {
  const events = new WhatsAppEvents();
  const repository = new FakeRepository();
  const clock = new FakeClock();
  const learning = new ContactLearning(repository, events, clock);
  learning.onModuleInit();
  return { events, repository, clock, learning };
}

describe('ContactLearning', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('writes the senders of many messages in one batch, after the receipt path returned', async () => {
    const { events, repository, clock, learning } = setup();
    await events.publish('message.received', message({}));
    await events.publish('message.received', message({ senderPn: null, senderLid: '100000000000002@lid' }));
    expect(repository.batches).toEqual([]);
    await clock.advance(50);
    expect(repository.batches).toEqual([
      new Map([
        [
          's1',
          [
            { pn: ALICE_PN, lid: ALICE_LID, pushName: 'Alice' },
            { pn: null, lid: '100000000000002@lid', pushName: 'Alice' },
          ],
        ],
      ]),
    ]);
    await learning.onModuleDestroy();
  });

  it('learns nothing from the account’s own messages, and keeps a known name when a message has none', async () => {
    const { events, repository, learning } = setup();
    await events.publish('message.received', message({ fromMe: true }));
    await events.publish('message.reaction', {
      sessionId: 's1',
      targetMessageId: '3A0000000000000000001',
      targetFromMe: true,
      chatJid: ALICE_PN,
      chatType: 'direct',
      reactionId: '3A0000000000000000002',
      emoji: '👍',
      fromMe: false,
      timestamp: '2026-01-01T00:00:00.000Z',
      senderPn: ALICE_PN,
      senderLid: ALICE_LID,
      pushName: null,
    });
    await learning.settled();
    expect(repository.batches).toEqual([new Map([['s1', [{ pn: ALICE_PN, lid: ALICE_LID }]]])]);
    await learning.onModuleDestroy();
  });

  it('marks a contact blocked or unblocked on any of the account’s devices, knowing it first when new', async () => {
    const { events, repository, learning } = setup();
    await events.publish('contacts.blocked', { sessionId: 's1', jids: [ALICE_LID], blocked: true });
    expect(repository.batches).toEqual([new Map([['s1', [{ pn: null, lid: ALICE_LID }]]])]);
    await events.publish('contacts.blocked', { sessionId: 's1', jids: [ALICE_LID], blocked: false });
    expect(repository.blocks).toEqual([`s1 ${ALICE_LID} blocked`, `s1 ${ALICE_LID} unblocked`]);
    await learning.onModuleDestroy();
  });

  it('does not write again what it wrote lately', async () => {
    const { events, repository, learning } = setup();
    await events.publish('contacts.learned', { sessionId: 's1', contacts: [{ pn: ALICE_PN, lid: ALICE_LID }] });
    await learning.settled();
    await events.publish('contacts.learned', { sessionId: 's1', contacts: [{ pn: ALICE_PN, lid: ALICE_LID }] });
    await learning.settled();
    expect(repository.batches).toHaveLength(1);
    await learning.onModuleDestroy();
  });

  it('never fails the publisher when the database does, and tries again with the next message', async () => {
    const { events, repository, learning } = setup();
    repository.failing = true;
    expect(await events.publish('message.received', message({}))).toEqual([]);
    await learning.settled();
    repository.failing = false;
    await events.publish('message.received', message({}));
    await learning.settled();
    expect(repository.batches).toHaveLength(1);
    await learning.onModuleDestroy();
  });
});
