import type { EntityManager } from 'typeorm';
import type { AuthUser } from '../auth/auth-user';
import { AppConfig, loadAppConfig } from '../core/config/app-config';
import { BadRequestError, NotFoundError } from '../core/errors/domain-errors';
import { Clock } from '../core/runtime/clock';
import type { MessageSent } from '../messages/message-events';
import { SessionEntity } from '../sessions/session.entity';
import type { MessageReaction, MessageReceived } from '../whatsapp/events';
import type { StoredMessageEntity } from './history.entity';
import type { ChatSummary, MessageFilter, NewStoredMessage } from './history.repository';
import { HistoryService, HistoryStore, SessionAccess } from './history.service';
import { decodeCursor } from './message-cursor';

const alice: AuthUser = { id: 'alice', username: 'alice', role: 'user', via: 'jwt' };

class FakeHistory implements HistoryStore {
  inserted: NewStoredMessage[][] = [];
  reactions: [string, string, string][] = [];
  filters: MessageFilter[] = [];
  rows: StoredMessageEntity[] = [];

  async insertAll(messages: NewStoredMessage[]): Promise<void> {
    this.inserted.push(messages);
  }
  async react(_sessionId: string, _chatJid: string, messageId: string, reactor: string, emoji: string) {
    this.reactions.push([messageId, reactor, emoji]);
  }
  async edit(): Promise<void> {}
  async revoke(): Promise<void> {}
  async markRead(): Promise<void> {}
  async chats(): Promise<{ items: ChatSummary[]; total: number }> {
    return { items: [], total: 0 };
  }
  async messages(_sessionId: string, filter: MessageFilter): Promise<StoredMessageEntity[]> {
    this.filters.push(filter);
    return this.rows.slice(0, filter.limit);
  }
  async pruneBefore(): Promise<number> {
    return 0;
  }
}

class OwnSessions implements SessionAccess {
  async get(user: AuthUser, sessionId: string): Promise<SessionEntity> {
    if (user.id !== 'alice' || sessionId !== 's1') throw new NotFoundError(`Session ${sessionId} not found`);
    return Object.assign(new SessionEntity(), { id: 's1', ownerId: 'alice' });
  }
}

function harness(retention = '30d') {
  const history = new FakeHistory();
  const config: AppConfig = loadAppConfig({
    JWT_SECRET: 'a-test-secret-that-is-long-enough-0123456789',
    DATABASE_URL: 'postgres://localhost/unused',
    MESSAGE_HISTORY_RETENTION: retention,
  });
  return { history, service: new HistoryService(history, new OwnSessions(), config, new Clock()) };
}

const received: MessageReceived = {
  sessionId: 's1',
  messageId: 'M1',
  chatJid: '15550000001@s.whatsapp.net',
  chatType: 'direct',
  senderPn: '15550000001@s.whatsapp.net',
  senderLid: '123@lid',
  pushName: 'Alice',
  type: 'image',
  unsupported: null,
  text: 'a caption',
  media: {
    id: 'media-1',
    mimetype: 'image/png',
    fileName: null,
    size: 10,
    sha256: 'abc',
    caption: 'a caption',
    ptt: false,
    seconds: null,
    width: 1,
    height: 1,
    status: 'pending',
    unavailableReason: null,
  },
  location: null,
  contact: null,
  mentionedJids: [],
  quotedMessageId: null,
  quotedSender: null,
  timestamp: '2025-01-01T00:00:00.000Z',
  fromMe: false,
  offline: false,
};

function stored(seq: string): StoredMessageEntity {
  return Object.assign({} as StoredMessageEntity, {
    sessionId: 's1',
    chatJid: 'c@g.us',
    messageId: `M${seq}`,
    timestamp: new Date(`2025-01-01T00:00:0${seq}.000Z`),
    seq,
  });
}

