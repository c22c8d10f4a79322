import type { EntityManager } from 'typeorm';
import type { MessageEvents } from '../messages/message-events';
import type { SessionEntity } from '../sessions/session.entity';
import type { SessionsRepository } from '../sessions/sessions.repository';
import type { MessageReceived, WhatsAppEvents } from '../whatsapp/events';
import type { DeliveriesRepository } from './deliveries.repository';
import type { DeliveryWorker } from './delivery-worker';
import type { MessageReceivedData, WebhookEnvelope } from './envelope';
import type { GroupPolicy } from './mention-policy';
import type { WebhookEntity } from './webhook.entity';
import type { WebhooksRepository } from './webhooks.repository';
import { WebhookPublisher } from './webhook-publisher';

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
    text: 'hello',
    mentionedJids: [],
    quotedMessageId: null,
    quotedSender: null,
    timestamp: '2025-01-01T10:00:00.000Z',
    fromMe: false,
    offline: false,
    ...overrides,
  };
}

function harness(webhooks: WebhookEntity[]) {
  const published: { event: WebhookEnvelope; webhookIds: string[]; transaction?: EntityManager }[] = [];
  let wakes = 0;
  const subscriptionReads: (EntityManager | undefined)[] = [];
  const publisher = new WebhookPublisher(
    {} as WhatsAppEvents,
    {} as MessageEvents,
    {
      findEnabledBySession: async (_sessionId: string, transaction?: EntityManager) => {
        subscriptionReads.push(transaction);
        return webhooks;
      },
    } as unknown as WebhooksRepository,
    { findById: async () => session } as unknown as SessionsRepository,
    {
      enqueue: async (event: WebhookEnvelope, webhookIds: string[], transaction?: EntityManager) => {
        published.push({ event, webhookIds, transaction });
      },
    } as unknown as DeliveriesRepository,
    { wake: () => wakes++ } as unknown as DeliveryWorker,
  );
  return { publisher, published, subscriptionReads, wakes: () => wakes };
}

const subscriptions = [webhook('mentions', 'mentions'), webhook('all', 'all'), webhook('none', 'none')];

describe('WebhookPublisher', () => {
  it('forwards a direct message to every subscription, whatever its group policy', async () => {
    const { publisher, published, wakes } = harness(subscriptions);
    await publisher.messageReceived(incoming({ chatType: 'direct', chatJid: '15550002222@s.whatsapp.net' }));
    expect(published[0].webhookIds).toEqual(['mentions', 'all', 'none']);
    expect(wakes()).toBe(1);
  });

  it('forwards a group message without a mention only where the policy is all', async () => {
    const { publisher, published } = harness(subscriptions);
    await publisher.messageReceived(incoming());
    expect(published[0].webhookIds).toEqual(['all']);
    expect((published[0].event.data as MessageReceivedData).mentioned).toBe(false);
  });

  it('forwards a group message that mentions the account by LID only, saying how', async () => {
    const { publisher, published } = harness(subscriptions);
    await publisher.messageReceived(incoming({ mentionedJids: ['900100200300@lid'] }));
    expect(published[0].webhookIds).toEqual(['mentions', 'all']);
    expect(published[0].event.data).toMatchObject({ mentioned: true, mentionedBy: 'lid' });
  });

  it('forwards a reply to one of the account’s messages', async () => {
    const { publisher, published } = harness(subscriptions);
    await publisher.messageReceived(incoming({ quotedMessageId: 'OURS', quotedSender: '15550001111@s.whatsapp.net' }));
    expect(published[0].webhookIds).toEqual(['mentions', 'all']);
    expect(published[0].event.data).toMatchObject({ mentionedBy: 'reply', quoted: { id: 'OURS' } });
  });

  it('commits nothing when no subscription wants the message', async () => {
    const { publisher, published } = harness([webhook('mentions', 'mentions')]);
    await publisher.messageReceived(incoming());
    expect(published).toEqual([]);
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
        text: 'hello',
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
    expect(published[0].webhookIds).toEqual(['status-only', 'everything']);
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
    expect(subscriptionReads[1]).toBe(statusTransaction);
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
});
