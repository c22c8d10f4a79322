import type { EntityManager } from 'typeorm';
import type { MessageEvents } from '../messages/message-events';
import type { SessionEntity } from '../sessions/session.entity';
import type { SessionsRepository } from '../sessions/sessions.repository';
import type { CallReceived, MessageReaction, MessageReceived, WhatsAppEvents } from '../whatsapp/events';
import type { SinkEntity } from '../sinks/sink.entity';
import type { SinksRepository } from '../sinks/sinks.repository';
import type { DeliveriesRepository, DeliveryTarget } from './deliveries.repository';
import type { DeliveryWorker } from './delivery-worker';
import type { MessageReceivedData, WebhookEnvelope } from './envelope';
import type { GroupPolicy } from './mention-policy';
import type { WebhookEntity } from './webhook.entity';
import type { WebhooksRepository } from './webhooks.repository';
import { WebhookPublisher } from './webhook-publisher';
import { loadAppConfig } from '../core/config/app-config';
import { MediaLinks } from '../media/media-links';
import { messageEventId } from './envelope';
import { PublishedEvents } from './published-events';

const session = { id: 's1', jid: '15550001111@s.whatsapp.net', lid: '900100200300@lid' } as SessionEntity;

function webhook(id: string, groupPolicy: GroupPolicy, events: string[] = ['*']): WebhookEntity {
  return { id, sessionId: 's1', groupPolicy, events, enabled: true } as WebhookEntity;
}

function incoming(overrides: Partial<MessageReceived> = {}): MessageReceived {
  return {
    sessionId: 's1',
    messageId: 'M1',
    chatJid: '120363000000000001@g.us',
    chatType: 'group',
    senderPn: '15550002222@s.whatsapp.net',
    senderLid: '800100200300@lid',
    pushName: 'Ana',
    type: 'text',
    unsupported: null,
    text: 'hello',
    media: null,
    location: null,
    contact: null,
    mentionedJids: [],
    quotedMessageId: null,
    quotedSender: null,
    timestamp: '2025-01-01T10:00:00.000Z',
    fromMe: false,
    offline: false,
    ...overrides,
  };
}

const links = new MediaLinks(loadAppConfig({ JWT_SECRET: 'x'.repeat(32), PUBLIC_URL: 'https://wago.example' }));

/** `sentByApi`: message ids the session sent through the API; `forwarded`: message id → webhooks given it. */
function sink(id: string, groupPolicy: GroupPolicy, events: string[] = ['*']): SinkEntity {
  return { id, sessionId: 's1', kind: 'nats', groupPolicy, events, enabled: true } as SinkEntity;
}

/** `sinks`: the session's sinks, beside its webhooks. */
function harness(
  webhooks: WebhookEntity[],
  known: { sentByApi?: string[]; forwarded?: Record<string, string[]> } = {},
  sinks: SinkEntity[] = [],
) {
  const published: {
    event: WebhookEnvelope;
    targetIds: string[];
    kinds: DeliveryTarget['kind'][];
    transaction?: EntityManager;
  }[] = [];
  const record = (event: WebhookEnvelope, targets: DeliveryTarget[], transaction?: EntityManager): void => {
    published.push({
      event,
      targetIds: targets.map((target) => target.id),
      kinds: targets.map((target) => target.kind),
      ...(transaction ? { transaction } : {}),
    });
  };
  let wakes = 0;
  const subscriptionReads: (EntityManager | undefined)[] = [];
  const told: WebhookEnvelope[] = [];
  const publishedEvents = new PublishedEvents();
  publishedEvents.on('event.published', (event) => {
    told.push(event);
  });
  const publisher = new WebhookPublisher(
    {} as WhatsAppEvents,
    {} as MessageEvents,
    {
      findEnabledBySession: async (_sessionId: string, transaction?: EntityManager) => {
        subscriptionReads.push(transaction);
        return webhooks;
      },
    } as unknown as WebhooksRepository,
    {
      findEnabledBySession: async (_sessionId: string, transaction?: EntityManager) => {
        subscriptionReads.push(transaction);
        return sinks;
      },
    } as unknown as SinksRepository,
    { findById: async () => session } as unknown as SessionsRepository,
    {
      enqueue: async (event: WebhookEnvelope, targets: DeliveryTarget[], transaction?: EntityManager) => {
        record(event, targets, transaction);
      },
      enqueueAll: async (entries: { event: WebhookEnvelope; targets: DeliveryTarget[] }[]) => {
        for (const { event, targets } of entries) record(event, targets);
      },
      sentThroughApi: async (_sessionId: string, messageId: string) => (known.sentByApi ?? []).includes(messageId),
      targetsGiven: async (eventId: string, targets: DeliveryTarget[]) =>
        new Set(
          Object.entries(known.forwarded ?? {})
            .filter(([messageId]) => messageEventId('s1', messageId) === eventId)
            .flatMap(([, given]) => given.filter((id) => targets.some((target) => target.id === id))),
        ),
    } as unknown as DeliveriesRepository,
    { wake: () => wakes++ } as unknown as DeliveryWorker,
    links,
    publishedEvents,
  );
  return { publisher, published, subscriptionReads, told, wakes: () => wakes };
}

