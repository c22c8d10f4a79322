import { EventContract, localAsyncApiDocument } from '../../test/support/event-contract';
import { envelope, TEST_EVENT_TYPE, type WebhookEnvelope } from './envelope';
import { envelopeSchemaName, EVENT_SCHEMA_COMPONENTS, EVENT_TYPES } from './event-schemas';

const SESSION = '1f0e6c57-3b1e-4a43-9c1e-0d9f3b3f6c11';
const AT = '2024-06-10T08:30:00.000Z';
const chat = { jid: '15550001111@s.whatsapp.net', type: 'direct' as const };
const sender = { pn: '15550001111@s.whatsapp.net', lid: null, pushName: 'Ana' };
const user = { pn: '15550001111@s.whatsapp.net', lid: '123456789012345@lid' };

/** One envelope of each type, as the publisher builds them. */
const SAMPLES: WebhookEnvelope[] = [
  envelope('message.received', SESSION, AT, {
    id: '3EB0A1',
    chat,
    sender,
    type: 'image',
    unsupported: null,
    text: 'look',
    media: {
      id: '5b0c8a57-3b1e-4a43-9c1e-0d9f3b3f6c11',
      mimetype: 'image/jpeg',
      fileName: null,
      size: 1024,
      sha256: null,
      caption: 'look',
      ptt: false,
      seconds: null,
      width: 640,
      height: 480,
      url: 'http://localhost:3000/api/v1/media/x?sig=y',
      urlExpiresAt: AT,
      unavailableReason: null,
    },
    location: null,
    contact: null,
    mentions: [],
    mentioned: false,
    mentionedBy: null,
    quoted: { id: '3EB0A0', sender: null },
    fromMe: false,
    offline: false,
  }),
  envelope('message.sent', SESSION, AT, {
    id: '3EB0A2',
    chat,
    type: 'location',
    text: '',
    mentions: [],
    replyTo: null,
    media: null,
    location: { latitude: 52.5, longitude: 13.4, name: null, address: null },
    contact: null,
    reaction: null,
  }),
  envelope('message.ack', SESSION, AT, { id: '3EB0A2', chat, recipient: null, status: 'read' }),
  envelope('message.reaction', SESSION, AT, {
    id: '3EB0A3',
    chat,
    sender,
    messageId: '3EB0A2',
    emoji: '',
    fromMe: false,
  }),
  envelope('message.edited', SESSION, AT, { id: '3EB0A1', chat, sender, text: 'looked', editedAt: AT, fromMe: false }),
  envelope('message.revoked', SESSION, AT, { id: '3EB0A1', chat, sender, fromMe: true }),
  envelope('session.status', SESSION, AT, {
    sessionId: SESSION,
    status: 'reconnecting',
    reason: 'connection_lost',
    at: AT,
  }),
  envelope('group.participants', SESSION, AT, { group: '1203@g.us', action: 'add', participants: [user], by: null }),
  envelope('group.updated', SESSION, AT, {
    group: '1203@g.us',
    changes: { subject: 'Team', announce: true },
    by: user,
  }),
  envelope('call.received', SESSION, AT, { id: 'C1', from: user, isVideo: false, isGroup: false, at: AT }),
  envelope('presence.update', SESSION, AT, { chat: user.pn, from: user, state: 'composing', lastSeen: null }),
  {
    version: 1,
    id: 'evt_0',
    type: TEST_EVENT_TYPE,
    sessionId: SESSION,
    timestamp: AT,
    data: { webhookId: '6b0c8a57-3b1e-4a43-9c1e-0d9f3b3f6c11', message: 'Test event from WAGO' },
  },
];

describe('the event schemas', () => {
  const contract = new EventContract(localAsyncApiDocument());

  it('name one envelope schema per event type', () => {
    expect(envelopeSchemaName('message.received')).toBe('MessageReceivedEvent');
    expect(envelopeSchemaName(TEST_EVENT_TYPE)).toBe('WebhookTestEvent');
    for (const type of EVENT_TYPES) expect(EVENT_SCHEMA_COMPONENTS).toHaveProperty(envelopeSchemaName(type));
  });

  it.each(SAMPLES.map((sample) => [sample.type, sample]))(
    'accept a %s envelope as the publisher builds it',
    (type, sample) => {
      expect(contract.problems('webhooks', type, sample)).toEqual([]);
    },
  );

  it('refuse an envelope with a field missing, a field added, a wrong value or the data of another type', () => {
    const [received, sent] = SAMPLES as [WebhookEnvelope<Record<string, unknown>>, WebhookEnvelope];
    const { mentioned: _left, ...withoutMentioned } = received.data;
    expect(contract.problems('webhooks', 'message.received', { ...received, data: withoutMentioned })).toEqual([
      "webhooks message.received: /data must have required property 'mentioned'",
    ]);
    expect(contract.problems('webhooks', 'message.received', { ...received, extra: 1 })).toEqual([
      'webhooks message.received: / must NOT have additional properties (extra)',
    ]);
    expect(contract.problems('webhooks', 'message.received', { ...received, timestamp: 'yesterday' })).toEqual([
      'webhooks message.received: /timestamp must match format "date-time"',
    ]);
    expect(contract.problems('webhooks', 'message.received', { ...received, data: sent.data }).length).toBeGreaterThan(
      0,
    );
  });
});
