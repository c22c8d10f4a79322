import type { AuthUser } from '../auth/auth-user';
import type { AppConfig } from '../core/config/app-config';
import type { ContactsService } from '../contacts/contacts.service';
import { BadRequestError, NotFoundError } from '../core/errors/domain-errors';
import type { SessionEntity } from '../sessions/session.entity';
import type { SessionsService } from '../sessions/sessions.service';
import { WhatsAppEvents } from '../whatsapp/events';
import { SessionNotConnectedError } from '../whatsapp/whatsapp.errors';
import type { WhatsAppProvider } from '../whatsapp/whatsapp.provider';
import type { MediaInput, MediaSource, MediaType } from './message-content';
import type { MessageMedia, ResolvedMedia } from './message-media';
import { IdempotencyKeyReusedError, UnknownRecipientError } from './messages.errors';
import { MessagesService } from './messages.service';
import type { OutgoingMessageEntity } from './outgoing-message.entity';
import type { NewOutgoingMessage, OutgoingMessagesRepository } from './outgoing-messages.repository';
import { RecentIncoming } from './recent-incoming';
import type { SendQueue } from './send-queue';

const alice: AuthUser = { id: 'alice', username: 'alice', role: 'user', via: 'api-key' };

/**
 * What the fake queue does with a message when woken: send it now, hold it, fail it, or send it without managing to
 * write its `sent` status (WhatsApp took it, only its sent time is noted).
 */
type QueueBehaviour = 'send' | 'hold' | 'fail' | 'accept';

function harness(options: { status?: string; knownRecipient?: boolean; queue?: QueueBehaviour } = {}) {
  const rows: OutgoingMessageEntity[] = [];
  let behaviour: QueueBehaviour = options.queue ?? 'send';
  const wakes: string[] = [];
  const session = { id: 's1', ownerId: 'alice', status: options.status ?? 'connected' } as SessionEntity;
  const sessions = {
    get: async (_user: AuthUser, id: string) => {
      if (id !== 's1') throw new NotFoundError(`Session ${id} not found`);
      return session;
    },
  } as unknown as SessionsService;
  const repository = {
    insertQueued: async (message: NewOutgoingMessage) => {
      if (message.idempotencyKey && rows.some((row) => row.idempotencyKey === message.idempotencyKey)) return null;
      const row = {
        ...message,
        id: `row${rows.length + 1}`,
        status: 'queued',
        error: null,
        sentAt: null,
        createdAt: new Date(),
      } as OutgoingMessageEntity;
      rows.push(row);
      return { ...row };
    },
    findById: async (id: string) => {
      const row = rows.find((candidate) => candidate.id === id);
      return row ? { ...row } : null;
    },
    findByMessageId: async (_sessionId: string, messageId: string) => {
      const row = rows.find((candidate) => candidate.messageId === messageId);
      return row ? { ...row } : null;
    },
    findByIdempotencyKey: async (_sessionId: string, key: string) => {
      const row = rows.find((candidate) => candidate.idempotencyKey === key);
      return row ? { ...row } : null;
    },
    requeue: async (id: string) => {
      const row = rows.find((candidate) => candidate.id === id) as OutgoingMessageEntity;
      row.status = 'queued';
    },
  } as unknown as OutgoingMessagesRepository;
  const queue = {
    wake: (sessionId: string) => {
      wakes.push(sessionId);
      for (const row of rows.filter((candidate) => candidate.status === 'queued')) {
        if (behaviour === 'send') Object.assign(row, { status: 'sent', sentAt: new Date('2025-01-01T00:00:00Z') });
        if (behaviour === 'fail') Object.assign(row, { status: 'failed', error: 'stream errored' });
        if (behaviour === 'accept') Object.assign(row, { status: 'sending', sentAt: new Date('2025-01-01T00:00:00Z') });
      }
    },
    waitFor: async (id: string) => {
      const row = rows.find((candidate) => candidate.id === id) as OutgoingMessageEntity;
      return { settled: !['queued', 'sending'].includes(row.status) };
    },
  } as unknown as SendQueue;
  const whatsapp = {
    isConnected: () => true,
    recipientExists: async () => options.knownRecipient ?? true,
  } as unknown as WhatsAppProvider;
  const config = { messaging: { waitForSendMs: 5000 } } as AppConfig;
  const stored: { type: MediaType; source: MediaSource }[] = [];
  const media = {
    resolve: async (_ownerId: string, type: MediaType, input: MediaInput, source: MediaSource) => {
      stored.push({ type, source });
      const resolved: ResolvedMedia = {
        mediaId: `media${stored.length}`,
        content: { mimetype: input.mimetype ?? 'image/jpeg', fileName: input.fileName ?? null, ptt: false },
      };
      return resolved;
    },
  } as MessageMedia;
  const incoming = new RecentIncoming(new WhatsAppEvents());
  // The contacts map knows one person under both identities.
  const contacts: Pick<ContactsService, 'identities'> = {
    identities: async (_sessionId: string, jid: string) => {
      if (jid.endsWith('@g.us')) return null;
      const known = { pn: '15550002222@s.whatsapp.net', lid: '200000000000001@lid' };
      return jid === known.pn || jid === known.lid ? known : { pn: jid, lid: null };
    },
  };
  const service = new MessagesService(sessions, repository, queue, whatsapp, config, media, incoming, contacts);
  return {
    service,
    rows,
    wakes,
    stored,
    incoming,
    behave(next: QueueBehaviour) {
      behaviour = next;
    },
  };
}

