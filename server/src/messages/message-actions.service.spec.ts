import type { AuthUser } from '../auth/auth-user';
import { Clock } from '../core/runtime/clock';
import { BadRequestError, NotFoundError } from '../core/errors/domain-errors';
import { FakeClusterRequests } from '../../test/support/fake-cluster-requests';
import { UnusedWhatsAppProvider } from '../../test/support/unused-whatsapp-provider';
import { SessionConnections } from '../sessions/session-connections';
import type { SessionEntity } from '../sessions/session.entity';
import type { SessionsService } from '../sessions/sessions.service';
import { WhatsAppEvents } from '../whatsapp/events';
import { SessionNotConnectedError } from '../whatsapp/whatsapp.errors';
import type { MessageRef, PresenceState } from '../whatsapp/whatsapp.provider';
import { DELETE_WINDOW_MS, EDIT_WINDOW_MS, MessageActionsService } from './message-actions.service';
import { MessageEvents } from './message-events';
import { MessageNotDeletableError, MessageNotEditableError } from './messages.errors';
import { OutgoingMessageEntity } from './outgoing-message.entity';
import type { OutgoingMessagesRepository } from './outgoing-messages.repository';
import { RecentIncoming } from './recent-incoming';

const alice: AuthUser = { id: 'alice', username: 'alice', role: 'user', via: 'api-key' };
const SENT_AT = new Date('2025-06-01T10:00:00.000Z');
const GROUP = '120363000000000001@g.us';

class FakeClock extends Clock {
  constructor(public at: Date) {
    super();
  }
  override now(): Date {
    return this.at;
  }
}

function row(overrides: Partial<OutgoingMessageEntity> = {}): OutgoingMessageEntity {
  return Object.assign(new OutgoingMessageEntity(), {
    id: 'row1',
    sessionId: 's1',
    messageId: '3EB0AAAA',
    chatJid: '15550002222@s.whatsapp.net',
    type: 'text',
    text: 'hello',
    mediaId: null,
    content: null,
    status: 'sent',
    sentAt: SENT_AT,
    editedAt: null,
    deletedAt: null,
    ...overrides,
  });
}

/** Holds every session's connection and records what is asked of WhatsApp. */
class RecordingProvider extends UnusedWhatsAppProvider {
  constructor(private readonly calls: string[]) {
    super();
  }

  override isConnected(): boolean {
    return true;
  }

  override async edit(_sessionId: string, ref: MessageRef, text: string): Promise<void> {
    this.calls.push(`edit ${ref.messageId} ${text}`);
  }

  override async deleteForEveryone(_sessionId: string, ref: MessageRef): Promise<void> {
    this.calls.push(`delete ${ref.messageId}`);
  }

  override async markRead(_sessionId: string, refs: MessageRef[]): Promise<void> {
    this.calls.push(`read ${refs.map((ref) => `${ref.messageId}/${ref.sender ?? '-'}`).join(',')}`);
  }

  override async sendPresence(_sessionId: string, state: PresenceState, chat?: string): Promise<void> {
    this.calls.push(`presence ${state} ${chat ?? '-'}`);
  }

  override async subscribePresence(_sessionId: string, jid: string): Promise<void> {
    this.calls.push(`subscribe ${jid}`);
  }
}

function harness(message: OutgoingMessageEntity = row(), status = 'connected') {
  const clock = new FakeClock(new Date(SENT_AT.getTime() + 60_000));
  const calls: string[] = [];
  const session = { id: 's1', ownerId: 'alice', status } as SessionEntity;
  const sessions = { get: async () => session } as unknown as SessionsService;
  const repository = {
    findByMessageId: async (_sessionId: string, messageId: string) =>
      messageId === message.messageId ? message : null,
    recordEdit: async (_id: string, text: string, at: Date) => Object.assign(message, { text, editedAt: at }),
    recordDelete: async (_id: string, at: Date) => Object.assign(message, { deletedAt: at }),
  } as unknown as OutgoingMessagesRepository;
  const incoming = new RecentIncoming(new WhatsAppEvents());
  const connections = new SessionConnections(new RecordingProvider(calls), new FakeClusterRequests().asRequests());
  const service = new MessageActionsService(sessions, repository, incoming, clock, connections, new MessageEvents());
  return { service, clock, calls, message, incoming };
}

