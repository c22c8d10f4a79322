// Each session's pacing queue: queued messages leave one at a time at the paced rate, from the process that holds the
// session's connection. The rows are in Postgres, so a burst survives a restart and any node can accept a send.
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ClusterBus } from '../cluster/cluster-bus';
import { AppConfig } from '../core/config/app-config';
import { databaseErrorCode } from '../core/database/database-errors';
import { Clock } from '../core/runtime/clock';
import { KeyedSerialQueue } from '../core/runtime/keyed-serial-queue';
import { TaskTracker } from '../core/runtime/task-tracker';
import { WakeableLoop } from '../core/runtime/wakeable-loop';
import { WhatsAppEvents } from '../whatsapp/events';
import { SessionNotConnectedError, SessionOwnedElsewhereError } from '../whatsapp/whatsapp.errors';
import { MediaService } from '../media/media.service';
import { SessionLeaseRepository } from '../sessions/session-lease.repository';
import { OutgoingContent, OutgoingMessage, SentMessage, WhatsAppProvider } from '../whatsapp/whatsapp.provider';
import { MessageEvents, MessageSent } from './message-events';
import { OutgoingMessageEntity } from './outgoing-message.entity';
import { AcceptedMessage, OutgoingMessagesRepository } from './outgoing-messages.repository';
import { SessionPacing } from './pacing';

/** Queued messages another node accepted, or left by a restart, are found this often. */
const SWEEP_INTERVAL_MS = 2000;
const LOOKAHEAD = 50;
/** A message still `sending` after this long belongs to a process that died mid-send. */
const STUCK_SENDING_MS = 2 * 60_000;
const OUTCOME_POLL_MS = 250;
const SHUTDOWN_GRACE_MS = 5000;
/** Pauses between tries of writing a sent message's status; after the last, the sweep takes over. */
const STATUS_WRITE_RETRY_MS = [100, 200, 400, 800, 1600];

const FINISHED = new Set(['sent', 'delivered', 'read', 'failed']);