const hello = { to: '15550002222', text: 'hello' };

describe('MessagesService', () => {
  it('answers both identities of the person written to, by number or by LID, and none for a group', async () => {
    const { service } = harness();
    const both = { pn: '15550002222@s.whatsapp.net', lid: '200000000000001@lid' };
    expect((await service.send(alice, 's1', hello)).to).toEqual(both);
    expect((await service.send(alice, 's1', { to: '200000000000001@lid', text: 'hi' })).to).toEqual(both);
    expect((await service.send(alice, 's1', { to: '15550003333', text: 'hi' })).to).toEqual({
      pn: '15550003333@s.whatsapp.net',
      lid: null,
    });
    expect((await service.send(alice, 's1', { to: '120363000000000001@g.us', text: 'hi' })).to).toBeNull();
  });

  it('answers sent with the WhatsApp id once the queue sent the message', async () => {
    const { service, rows } = harness();
    const result = await service.send(alice, 's1', hello);
    expect(result.queued).toBe(false);
    expect(result.message).toMatchObject({ status: 'sent', chatJid: '15550002222@s.whatsapp.net' });
    expect(result.message.messageId).toMatch(/^3EB0[0-9A-F]{18}$/);
    expect(rows).toHaveLength(1);
  });

  it('answers queued when pacing holds the message longer than the wait', async () => {
    const { service } = harness({ queue: 'hold' });
    const result = await service.send(alice, 's1', hello);
    expect(result.queued).toBe(true);
    expect(result.message.status).toBe('queued');
  });

  it('answers sent, not queued, when WhatsApp took the message but its status is still being written', async () => {
    const { service } = harness({ queue: 'accept' });
    const result = await service.send(alice, 's1', hello);
    expect(result.queued).toBe(false);
    expect(result.message.sentAt).toEqual(new Date('2025-01-01T00:00:00Z'));
  });

  it('never queues again a message WhatsApp took when the request is retried with the same Idempotency-Key', async () => {
    const { service, rows, wakes } = harness({ queue: 'accept' });
    const first = await service.send(alice, 's1', hello, 'order-45');
    const retried = await service.send(alice, 's1', hello, 'order-45');
    expect(retried.message.messageId).toBe(first.message.messageId);
    expect(rows).toHaveLength(1);
    expect(rows[0].status).toBe('sending');
    expect(wakes).toEqual(['s1']);
  });

  it('refuses to send from a session that is not connected', async () => {
    const { service, rows } = harness({ status: 'stopped' });
    await expect(service.send(alice, 's1', hello)).rejects.toBeInstanceOf(SessionNotConnectedError);
    expect(rows).toEqual([]);
  });

  it('queues a send for a session that is reconnecting, to leave once it is connected', async () => {
    const { service, rows, wakes } = harness({ status: 'reconnecting' });
    await service.send(alice, 's1', hello);
    expect(rows).toHaveLength(1);
    expect(wakes).toEqual(['s1']);
  });

  it('refuses a recipient WhatsApp does not know, queueing nothing', async () => {
    const { service, rows } = harness({ knownRecipient: false });
    await expect(service.send(alice, 's1', hello)).rejects.toBeInstanceOf(UnknownRecipientError);
    expect(rows).toEqual([]);
  });

  it('answers another user’s session as missing', async () => {
    const { service } = harness();
    await expect(service.send(alice, 'someone-elses', hello)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('sends once for a request repeated three times with the same Idempotency-Key', async () => {
    const { service, rows } = harness();
    const answers = [];
    for (let attempt = 0; attempt < 3; attempt++) answers.push(await service.send(alice, 's1', hello, 'order-42'));
    expect(rows).toHaveLength(1);
    expect(new Set(answers.map((answer) => answer.message.messageId)).size).toBe(1);
    expect(answers.every((answer) => answer.message.status === 'sent')).toBe(true);
  });

  it('answers a retry with the first request’s result even after the session disconnected', async () => {
    const connected = harness();
    const first = await connected.service.send(alice, 's1', hello, 'order-43');
    const replay = await connected.service.send(alice, 's1', { ...hello, to: '+1 555 000 2222' }, 'order-43');
    expect(replay.message.messageId).toBe(first.message.messageId);
  });

  it('refuses an Idempotency-Key reused for a different message', async () => {
    const { service } = harness();
    await service.send(alice, 's1', hello, 'order-44');
    await expect(service.send(alice, 's1', { ...hello, text: 'other' }, 'order-44')).rejects.toBeInstanceOf(
      IdempotencyKeyReusedError,
    );
  });

  it('queues a failed message again when its request is retried with the same key', async () => {
    const { service, rows, behave } = harness({ queue: 'fail' });
    await expect(service.send(alice, 's1', hello, 'order-45')).rejects.toMatchObject({ status: 502 });
    behave('send');
    const retried = await service.send(alice, 's1', hello, 'order-45');
    expect(retried.message.status).toBe('sent');
    expect(rows).toHaveLength(1);
  });

  it.each(['', 'x'.repeat(256), 'has space', 'naïve'])('refuses the Idempotency-Key %j', async (key) => {
    const { service } = harness();
    await expect(service.send(alice, 's1', hello, key)).rejects.toBeInstanceOf(BadRequestError);
  });

  it('queues a bot reply once per idempotency key, quoting the incoming message', async () => {
    const { service, rows, wakes } = harness({ queue: 'hold' });
    const reply = {
      sessionId: 's1',
      chatJid: '120363000000000001@g.us',
      text: 'pong',
      quoted: { messageId: 'IN1', sender: '15550002222@s.whatsapp.net' },
      idempotencyKey: 'webhook-reply:d1',
    };
    await service.queueReply(reply);
    await service.queueReply(reply);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ replyTo: 'IN1', replyToSender: '15550002222@s.whatsapp.net', text: 'pong' });
    expect(wakes).toEqual(['s1']);
  });

  it('stores base64 media once when the request is retried with the same Idempotency-Key', async () => {
    const { service, rows, stored } = harness();
    const request = { to: '15550002222', image: { data: 'aGVsbG8=', caption: 'a cat' } };
    const first = await service.send(alice, 's1', request, 'photo-1');
    const retried = await service.send(alice, 's1', request, 'photo-1');
    expect(retried.message.messageId).toBe(first.message.messageId);
    expect(stored).toEqual([{ type: 'image', source: { kind: 'data', data: 'aGVsbG8=' } }]);
    expect(rows[0]).toMatchObject({ type: 'image', text: 'a cat', mediaId: 'media1' });
    expect(rows[0].content).toEqual({ media: { mimetype: 'image/jpeg', fileName: null, ptt: false } });
  });

  it('refuses media with two sources before storing or queueing anything', async () => {
    const { service, rows, stored } = harness();
    const request = { to: '15550002222', video: { data: 'aGVsbG8=', url: 'https://example.com/v.mp4' } };
    await expect(service.send(alice, 's1', request)).rejects.toThrow('video needs exactly one of mediaId, url, data');
    expect(stored).toEqual([]);
    expect(rows).toEqual([]);
  });

  it('refuses a request with two kinds, naming the choices', async () => {
    const { service } = harness();
    const request = { to: '15550002222', text: 'hi', location: { latitude: 1, longitude: 2 } };
    await expect(service.send(alice, 's1', request)).rejects.toThrow(
      'A message needs exactly one of text, image, video, audio, document, sticker, location, contact, reaction',
    );
  });

  describe('reactions', () => {
    const group = '120363000000000001@g.us';
    const received = {
      sessionId: 's1',
      messageId: 'IN7',
      chatJid: group,
      chatType: 'group' as const,
      senderPn: '15550003333@s.whatsapp.net',
      senderLid: '99887766554433@lid',
      pushName: null,
      text: 'hi all',
      mentionedJids: [],
      quotedMessageId: null,
      quotedSender: null,
      timestamp: '2025-01-01T00:00:00.000Z',
      fromMe: false,
      offline: false,
      type: 'text' as const,
      unsupported: null,
      media: null,
      location: null,
      contact: null,
    };

    it('reacts to a message the session sent as its own (fromMe)', async () => {
      const { service, rows } = harness();
      const sent = await service.send(alice, 's1', { to: group, text: 'lunch?' });
      await service.send(alice, 's1', { to: group, reaction: { messageId: sent.message.messageId, emoji: '👍' } });
      expect(rows[1].content?.reaction).toEqual({
        messageId: sent.message.messageId,
        emoji: '👍',
        fromMe: true,
        sender: null,
      });
    });

    it('reacts to a group message received lately with its sender', async () => {
      const { service, rows, incoming } = harness();
      incoming.remember(received);
      await service.send(alice, 's1', { to: group, reaction: { messageId: 'IN7', emoji: '' } });
      expect(rows[0]).toMatchObject({ type: 'reaction', text: '' });
      expect(rows[0].content?.reaction).toEqual({
        messageId: 'IN7',
        emoji: '',
        fromMe: false,
        sender: '15550003333@s.whatsapp.net',
      });
    });

    it('refuses to react to a group message whose sender it cannot know', async () => {
      const { service, rows } = harness();
      await expect(
        service.send(alice, 's1', { to: group, reaction: { messageId: 'UNKNOWN1', emoji: '👍' } }),
      ).rejects.toBeInstanceOf(NotFoundError);
      expect(rows).toEqual([]);
    });

    it('reacts to any message id of a direct chat (WhatsApp needs no sender there)', async () => {
      const { service, rows } = harness();
      await service.send(alice, 's1', { to: '15550002222', reaction: { messageId: 'ABC123', emoji: '❤️' } });
      expect(rows[0].content?.reaction).toEqual({ messageId: 'ABC123', emoji: '❤️', fromMe: false, sender: null });
    });
  });
});