function received(messageId: string, chatJid: string, sender: string, fromMe = false) {
  return {
    sessionId: 's1',
    messageId,
    chatJid,
    chatType: chatJid.endsWith('@g.us') ? ('group' as const) : ('direct' as const),
    senderPn: sender,
    senderLid: null,
    pushName: null,
    text: 'hi',
    mentionedJids: [],
    quotedMessageId: null,
    quotedSender: null,
    timestamp: '2025-06-01T10:00:00.000Z',
    fromMe,
    offline: false,
    type: 'text' as const,
    unsupported: null,
    media: null,
    location: null,
    contact: null,
  };
}

describe('MessageActionsService', () => {
  describe('edit', () => {
    it('edits a text within 15 minutes of sending and records the new text', async () => {
      const { service, clock, calls } = harness();
      clock.at = new Date(SENT_AT.getTime() + EDIT_WINDOW_MS);
      const edited = await service.edit(alice, 's1', '3EB0AAAA', 'hello again');
      expect(calls).toEqual(['edit 3EB0AAAA hello again']);
      expect(edited).toMatchObject({ text: 'hello again', editedAt: clock.at });
    });

    it('refuses an edit one millisecond after the 15 minutes, without asking WhatsApp', async () => {
      const { service, clock, calls } = harness();
      clock.at = new Date(SENT_AT.getTime() + EDIT_WINDOW_MS + 1);
      await expect(service.edit(alice, 's1', '3EB0AAAA', 'late')).rejects.toThrow(
        new MessageNotEditableError('WhatsApp allows edits only within 15 minutes of sending'),
      );
      expect(calls).toEqual([]);
    });

    it('edits the caption of an image, but not an image without one, a location or a message not sent', async () => {
      await expect(
        harness(row({ type: 'image', text: 'a cat' })).service.edit(alice, 's1', '3EB0AAAA', 'a dog'),
      ).resolves.toMatchObject({ text: 'a dog' });
      for (const message of [
        row({ type: 'image', text: '' }),
        row({ type: 'location' }),
        row({ status: 'queued', sentAt: null }),
        row({ deletedAt: SENT_AT }),
      ]) {
        const { service, calls } = harness(message);
        await expect(service.edit(alice, 's1', '3EB0AAAA', 'x')).rejects.toBeInstanceOf(MessageNotEditableError);
        expect(calls).toEqual([]);
      }
    });

    it('answers an unknown message as missing and a disconnected session as a conflict', async () => {
      await expect(harness().service.edit(alice, 's1', 'NOPE', 'x')).rejects.toBeInstanceOf(NotFoundError);
      await expect(harness(row(), 'reconnecting').service.edit(alice, 's1', '3EB0AAAA', 'x')).rejects.toBeInstanceOf(
        SessionNotConnectedError,
      );
    });
  });

  describe('delete for everyone', () => {
    it('deletes within 60 hours and records when; a repeat asks WhatsApp nothing more', async () => {
      const { service, clock, calls } = harness();
      clock.at = new Date(SENT_AT.getTime() + DELETE_WINDOW_MS);
      expect(await service.delete(alice, 's1', '3EB0AAAA')).toMatchObject({ deletedAt: clock.at });
      await service.delete(alice, 's1', '3EB0AAAA');
      expect(calls).toEqual(['delete 3EB0AAAA']);
    });

    it('refuses after 60 hours, before sending, and for a reaction', async () => {
      const late = harness();
      late.clock.at = new Date(SENT_AT.getTime() + DELETE_WINDOW_MS + 1);
      await expect(late.service.delete(alice, 's1', '3EB0AAAA')).rejects.toThrow(
        'WhatsApp allows deleting for everyone only within 60 hours of sending',
      );
      await expect(
        harness(row({ status: 'failed', sentAt: null })).service.delete(alice, 's1', '3EB0AAAA'),
      ).rejects.toThrow(new MessageNotDeletableError('The message is failed, not sent'));
      await expect(harness(row({ type: 'reaction' })).service.delete(alice, 's1', '3EB0AAAA')).rejects.toBeInstanceOf(
        MessageNotDeletableError,
      );
      expect(late.calls).toEqual([]);
    });
  });

  describe('mark read', () => {
    it('marks everything received in the chat read once, skipping own messages', async () => {
      const { service, calls, incoming } = harness();
      incoming.remember(received('IN1', GROUP, '15550003333@s.whatsapp.net'));
      incoming.remember(received('IN2', GROUP, '15550004444@s.whatsapp.net'));
      incoming.remember(received('OWN', GROUP, '15550001111@s.whatsapp.net', true));
      incoming.remember(received('ELSE', '15550005555@s.whatsapp.net', '15550005555@s.whatsapp.net'));
      await service.markRead(alice, 's1', GROUP);
      await service.markRead(alice, 's1', GROUP);
      expect(calls).toEqual(['read IN1/15550003333@s.whatsapp.net,IN2/15550004444@s.whatsapp.net']);
    });

    it('marks named messages read; in a group only those it received, whose sender it knows', async () => {
      const { service, calls, incoming } = harness();
      incoming.remember(received('IN1', GROUP, '15550003333@s.whatsapp.net'));
      await service.markRead(alice, 's1', GROUP, ['IN1']);
      await service.markRead(alice, 's1', '15550005555', ['ANY1']);
      await expect(service.markRead(alice, 's1', GROUP, ['IN1', 'GONE'])).rejects.toThrow(
        `Messages not received lately in ${GROUP}: GONE`,
      );
      expect(calls).toEqual(['read IN1/15550003333@s.whatsapp.net', 'read ANY1/-']);
    });
  });

  describe('presence', () => {
    it('needs a chat for typing, recording and paused, not for online', async () => {
      const { service, calls } = harness();
      await expect(service.presence(alice, 's1', 'composing')).rejects.toThrow(
        new BadRequestError('chat is required for composing, recording, paused'),
      );
      await service.presence(alice, 's1', 'available');
      await service.presence(alice, 's1', 'recording', '+1 555 000 2222');
      expect(calls).toEqual(['presence available -', 'presence recording 15550002222@s.whatsapp.net']);
    });

    it('refuses a session that is not connected', async () => {
      await expect(harness(row(), 'stopped').service.presence(alice, 's1', 'available')).rejects.toBeInstanceOf(
        SessionNotConnectedError,
      );
    });

    it('subscribes to a person by phone number, PN JID or LID, and never to a group', async () => {
      const { service, calls } = harness();
      await service.subscribePresence(alice, 's1', '+1 555 000 2222');
      await service.subscribePresence(alice, 's1', '15550002222@c.us');
      await service.subscribePresence(alice, 's1', '123456789012345@lid');
      expect(calls).toEqual([
        'subscribe 15550002222@s.whatsapp.net',
        'subscribe 15550002222@s.whatsapp.net',
        'subscribe 123456789012345@lid',
      ]);
      await expect(service.subscribePresence(alice, 's1', '120363025246125486@g.us')).rejects.toBeInstanceOf(
        BadRequestError,
      );
    });

    it('subscribes only while the session is connected', async () => {
      const { service, calls } = harness(row(), 'reconnecting');
      await expect(service.subscribePresence(alice, 's1', '15550002222')).rejects.toBeInstanceOf(
        SessionNotConnectedError,
      );
      expect(calls).toEqual([]);
    });
  });
});
