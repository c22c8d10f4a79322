import { FakeClusterRequests } from '../../test/support/fake-cluster-requests';
import { UnusedWhatsAppProvider } from '../../test/support/unused-whatsapp-provider';
import { Clock } from '../core/runtime/clock';
import type { BotReply } from '../messages/messages.service';
import { SessionConnections } from '../sessions/session-connections';
import { SessionEntity, SessionSettings } from '../sessions/session.entity';
import type { SessionStatus } from '../sessions/session-status';
import { CallReceived, WhatsAppEvents } from '../whatsapp/events';
import { WhatsAppRefusedError } from '../whatsapp/whatsapp.errors';
import { CallReplies, CallSessions, CallsService, declinedCallKey } from './calls.service';

const ALICE = { pn: '15550001111@s.whatsapp.net', lid: '123456789012345@lid' };

/** A provider that holds every session's connection and records the calls it declines. */
class CallingProvider extends UnusedWhatsAppProvider {
  readonly rejected: { sessionId: string; callId: string; callerJid: string }[] = [];
  refuse = false;

  override isConnected(): boolean {
    return true;
  }

  override async rejectCall(sessionId: string, callId: string, callerJid: string): Promise<void> {
    if (this.refuse) throw new WhatsAppRefusedError('WhatsApp did not take it');
    this.rejected.push({ sessionId, callId, callerJid });
  }
}

function harness(settings: SessionSettings, status: SessionStatus = 'connected') {
  const session = Object.assign(new SessionEntity(), { id: 's1', ownerId: 'alice', status, settings });
  const sessions: CallSessions = { findById: async (id) => (id === session.id ? session : null) };
  const replies: BotReply[] = [];
  const replier: CallReplies = { queueReply: async (reply) => void replies.push(reply) };
  const provider = new CallingProvider();
  const events = new WhatsAppEvents();
  const service = new CallsService(
    events,
    sessions,
    new SessionConnections(provider, new FakeClusterRequests().asRequests()),
    replier,
    new Clock(),
  );
  service.onModuleInit();
  return { service, events, provider, replies };
}

function call(overrides: Partial<CallReceived> = {}): CallReceived {
  return {
    sessionId: 's1',
    callId: 'A1B2C3D4E5F60718293A4B5C6D7E8F90',
    from: ALICE,
    isVideo: false,
    isGroup: false,
    at: '2026-01-01T00:00:00.000Z',
    offline: false,
    ...overrides,
  };
}

describe('CallsService', () => {
  it('declines a call by the caller’s LID and sends the message to the caller’s phone-number chat', async () => {
    const { events, provider, replies } = harness({ rejectCalls: true, rejectCallsMessage: 'No calls, please' });
    await events.publish('call.received', call());
    expect(provider.rejected).toEqual([{ sessionId: 's1', callId: call().callId, callerJid: ALICE.lid }]);
    expect(replies).toEqual([
      {
        sessionId: 's1',
        chatJid: ALICE.pn,
        text: 'No calls, please',
        quoted: null,
        idempotencyKey: declinedCallKey(call().callId),
      },
    ]);
  });

  it('names a caller WhatsApp gave only by phone number by that number', async () => {
    const { service, provider, replies } = harness({ rejectCalls: true, rejectCallsMessage: 'Text us' });
    await service.answer(call({ from: { pn: ALICE.pn, lid: null } }));
    expect(provider.rejected.map((rejected) => rejected.callerJid)).toEqual([ALICE.pn]);
    expect(replies.map((reply) => reply.chatJid)).toEqual([ALICE.pn]);
  });

  it('writes to the LID of a caller whose phone number is unknown', async () => {
    const { service, replies } = harness({ rejectCalls: true, rejectCallsMessage: 'Text us' });
    await service.answer(call({ from: { pn: null, lid: ALICE.lid } }));
    expect(replies.map((reply) => reply.chatJid)).toEqual([ALICE.lid]);
  });

  it('answers a call offered twice with one message key, so the caller gets the message once', async () => {
    const { service, replies } = harness({ rejectCalls: true, rejectCallsMessage: 'Text us' });
    await service.answer(call());
    await service.answer(call({ offline: true }));
    expect(new Set(replies.map((reply) => reply.idempotencyKey)).size).toBe(1);
  });

  it('lets calls ring when rejectCalls is off', async () => {
    const { service, provider, replies } = harness({ rejectCalls: false, rejectCallsMessage: 'Text us' });
    await service.answer(call());
    expect(provider.rejected).toEqual([]);
    expect(replies).toEqual([]);
  });

  it('declines without writing when there is no message', async () => {
    const { service, provider, replies } = harness({ rejectCalls: true, rejectCallsMessage: null });
    await service.answer(call());
    expect(provider.rejected).toHaveLength(1);
    expect(replies).toEqual([]);
  });

  it('still tells the caller when WhatsApp refuses the rejection', async () => {
    const { service, provider, replies } = harness({ rejectCalls: true, rejectCallsMessage: 'Text us' });
    provider.refuse = true;
    await service.answer(call());
    expect(provider.rejected).toEqual([]);
    expect(replies).toHaveLength(1);
  });

  it('ignores calls of a session that no longer exists', async () => {
    const { service, provider, replies } = harness({ rejectCalls: true, rejectCallsMessage: 'Text us' });
    await service.answer(call({ sessionId: 'gone' }));
    expect(provider.rejected).toEqual([]);
    expect(replies).toEqual([]);
  });

  it('stops answering calls at shutdown, after those already being answered', async () => {
    const { service, events, provider } = harness({ rejectCalls: true, rejectCallsMessage: null });
    const answering = events.publish('call.received', call());
    await service.beforeApplicationShutdown();
    await answering;
    await events.publish('call.received', call({ callId: 'FFFF0000FFFF0000FFFF0000FFFF0000' }));
    expect(provider.rejected.map((rejected) => rejected.callId)).toEqual([call().callId]);
  });
});