describe('HistoryService', () => {
  it('stores a received message with its file described, not its download state', async () => {
    const { service, history } = harness();
    await service.received(received);
    expect(history.inserted).toHaveLength(1);
    expect(history.inserted[0][0]).toMatchObject({ messageId: 'M1', text: 'a caption', timestamp: expect.any(Date) });
    expect(history.inserted[0][0].media).toEqual({
      id: 'media-1',
      mimetype: 'image/png',
      fileName: null,
      size: 10,
      caption: 'a caption',
      ptt: false,
      seconds: null,
      width: 1,
      height: 1,
    });
  });

  it('stores nothing with MESSAGE_HISTORY_RETENTION=0', async () => {
    const { service, history } = harness('0');
    await service.received(received);
    await service.historyReceived({ sessionId: 's1', messages: [], chats: [] });
    expect(history.inserted).toEqual([]);
  });

  it('keeps this account’s reactions under `me` and others’ under their phone number', async () => {
    const { service, history } = harness();
    const reaction: MessageReaction = {
      sessionId: 's1',
      chatJid: 'c@g.us',
      chatType: 'group',
      targetMessageId: 'M1',
      targetFromMe: false,
      reactionId: 'R1',
      emoji: '👍',
      fromMe: false,
      senderPn: '1@s.whatsapp.net',
      senderLid: '2@lid',
      pushName: null,
      timestamp: received.timestamp,
    };
    await service.reaction(reaction);
    await service.reaction({ ...reaction, fromMe: true });
    expect(history.reactions).toEqual([
      ['M1', '1@s.whatsapp.net', '👍'],
      ['M1', 'me', '👍'],
    ]);
  });

  it('applies a reaction sent through the API to its target instead of storing it as a message', async () => {
    const { service, history } = harness();
    const sent: MessageSent = {
      sessionId: 's1',
      messageId: 'R2',
      chatJid: 'c@g.us',
      chatType: 'group',
      type: 'reaction',
      text: '',
      media: null,
      location: null,
      contact: null,
      reaction: { messageId: 'M1', emoji: '❤️' },
      mentions: [],
      replyTo: null,
      timestamp: received.timestamp,
    };
    await service.sent(sent, Object.create(null) as EntityManager);
    expect(history.inserted).toEqual([]);
    expect(history.reactions).toEqual([['M1', 'me', '❤️']]);
  });

  it('pages with a cursor to the last message given, and none after the last page', async () => {
    const { service, history } = harness();
    history.rows = [stored('3'), stored('2'), stored('1')];
    const first = await service.messages(alice, 's1', { limit: 2 });
    expect(first.items.map((message) => message.messageId)).toEqual(['M3', 'M2']);
    expect(history.filters[0].limit).toBe(3);
    expect(decodeCursor(first.nextCursor as string)).toEqual({ timestamp: stored('2').timestamp, seq: '2' });
    history.rows = [stored('1')];
    const last = await service.messages(alice, 's1', { limit: 2, cursor: first.nextCursor as string });
    expect(last.nextCursor).toBeNull();
    expect(history.filters[1].before).toEqual({ timestamp: stored('2').timestamp, seq: '2' });
  });

  it('normalises the chat and sender filters, refuses what is neither, and finds nothing in an empty range', async () => {
    const { service, history } = harness();
    await service.messages(alice, 's1', { limit: 5, chat: '+1 555 000 0001', from: '15550000002' });
    expect(history.filters[0]).toMatchObject({
      chatJid: '15550000001@s.whatsapp.net',
      from: '15550000002@s.whatsapp.net',
    });
    await expect(service.messages(alice, 's1', { limit: 5, from: 'bob' })).rejects.toThrow(BadRequestError);
    await expect(service.messages(alice, 's1', { limit: 5, chat: 'nowhere' })).rejects.toThrow(BadRequestError);
    const since = new Date('2025-02-01T00:00:00Z');
    expect(await service.messages(alice, 's1', { limit: 5, since, until: since })).toEqual({
      items: [],
      nextCursor: null,
    });
  });

  it('answers 404 for a session of another user', async () => {
    const { service } = harness();
    const bob: AuthUser = { id: 'bob', username: 'bob', role: 'user', via: 'jwt' };
    await expect(service.chats(bob, 's1', 10, 0)).rejects.toThrow(NotFoundError);
  });
});