@Injectable()
export class SendQueue implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SendQueue.name);
  private readonly pacing = new Map<string, SessionPacing>();
  /** One drain at a time per session, so its messages leave in order and at its pace; sessions drain side by side. */
  private readonly drains = new KeyedSerialQueue();
  /** Sessions with a drain waiting behind the running one: it will see whatever a wake now is about. */
  private readonly drainWaiting = new Set<string>();
  private readonly tasks: TaskTracker;
  private readonly sweeper: WakeableLoop;
  /** Aborted at shutdown: cuts every pacing pause and retry backoff short, so drains end within the grace period. */
  private readonly stopping = new AbortController();
  /** Local failures by message row, so the request that queued it can answer with the real error. */
  private readonly failures = new Map<string, Error>();
  /** Callers of waitFor by message row, woken when it settles here. */
  private readonly settledWaiters = new Map<string, Set<AbortController>>();
  /** Messages WhatsApp took whose status Postgres refused even to note: the sweep records them. */
  private readonly unrecorded = new Map<string, AcceptedMessage>();
  private running = false;
  private readonly unsubscribes: (() => void)[] = [];

  constructor(
    private readonly messages: OutgoingMessagesRepository,
    private readonly whatsapp: WhatsAppProvider,
    private readonly events: MessageEvents,
    private readonly whatsappEvents: WhatsAppEvents,
    private readonly config: AppConfig,
    private readonly media: MediaService,
    private readonly bus: ClusterBus,
    private readonly leases: SessionLeaseRepository,
    private readonly clock: Clock,
  ) {
    this.tasks = new TaskTracker(clock);
    this.sweeper = new WakeableLoop('Send queue sweep', () => this.sweep(), { intervalMs: SWEEP_INTERVAL_MS }, clock);
  }

  onApplicationBootstrap(): void {
    this.running = true;
    this.sweeper.start();
    this.unsubscribes.push(
      // A session that comes back sends what queued up while it was away.
      this.whatsappEvents.on('session.status', (change) => {
        if (change.status === 'connected') this.drainHere(change.sessionId);
      }),
      // Queued through another node, for a session this one runs.
      this.bus.on('send.queued', ({ sessionId }) => this.drainHere(sessionId)),
      // Sent by another node, for a request waiting here.
      this.bus.on('send.settled', ({ messageRowId }) => this.wakeWaiters(messageRowId)),
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    this.unsubscribes.splice(0).forEach((unsubscribe) => unsubscribe());
    this.stopping.abort();
    void this.tasks.track(this.sweeper.stop());
    await this.tasks.drain(SHUTDOWN_GRACE_MS);
    // The rows that note a taken message wait for the next start; what only this process knows is its last chance.
    await this.recordRemembered();
    for (const accepted of this.unrecorded.values()) {
      this.logger.error(`Message sent, its status lost at shutdown: ${accepted.messageId}`);
    }
  }

  /**
   * Something was queued for the session: this node sends it if it holds the connection, and otherwise tells the
   * node that does (the send sweep is the fallback, should that node miss it).
   */
  wake(sessionId: string): void {
    if (this.whatsapp.isConnected(sessionId)) this.drainHere(sessionId);
    else void this.bus.publish('send.queued', { sessionId });
  }

  /** Sends what the session has queued, at the paced rate, if this process holds its connection. */
  private drainHere(sessionId: string): void {
    if (!this.running || this.drainWaiting.has(sessionId)) return;
    this.drainWaiting.add(sessionId);
    const drain = this.drains.run(sessionId, () => {
      this.drainWaiting.delete(sessionId);
      return this.drain(sessionId);
    });
    void this.tasks.track(
      drain.catch((error: unknown) => this.logger.error({ err: error, sessionId }, 'Send queue failed')),
    );
  }

  /**
   * Waits until the message is sent or failed, at most `timeoutMs`; resolves with the error when it failed here.
   * Watches the row too, for a message sent by the node that holds the session.
   */
  async waitFor(messageRowId: string, timeoutMs: number): Promise<{ settled: boolean; error?: Error }> {
    const deadline = this.clock.now().getTime() + timeoutMs;
    for (;;) {
      const row = await this.messages.findById(messageRowId);
      if (!row || FINISHED.has(row.status)) {
        const error = this.failures.get(messageRowId);
        this.failures.delete(messageRowId);
        return { settled: true, error };
      }
      const remaining = deadline - this.clock.now().getTime();
      if (remaining <= 0) return { settled: false };
      await this.settledOrTimeout(messageRowId, Math.min(remaining, OUTCOME_POLL_MS));
    }
  }

  private async settledOrTimeout(messageRowId: string, ms: number): Promise<void> {
    const waiters = this.settledWaiters.get(messageRowId) ?? new Set();
    this.settledWaiters.set(messageRowId, waiters);
    const settled = new AbortController();
    waiters.add(settled);
    try {
      await this.clock.sleep(ms, settled.signal);
    } finally {
      waiters.delete(settled);
      if (waiters.size === 0) this.settledWaiters.delete(messageRowId);
    }
  }

  private settled(messageRowId: string, error?: Error): void {
    if (error && this.settledWaiters.has(messageRowId)) this.failures.set(messageRowId, error);
    this.wakeWaiters(messageRowId);
    // The request may wait on another node (it was accepted there): that node reads the outcome now.
    void this.bus.publish('send.settled', { messageRowId });
  }

  private wakeWaiters(messageRowId: string): void {
    this.settledWaiters.get(messageRowId)?.forEach((waiter) => waiter.abort());
  }

  private pacingOf(sessionId: string): SessionPacing {
    let pacing = this.pacing.get(sessionId);
    if (!pacing) {
      pacing = new SessionPacing(this.config.messaging);
      this.pacing.set(sessionId, pacing);
    }
    return pacing;
  }

  private async drain(sessionId: string): Promise<void> {
    const pacing = this.pacingOf(sessionId);
    while (this.running && this.whatsapp.isConnected(sessionId)) {
      const queued = await this.messages.nextQueued(sessionId, LOOKAHEAD);
      if (queued.length === 0) break;
      const now = this.clock.now().getTime();
      // Oldest first, except that a chat at its per-minute limit lets the other chats go ahead.
      let next = queued[0];
      let due = pacing.earliest(next.chatJid, now);
      for (const message of queued) {
        const earliest = pacing.earliest(message.chatJid, now);
        if (earliest < due) [next, due] = [message, earliest];
      }
      if (due > now) {
        await this.clock.sleep(due - now, this.stopping.signal);
        continue;
      }
      // Sent only by the holder of the session's lease, as of now (the claim checks its epoch).
      const leaseEpoch = this.leases.epochOf(sessionId);
      if (leaseEpoch === undefined) break;
      try {
        if (!(await this.messages.claim(next.id, sessionId, leaseEpoch))) continue;
      } catch (error) {
        if (!(error instanceof SessionOwnedElsewhereError)) throw error;
        this.logger.warn({ sessionId }, 'Another node owns the session now; it sends the queued messages');
        break;
      }
      pacing.record(next.chatJid, this.clock.now().getTime());
      if (!(await this.send(next))) break;
    }
    if (pacing.idle(this.clock.now().getTime())) this.pacing.delete(sessionId);
  }

  /** Sends one claimed message; false when the session turned out not to be connected (it stays queued). */
  private async send(message: OutgoingMessageEntity): Promise<boolean> {
    let sent: SentMessage;
    try {
      sent = await this.whatsapp.send(message.sessionId, await this.outgoing(message));
    } catch (error) {
      if (error instanceof SessionNotConnectedError) {
        await this.messages.requeue(message.id);
        return false;
      }
      const failure = error instanceof Error ? error : new Error(String(error));
      this.logger.warn({ sessionId: message.sessionId, err: failure }, `Message not sent: ${message.messageId}`);
      await this.messages.markFailed(message.id, failure.message);
      this.settled(message.id, failure);
      return true;
    }
    // WhatsApp took it: from here on the message is sent, whatever Postgres answers, and never sent again.
    await this.recordSent(message, { messageId: sent.messageId, sentAt: new Date(sent.timestamp) });
    return true;
  }

  /** The row as the provider sends it; a media message's file is opened from storage here, read as it uploads. */
  private async outgoing(message: OutgoingMessageEntity): Promise<OutgoingMessage> {
    return {
      to: message.chatJid,
      content: await this.contentOf(message),
      mentions: message.mentions.length > 0 ? message.mentions : undefined,
      quoted: message.replyTo ? { messageId: message.replyTo, sender: message.replyToSender ?? undefined } : undefined,
      messageId: message.messageId,
    };
  }

  private async contentOf(message: OutgoingMessageEntity): Promise<OutgoingContent> {
    const { type, text, content, mediaId } = message;
    const caption = text === '' ? undefined : text;
    if (type === 'text') return { type, text };
    if (type === 'location' && content?.location) {
      const { name, address, ...where } = content.location;
      return { type, ...where, name: name ?? undefined, address: address ?? undefined };
    }
    if (type === 'contact' && content?.contact) return { type, ...content.contact };
    if (type === 'reaction' && content?.reaction) {
      const { messageId, emoji, fromMe, sender } = content.reaction;
      return { type, emoji, target: { chatJid: message.chatJid, messageId, fromMe, sender } };
    }
    if (content?.media && mediaId) {
      const media = {
        stream: await this.media.openStream(mediaId),
        mimetype: content.media.mimetype,
        fileName: content.media.fileName ?? undefined,
      };
      if (type === 'audio') return { type, media, ptt: content.media.ptt };
      if (type === 'sticker') return { type, media };
      if (type === 'image' || type === 'video' || type === 'document') return { type, media, caption };
    }
    throw new Error(`A ${type} message without its content`);
  }

  /**
   * Writes the `sent` status with its `message.sent` events, retrying with backoff. If Postgres keeps refusing, the
   * row notes that WhatsApp took the message (or this process remembers it), and the sweep finishes the job.
   */
  private async recordSent(message: OutgoingMessageEntity, accepted: AcceptedMessage): Promise<void> {
    for (const pause of [...STATUS_WRITE_RETRY_MS, undefined]) {
      try {
        await this.completeSent(message.id, accepted);
        return;
      } catch (error) {
        if (pause === undefined) {
          this.logger.warn(
            { sessionId: message.sessionId, code: databaseErrorCode(error) },
            `Message sent, its status not recorded yet: ${accepted.messageId}`,
          );
        } else {
          await this.clock.sleep(pause, this.stopping.signal);
        }
      }
    }
    try {
      await this.messages.markAccepted(message.id, accepted);
    } catch {
      this.unrecorded.set(message.id, accepted);
    }
  }

  /** Marks the message sent and commits its events; a message another node recorded first is left as it is. */
  private async completeSent(messageRowId: string, accepted: AcceptedMessage): Promise<void> {
    const marked = await this.messages.markSent(messageRowId, accepted, (message, transaction) =>
      this.events.writeSent(sentEvent(message, accepted), transaction),
    );
    this.unrecorded.delete(messageRowId);
    if (marked) this.events.sentCommitted();
    this.settled(messageRowId);
  }

  /** Records what WhatsApp took but Postgres refused: first what only this process knows, then what the rows note. */
  private async recordUnrecorded(): Promise<void> {
    await this.recordRemembered();
    // Postgres refusing even these means it is still away: the rows can wait for the next sweep.
    if (this.unrecorded.size > 0) return;
    for (const { id, accepted } of await this.messages.findAccepted(LOOKAHEAD)) {
      await this.tryCompleteSent(id, accepted);
    }
  }

  private async recordRemembered(): Promise<void> {
    for (const [messageRowId, accepted] of [...this.unrecorded]) {
      await this.tryCompleteSent(messageRowId, accepted);
    }
  }

  private async tryCompleteSent(messageRowId: string, accepted: AcceptedMessage): Promise<void> {
    try {
      await this.completeSent(messageRowId, accepted);
    } catch (error) {
      this.logger.warn(
        { code: databaseErrorCode(error) },
        `Message sent, its status not recorded yet: ${accepted.messageId}`,
      );
    }
  }

  private async sweep(): Promise<void> {
    try {
      await this.recordUnrecorded();
      await this.messages.requeueStuckSending(new Date(this.clock.now().getTime() - STUCK_SENDING_MS), [
        ...this.unrecorded.keys(),
      ]);
      for (const sessionId of await this.messages.sessionsWithQueued()) {
        if (this.whatsapp.isConnected(sessionId)) this.drainHere(sessionId);
      }
    } catch (error) {
      this.logger.error({ err: error }, 'Send queue sweep failed');
    }
  }
}

function sentEvent(message: OutgoingMessageEntity, accepted: AcceptedMessage): MessageSent {
  const content = message.content ?? {};
  return {
    sessionId: message.sessionId,
    messageId: accepted.messageId,
    chatJid: message.chatJid,
    chatType: message.chatJid.endsWith('@g.us') ? 'group' : 'direct',
    type: message.type,
    text: message.text,
    media: content.media && message.mediaId ? { id: message.mediaId, ...content.media } : null,
    location: content.location ?? null,
    contact: content.contact ?? null,
    reaction: content.reaction ? { messageId: content.reaction.messageId, emoji: content.reaction.emoji } : null,
    mentions: message.mentions,
    replyTo: message.replyTo,
    timestamp: accepted.sentAt.toISOString(),
  };
}
