// What a session does when someone calls it: declines the call when its settings say so, and tells the caller why.
// The webhook event of the call is the publisher's (every call is published, declined or not).
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Clock } from '../core/runtime/clock';
import { TaskTracker } from '../core/runtime/task-tracker';
import { MessagesService } from '../messages/messages.service';
import { SessionConnections } from '../sessions/session-connections';
import { SessionsRepository } from '../sessions/sessions.repository';
import { CallReceived, WhatsAppEvents } from '../whatsapp/events';

/** What the call rule reads of sessions: their settings. */
export type CallSessions = Pick<SessionsRepository, 'findById'>;
/** How the call rule writes to a caller: a text through the send queue (paced, recorded, sent once per key). */
export type CallReplies = Pick<MessagesService, 'queueReply'>;

/** The idempotency key of the message to the caller of a declined call: a call offered again is answered once. */
export function declinedCallKey(callId: string): string {
  return `call-declined:${callId}`;
}

@Injectable()
export class CallsService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(CallsService.name);
  /** Calls being answered, waited for at shutdown. */
  private readonly pending: TaskTracker;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly events: WhatsAppEvents,
    @Inject(SessionsRepository) private readonly sessions: CallSessions,
    private readonly connections: SessionConnections,
    @Inject(MessagesService) private readonly replies: CallReplies,
    clock: Clock,
  ) {
    this.pending = new TaskTracker(clock);
  }

  onModuleInit(): void {
    // The offer is published by the node that holds the connection, so the call is declined where it rings.
    this.unsubscribe = this.events.on('call.received', (call) => this.pending.track(this.answer(call)));
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.unsubscribe?.();
    await this.pending.idle();
  }

  /**
   * With `rejectCalls`, declines the call and queues `rejectCallsMessage` (if any) to the caller. The message goes even
   * when WhatsApp refused the rejection: the caller still learns the line takes no calls. An offer WhatsApp tells of
   * on reconnect (offline) is treated the same: declining a call that already ended does nothing, and the caller did
   * call.
   */
  async answer(call: CallReceived): Promise<void> {
    const session = await this.sessions.findById(call.sessionId);
    if (!session?.settings.rejectCalls) return;
    // WhatsApp names a caller by LID (with the phone number beside it) or, when it gives no LID, by phone number; the
    // rejection must name the caller as the offer did.
    const caller = call.from.lid ?? call.from.pn;
    if (!caller) return;
    try {
      await this.connections.call(session, 'rejectCall', call.callId, caller);
      this.logger.log({ sessionId: session.id, callId: call.callId }, `Declined a call to session ${session.id}`);
    } catch (error) {
      this.logger.warn({ err: error, sessionId: session.id, callId: call.callId }, 'Declining a call failed');
    }
    const text = session.settings.rejectCallsMessage;
    if (!text) return;
    await this.replies.queueReply({
      sessionId: session.id,
      // The phone-number chat when known: where the rest of the conversation with this person is.
      chatJid: call.from.pn ?? caller,
      text,
      quoted: null,
      idempotencyKey: declinedCallKey(call.callId),
    });
  }
}