const subscriptions = [webhook('mentions', 'mentions'), webhook('all', 'all'), webhook('none', 'none')];

describe('WebhookPublisher', () => {
  it('forwards a direct message to every subscription, whatever its group policy', async () => {
    const { publisher, published, wakes } = harness(subscriptions);
    await publisher.messageReceived(incoming({ chatType: 'direct', chatJid: '15550002222@s.whatsapp.net' }));
    expect(published[0].targetIds).toEqual(['mentions', 'all', 'none']);
    expect(wakes()).toBe(1);
  });

  it('forwards a group message without a mention only where the policy is all', async () => {
    const { publisher, published } = harness(subscriptions);
    await publisher.messageReceived(incoming());
    expect(published[0].targetIds).toEqual(['all']);
    expect((published[0].event.data as MessageReceivedData).mentioned).toBe(false);
  });

  it('forwards a group message that mentions the account by LID only, saying how', async () => {
    const { publisher, published } = harness(subscriptions);
    await publisher.messageReceived(incoming({ mentionedJids: ['900100200300@lid'] }));
    expect(published[0].targetIds).toEqual(['mentions', 'all']);
    expect(published[0].event.data).toMatchObject({ mentioned: true, mentionedBy: 'lid' });
  });

  it('forwards a reply to one of the account’s messages', async () => {
    const { publisher, published } = harness(subscriptions);
    await publisher.messageReceived(incoming({ quotedMessageId: 'OURS', quotedSender: '15550001111@s.whatsapp.net' }));
    expect(published[0].targetIds).toEqual(['mentions', 'all']);
    expect(published[0].event.data).toMatchObject({ mentionedBy: 'reply', quoted: { id: 'OURS' } });
  });

  it('commits nothing when no subscription wants the message', async () => {
    const { publisher, published } = harness([webhook('mentions', 'mentions')]);
    await publisher.messageReceived(incoming());
    expect(published).toEqual([]);
  });

  it('tells the live tail about a message no subscription wants, without committing it', async () => {
    const { publisher, published, told } = harness([]);
    await publisher.messageReceived(incoming());
    expect(published).toEqual([]);
    expect(told).toEqual([expect.objectContaining({ type: 'message.received', sessionId: 's1' })]);
  });

  it('tells the live tail the very envelope it commits', async () => {
    const { publisher, published, told } = harness([webhook('all', 'all')]);
    await publisher.messageReceived(incoming());
    expect(told).toEqual([published[0].event]);
  });

  it('tells the live tail about a sent message no subscription wants', async () => {
    const { publisher, published, told } = harness([]);
    await publisher.messageSent(
      {
        sessionId: 's1',
        messageId: 'SENT2',
        chatJid: '15550002222@s.whatsapp.net',
        chatType: 'direct',
        type: 'text',
        text: 'hi',
        mentions: [],
        replyTo: null,
        media: null,
        location: null,
        contact: null,
        reaction: null,
        timestamp: '2025-01-01T10:00:00.000Z',
      },
      {} as EntityManager,
    );
    expect(published).toEqual([]);
    expect(told).toEqual([
      expect.objectContaining({ type: 'message.sent', data: expect.objectContaining({ id: 'SENT2' }) }),
    ]);
  });

  it('wraps the message in the versioned envelope with the payload fields of the contract', async () => {
    const { publisher, published } = harness([webhook('all', 'all')]);
    await publisher.messageReceived(incoming({ offline: true, mentionedJids: ['15550001111@s.whatsapp.net'] }));
    const event = published[0].event;
    expect(event).toEqual({
      version: 1,
      id: expect.stringMatching(/^evt_[0-9a-f]{32}$/),
      type: 'message.received',
      sessionId: 's1',
      timestamp: '2025-01-01T10:00:00.000Z',
      data: {
        id: 'M1',
        chat: { jid: '120363000000000001@g.us', type: 'group' },
        sender: { pn: '15550002222@s.whatsapp.net', lid: '800100200300@lid', pushName: 'Ana' },
        type: 'text',
        unsupported: null,
        text: 'hello',
        media: null,
        location: null,
        contact: null,
        mentions: ['15550001111@s.whatsapp.net'],
        mentioned: true,
        mentionedBy: 'pn',
        quoted: null,
        fromMe: false,
        offline: true,
      },
    });
  });

  it('sends each event type only to subscriptions that chose it', async () => {
    const { publisher, published } = harness([
      webhook('received-only', 'all', ['message.received']),
      webhook('status-only', 'all', ['session.status']),
      webhook('everything', 'all', ['*']),
    ]);
    await publisher.sessionStatus({
      sessionId: 's1',
      ownerId: 'u1',
      status: 'reconnecting',
      reason: 'connection_lost',
      at: '2025-01-01T10:00:00.000Z',
    });
    expect(published[0].targetIds).toEqual(['status-only', 'everything']);
    expect(published[0].event).toMatchObject({
      type: 'session.status',
      data: { sessionId: 's1', status: 'reconnecting', reason: 'connection_lost', at: '2025-01-01T10:00:00.000Z' },
    });
  });

  it('publishes receipts as message.ack and sends as message.sent, in the transaction that marks them sent', async () => {
    const { publisher, published, subscriptionReads } = harness([webhook('everything', 'all')]);
    const statusTransaction = {} as EntityManager;
    await publisher.messageAck({
      sessionId: 's1',
      messageId: 'SENT1',
      chatJid: '15550002222@s.whatsapp.net',
      chatType: 'direct',
      recipient: null,
      status: 'read',
      at: '2025-01-01T10:00:05.000Z',
    });
    await publisher.messageSent(
      {
        sessionId: 's1',
        messageId: 'SENT1',
        chatJid: '15550002222@s.whatsapp.net',
        chatType: 'direct',
        type: 'location',
        text: '',
        mentions: [],
        replyTo: null,
        media: null,
        location: { latitude: 52.52, longitude: 13.4, name: 'Alexanderplatz', address: null },
        contact: null,
        reaction: null,
        timestamp: '2025-01-01T10:00:00.000Z',
      },
      statusTransaction,
    );
    // Read and written on the status transaction's own connection, never waiting for a second one.
    expect(subscriptionReads.slice(2)).toEqual([statusTransaction, statusTransaction]);
    expect(published[1].transaction).toBe(statusTransaction);
    expect(published.map((entry) => [entry.event.type, entry.event.data])).toEqual([
      [
        'message.ack',
        { id: 'SENT1', chat: { jid: '15550002222@s.whatsapp.net', type: 'direct' }, recipient: null, status: 'read' },
      ],
      [
        'message.sent',
        {
          id: 'SENT1',
          chat: { jid: '15550002222@s.whatsapp.net', type: 'direct' },
          type: 'location',
          text: '',
          mentions: [],
          replyTo: null,
          media: null,
          location: { latitude: 52.52, longitude: 13.4, name: 'Alexanderplatz', address: null },
          contact: null,
          reaction: null,
        },
      ],
    ]);
  });

  describe('sinks', () => {
    it('applies the same group policy and event choice to a sink as to a webhook', async () => {
      const { publisher, published } = harness([webhook('hook-all', 'all'), webhook('hook-mentions', 'mentions')], {}, [
        sink('sink-all', 'all'),
        sink('sink-mentions', 'mentions'),
        sink('sink-acks', 'all', ['message.ack']),
      ]);
      await publisher.messageReceived(incoming());
      expect(published[0].targetIds).toEqual(['hook-all', 'sink-all']);
      expect(published[0].kinds).toEqual(['webhook', 'sink']);
    });

    it('commits message.sent for a sink inside the transaction that marks the message sent', async () => {
      const { publisher, published } = harness([], {}, [sink('sink-all', 'all')]);
      const transaction = {} as EntityManager;
      await publisher.messageSent(
        {
          sessionId: 's1',
          messageId: 'SENT2',
          chatJid: '15550002222@s.whatsapp.net',
          chatType: 'direct',
          type: 'text',
          text: 'hi',
          mentions: [],
          replyTo: null,
          media: null,
          location: null,
          contact: null,
          reaction: null,
          timestamp: '2025-01-01T10:00:00.000Z',
        },
        transaction,
      );
      expect(published).toEqual([expect.objectContaining({ targetIds: ['sink-all'], kinds: ['sink'], transaction })]);
    });

    it('forwards a group update under mentions to a sink that was given the message', async () => {
      const { publisher, published } = harness([], { forwarded: { T1: ['sink-mentions'] } }, [
        sink('sink-mentions', 'mentions'),
        sink('sink-other', 'mentions'),
      ]);
      await publisher.messageRevoked({
        sessionId: 's1',
        chatJid: '120363000000000001@g.us',
        chatType: 'group',
        senderPn: '15550002222@s.whatsapp.net',
        senderLid: null,
        pushName: 'Ana',
        revokeId: 'X1',
        targetMessageId: 'T1',
        targetFromMe: false,
        fromMe: false,
        timestamp: '2025-01-01T10:00:00.000Z',
      });
      expect(published[0].targetIds).toEqual(['sink-mentions']);
    });
  });

  describe('reactions, edits and deletions', () => {
    function reaction(overrides: Partial<MessageReaction> = {}): MessageReaction {
      return {
        sessionId: 's1',
        chatJid: '120363000000000001@g.us',
        chatType: 'group',
        senderPn: '15550002222@s.whatsapp.net',
        senderLid: null,
        pushName: 'Ana',
        reactionId: 'R1',
        targetMessageId: 'T1',
        targetFromMe: false,
        emoji: '👍',
        fromMe: false,
        timestamp: '2025-01-01T10:00:00.000Z',
        ...overrides,
      };
    }

    it('forwards a reaction in a direct chat to every subscription', async () => {
      const { publisher, published } = harness(subscriptions);
      await publisher.messageReaction(reaction({ chatType: 'direct', chatJid: '15550002222@s.whatsapp.net' }));
      expect(published[0].targetIds).toEqual(['mentions', 'all', 'none']);
      expect(published[0].event).toMatchObject({
        type: 'message.reaction',
        data: { id: 'R1', messageId: 'T1', emoji: '👍', fromMe: false, sender: { pushName: 'Ana' } },
      });
    });

    it('forwards a group reaction to an unrelated message only where the policy is all', async () => {
      const { publisher, published } = harness(subscriptions);
      await publisher.messageReaction(reaction());
      expect(published[0].targetIds).toEqual(['all']);
    });

    it('forwards a group reaction under mentions when it is to a message the account sent', async () => {
      const fromPhone = harness(subscriptions);
      await fromPhone.publisher.messageReaction(reaction({ targetFromMe: true }));
      expect(fromPhone.published[0].targetIds).toEqual(['mentions', 'all']);
      const throughApi = harness(subscriptions, { sentByApi: ['T1'] });
      await throughApi.publisher.messageReaction(reaction());
      expect(throughApi.published[0].targetIds).toEqual(['mentions', 'all']);
    });

    it('forwards a group update under mentions to the subscriptions that were given the message', async () => {
      const hooks = [webhook('m1', 'mentions'), webhook('m2', 'mentions'), webhook('none', 'none')];
      const { publisher, published } = harness(hooks, { forwarded: { T1: ['m2'] } });
      await publisher.messageRevoked({ ...reaction(), revokeId: 'X1' });
      expect(published[0].targetIds).toEqual(['m2']);
      expect(published[0].event).toMatchObject({ type: 'message.revoked', data: { id: 'T1' } });
    });

    it('gives each update one event id, the same when WhatsApp delivers it again', async () => {
      const { publisher, published } = harness(subscriptions);
      const edit = {
        ...reaction({ chatType: 'direct' }),
        editId: 'E1',
        text: 'fixed',
        editedAt: '2025-01-01T10:01:00.000Z',
      };
      await publisher.messageEdited(edit);
      await publisher.messageEdited(edit);
      expect(published[0].event.id).toBe(published[1].event.id);
      expect(published[0].event.data).toMatchObject({ id: 'T1', text: 'fixed', editedAt: '2025-01-01T10:01:00.000Z' });
      await publisher.messageReaction(reaction({ chatType: 'direct', reactionId: 'E1' }));
      expect(published[2].event.id).not.toBe(published[0].event.id);
    });
  });

  it('gives a stored or pending file a signed link and an unavailable one none, with the reason', async () => {
    const { publisher, published } = harness(subscriptions);
    const media = {
      id: '6f1c0f0e-4a1b-4bd0-a9a8-f2f6c1e2d3b4',
      mimetype: 'image/jpeg',
      fileName: null,
      size: 10,
      sha256: 'ab'.repeat(32),
      caption: 'look',
      ptt: false,
      seconds: null,
      width: 1,
      height: 1,
      status: 'stored' as const,
      unavailableReason: null,
    };
    await publisher.messageReceived(incoming({ chatType: 'direct', type: 'image', media }));
    await publisher.messageReceived(
      incoming({
        chatType: 'direct',
        type: 'image',
        media: { ...media, status: 'unavailable', unavailableReason: 'too_large' },
      }),
    );
    const [stored, unavailable] = published.map((entry) => (entry.event.data as MessageReceivedData).media);
    expect(stored?.url).toMatch(
      /^https:\/\/wago\.example\/api\/v1\/media\/6f1c0f0e-[\w-]+\?expires=\d+&signature=[\w-]+$/,
    );
    expect(Date.parse(stored?.urlExpiresAt ?? '')).toBeGreaterThan(Date.now());
    expect(unavailable).toMatchObject({ url: null, urlExpiresAt: null, unavailableReason: 'too_large' });
  });

  describe('calls and presence', () => {
    const call: CallReceived = {
      sessionId: 's1',
      callId: 'A1B2C3D4E5F60718293A4B5C6D7E8F90',
      from: { pn: '15550002222@s.whatsapp.net', lid: '800100200300@lid' },
      isVideo: true,
      isGroup: false,
      at: '2025-01-01T10:00:00.000Z',
      offline: false,
    };

    it('publishes a call as call.received, with one event id for an offer WhatsApp tells again', async () => {
      const { publisher, published } = harness([webhook('calls', 'none', ['call.received'])]);
      await publisher.callReceived(call);
      await publisher.callReceived({ ...call, offline: true });
      expect(published[0]).toMatchObject({
        targetIds: ['calls'],
        event: {
          type: 'call.received',
          sessionId: 's1',
          timestamp: call.at,
          data: { id: call.callId, from: call.from, isVideo: true, isGroup: false, at: call.at },
        },
      });
      expect(Object.keys(published[0].event.data as object)).toEqual(['id', 'from', 'isVideo', 'isGroup', 'at']);
      expect(published[1].event.id).toBe(published[0].event.id);
    });

    it('publishes a presence as presence.update to the subscriptions that chose it', async () => {
      const { publisher, published } = harness([webhook('all', 'all'), webhook('calls', 'all', ['call.received'])]);
      await publisher.presenceUpdate({
        sessionId: 's1',
        chatJid: '15550002222@s.whatsapp.net',
        from: { pn: '15550002222@s.whatsapp.net', lid: '800100200300@lid' },
        state: 'unavailable',
        lastSeen: '2025-01-01T09:59:00.000Z',
        at: '2025-01-01T10:00:00.000Z',
      });
      expect(published).toEqual([
        {
          targetIds: ['all'],
          kinds: ['webhook'],
          event: expect.objectContaining({
            type: 'presence.update',
            timestamp: '2025-01-01T10:00:00.000Z',
            data: {
              chat: '15550002222@s.whatsapp.net',
              from: { pn: '15550002222@s.whatsapp.net', lid: '800100200300@lid' },
              state: 'unavailable',
              lastSeen: '2025-01-01T09:59:00.000Z',
            },
          }),
        },
      ]);
    });
  });
});
