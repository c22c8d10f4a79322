// Turns what happens (messages in and out, receipts, session statuses, group changes) into events committed to the
// outbox for each subscription that wants them, webhook or sink alike; the worker delivers them from there.
import { BeforeApplicationShutdown, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { systemClock } from '../core/runtime/clock';
import { GroupCommit } from '../core/runtime/group-commit';
import { TaskTracker } from '../core/runtime/task-tracker';
import { MediaLinks } from '../media/media-links';
import { MessageEvents, MessageSent } from '../messages/message-events';
import { SessionsRepository } from '../sessions/sessions.repository';
import {
  CallReceived,
  GroupParticipantsChanged,
  GroupUpdated,
  MessageAck,
  MessageEdited,
  MessageReaction,
  MessageReceived,
  MessageRevoked,
  MessageSender,
  MessageUpdateTarget,
  PresenceUpdated,
  ReceivedMedia,
  SessionStatusChanged,
  WhatsAppEvents,
} from '../whatsapp/events';
import { SinksRepository } from '../sinks/sinks.repository';
import { DeliveriesRepository, DeliveryTarget } from './deliveries.repository';
import { DeliveryWorker } from './delivery-worker';
import {
  envelope,
  incomingEventId,
  MediaData,
  messageEventId,
  selects,
  SenderRef,
  WebhookEnvelope,
  WebhookEventType,
} from './envelope';
import { forwardsMessage, forwardsUpdate, GroupPolicy, Mention, mentionOf } from './mention-policy';
import { PublishedEvents } from './published-events';
import { WebhooksRepository } from './webhooks.repository';

/** A webhook or sink an event may go to, with what decides whether it does: one rule for both kinds. */
export interface Subscription extends DeliveryTarget {
  events: string[];
  groupPolicy: GroupPolicy;
}

function targetOf({ kind, id }: Subscription): DeliveryTarget {
  return { kind, id };
}

@Injectable()
export class WebhookPublisher implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(WebhookPublisher.name);
  /** Events committed in the background (statuses, acks), waited for at shutdown. */
  private readonly pending = new TaskTracker(systemClock);
  private readonly unsubscribes: (() => void)[] = [];
  /**
   * Events committed to the outbox: under load, those that queue behind one transaction go together into the next,
   * so a busy line costs far fewer transactions than events. Each event is still committed before its promise
   * resolves (and an incoming message's receipt waits for that), in the order they came.
   */
  private readonly outbox = new GroupCommit<{ event: WebhookEnvelope; targets: DeliveryTarget[] }>((entries) =>
    this.deliveries.enqueueAll(entries),
  );

  constructor(
    private readonly whatsappEvents: WhatsAppEvents,
    private readonly messageEvents: MessageEvents,
    private readonly webhooks: WebhooksRepository,
    private readonly sinks: SinksRepository,
    private readonly sessions: SessionsRepository,
    private readonly deliveries: DeliveriesRepository,
    private readonly worker: DeliveryWorker,
    private readonly links: MediaLinks,
    private readonly published: PublishedEvents,
  ) {}

  onModuleInit(): void {
    this.unsubscribes.push(
      // Not tracked: the provider awaits this commit (and retries it) before it acknowledges the message to WhatsApp.
      this.whatsappEvents.on('message.received', (message) => this.messageReceived(message)),
      // The same for reactions, edits and deletions: they arrive as messages and are committed like them.
      this.whatsappEvents.on('message.reaction', (reaction) => this.messageReaction(reaction)),
      this.whatsappEvents.on('message.edited', (edit) => this.messageEdited(edit)),
      this.whatsappEvents.on('message.revoked', (revoke) => this.messageRevoked(revoke)),
      this.whatsappEvents.on('session.status', (change) => this.track(this.sessionStatus(change))),
      this.whatsappEvents.on('message.ack', (ack) => this.track(this.messageAck(ack))),
      this.whatsappEvents.on('group.participants', (change) => this.track(this.groupParticipants(change))),
      this.whatsappEvents.on('group.updated', (update) => this.track(this.groupUpdated(update))),
      this.whatsappEvents.on('call.received', (call) => this.track(this.callReceived(call))),
      this.whatsappEvents.on('presence.update', (presence) => this.track(this.presenceUpdate(presence))),
      this.messageEvents.useOutbox({
        write: (message, transaction) => this.messageSent(message, transaction),
        committed: () => this.worker.wake(),
      }),
    );
  }

  /** Events already received are committed before the database goes away. */
  async beforeApplicationShutdown(): Promise<void> {
    this.unsubscribes.splice(0).forEach((unsubscribe) => unsubscribe());
    await this.pending.idle();
  }

  async messageReceived(message: MessageReceived): Promise<void> {
    const subscriptions = await this.subscribed(message.sessionId, 'message.received');
    const mention = await this.mentionIn(message);
    const targets = subscriptions.filter((subscription) =>
      forwardsMessage(subscription.groupPolicy, message.chatType, mention.mentioned),
    );
    // One event id per message: a message WhatsApp delivers again (it was committed, its receipt never went out) is
    // recognised by the outbox and not published twice.
    await this.publish(
      envelope(
        'message.received',
        message.sessionId,
        message.timestamp,
        {
          id: message.messageId,
          chat: { jid: message.chatJid, type: message.chatType },
          sender: senderOf(message),
          type: message.type,
          unsupported: message.unsupported,
          text: message.text,
          media: message.media && this.mediaData(message.media),
          location: message.location,
          contact: message.contact,
          mentions: message.mentionedJids,
          mentioned: mention.mentioned,
          mentionedBy: mention.mentionedBy,
          quoted: message.quotedMessageId ? { id: message.quotedMessageId, sender: message.quotedSender } : null,
          fromMe: message.fromMe,
          offline: message.offline,
        },
        messageEventId(message.sessionId, message.messageId),
      ),
      targets,
    );
  }

  async messageReaction(reaction: MessageReaction): Promise<void> {
    await this.publishUpdate(
      envelope(
        'message.reaction',
        reaction.sessionId,
        reaction.timestamp,
        {
          id: reaction.reactionId,
          chat: { jid: reaction.chatJid, type: reaction.chatType },
          sender: senderOf(reaction),
          messageId: reaction.targetMessageId,
          emoji: reaction.emoji,
          fromMe: reaction.fromMe,
        },
        incomingEventId('message.reaction', reaction.sessionId, reaction.reactionId),
      ),
      reaction,
    );
  }

  async messageEdited(edit: MessageEdited): Promise<void> {
    await this.publishUpdate(
      envelope(
        'message.edited',
        edit.sessionId,
        edit.editedAt,
        {
          id: edit.targetMessageId,
          chat: { jid: edit.chatJid, type: edit.chatType },
          sender: senderOf(edit),
          text: edit.text,
          editedAt: edit.editedAt,
          fromMe: edit.fromMe,
        },
        incomingEventId('message.edited', edit.sessionId, edit.editId),
      ),
      edit,
    );
  }

  async messageRevoked(revoke: MessageRevoked): Promise<void> {
    await this.publishUpdate(
      envelope(
        'message.revoked',
        revoke.sessionId,
        revoke.timestamp,
        {
          id: revoke.targetMessageId,
          chat: { jid: revoke.chatJid, type: revoke.chatType },
          sender: senderOf(revoke),
          fromMe: revoke.fromMe,
        },
        incomingEventId('message.revoked', revoke.sessionId, revoke.revokeId),
      ),
      revoke,
    );
  }

  /** Inside the transaction that marks the message sent (the sender wakes the worker once it committed). */
  async messageSent(message: MessageSent, transaction: EntityManager): Promise<void> {
    const targets = await this.subscribed(message.sessionId, 'message.sent', transaction);
    const event = envelope('message.sent', message.sessionId, message.timestamp, {
      id: message.messageId,
      chat: { jid: message.chatJid, type: message.chatType },
      type: message.type,
      text: message.text,
      mentions: message.mentions,
      replyTo: message.replyTo,
      media: message.media,
      location: message.location,
      contact: message.contact,
      reaction: message.reaction,
    });
    if (targets.length > 0) {
      await this.deliveries.enqueue(event, targets.map(targetOf), transaction);
    }
    // Told inside the transaction, before it commits: the live tail is a view, not a record, so an event whose
    // transaction rolls back (rare) may show there without reaching any subscription.
    this.tell(event);
  }

  async messageAck(ack: MessageAck): Promise<void> {
    await this.publish(
      envelope('message.ack', ack.sessionId, ack.at, {
        id: ack.messageId,
        chat: { jid: ack.chatJid, type: ack.chatType },
        recipient: ack.recipient,
        status: ack.status,
      }),
      await this.subscribed(ack.sessionId, 'message.ack'),
    );
  }

  async sessionStatus(change: SessionStatusChanged): Promise<void> {
    await this.publish(
      envelope('session.status', change.sessionId, change.at, {
        sessionId: change.sessionId,
        status: change.status,
        reason: change.reason,
        at: change.at,
      }),
      await this.subscribed(change.sessionId, 'session.status'),
    );
  }

  /**
   * Group events are about the group, not its chat: every subscription that selects them gets them, whatever its
   * groupPolicy (which filters group messages). WhatsApp's notification carries no id WAGO is told, so each event gets
   * its own.
   */
  async groupParticipants(change: GroupParticipantsChanged): Promise<void> {
    await this.publish(
      envelope('group.participants', change.sessionId, change.at, {
        group: change.groupJid,
        action: change.action,
        participants: change.participants.map(({ pn, lid }) => ({ pn, lid })),
        by: change.by && { pn: change.by.pn, lid: change.by.lid },
      }),
      await this.subscribed(change.sessionId, 'group.participants'),
    );
  }

  async groupUpdated(update: GroupUpdated): Promise<void> {
    await this.publish(
      envelope('group.updated', update.sessionId, update.at, {
        group: update.groupJid,
        changes: update.changes,
        by: update.by && { pn: update.by.pn, lid: update.by.lid },
      }),
      await this.subscribed(update.sessionId, 'group.updated'),
    );
  }

  /** One event per call: an offer WhatsApp tells again (on reconnect) has the same id, and the outbox keeps one. */
  async callReceived(call: CallReceived): Promise<void> {
    await this.publish(
      envelope(
        'call.received',
        call.sessionId,
        call.at,
        {
          id: call.callId,
          from: { pn: call.from.pn, lid: call.from.lid },
          isVideo: call.isVideo,
          isGroup: call.isGroup,
          at: call.at,
        },
        incomingEventId('call.received', call.sessionId, call.callId),
      ),
      await this.subscribed(call.sessionId, 'call.received'),
    );
  }

  async presenceUpdate(presence: PresenceUpdated): Promise<void> {
    await this.publish(
      envelope('presence.update', presence.sessionId, presence.at, {
        chat: presence.chatJid,
        from: { pn: presence.from.pn, lid: presence.from.lid },
        state: presence.state,
        lastSeen: presence.lastSeen,
      }),
      await this.subscribed(presence.sessionId, 'presence.update'),
    );
  }

  /**
   * Whether and how the message mentions the account, by a mention or a reply. The account's JID and LID are read
   * only when the message mentions or quotes someone: most messages do neither and cost no query.
   */
  private async mentionIn(message: MessageReceived): Promise<Mention> {
    if (message.mentionedJids.length === 0 && !message.quotedSender) return { mentioned: false, mentionedBy: null };
    const session = await this.sessions.findById(message.sessionId);
    return mentionOf(message, { pn: session?.jid ?? null, lid: session?.lid ?? null });
  }

  /** A signed link for a file that is (or will be, at the first request) here; none for an unavailable one. */
  private mediaData(media: ReceivedMedia): MediaData {
    const { status, ...described } = media;
    const link = status === 'unavailable' ? null : this.links.sign(media.id);
    return { ...described, url: link?.url ?? null, urlExpiresAt: link?.expiresAt.toISOString() ?? null };
  }

  /** Publishes a reaction, edit or deletion to the subscriptions whose group policy lets it through. */
  private async publishUpdate(event: WebhookEnvelope, target: MessageUpdateTarget): Promise<void> {
    const subscriptions = await this.subscribed(target.sessionId, event.type as WebhookEventType);
    const undecided = subscriptions.filter(
      (subscription) => target.chatType === 'group' && subscription.groupPolicy === 'mentions',
    );
    const accountsMessage =
      undecided.length > 0 &&
      (target.targetFromMe || (await this.deliveries.sentThroughApi(target.sessionId, target.targetMessageId)));
    const forwarded =
      undecided.length > 0 && !accountsMessage
        ? await this.deliveries.targetsGiven(
            messageEventId(target.sessionId, target.targetMessageId),
            undecided.map(targetOf),
          )
        : new Set<string>();
    const targets = subscriptions.filter((subscription) =>
      forwardsUpdate(subscription.groupPolicy, target.chatType, {
        accountsMessage,
        forwardedHere: forwarded.has(subscription.id),
      }),
    );
    await this.publish(event, targets);
  }

  /** The session's enabled webhooks and sinks that select this event type. */
  private async subscribed(
    sessionId: string,
    type: WebhookEventType,
    transaction?: EntityManager,
  ): Promise<Subscription[]> {
    // One after the other: within a transaction both reads share its one connection.
    const webhooks = await this.webhooks.findEnabledBySession(sessionId, transaction);
    const sinks = await this.sinks.findEnabledBySession(sessionId, transaction);
    const subscriptions: Subscription[] = [
      ...webhooks.map(({ id, events, groupPolicy }) => ({ kind: 'webhook' as const, id, events, groupPolicy })),
      ...sinks.map(({ id, events, groupPolicy }) => ({ kind: 'sink' as const, id, events, groupPolicy })),
    ];
    return subscriptions.filter((subscription) => selects(subscription.events, type));
  }

  private async publish(event: WebhookEnvelope, targets: Subscription[]): Promise<void> {
    if (targets.length > 0) {
      await this.outbox.write({ event, targets: targets.map(targetOf) });
      this.worker.wake();
    }
    this.tell(event);
  }

  /** The one place every built envelope passes, subscribed or not: the realtime live tail hears it here. */
  private tell(event: WebhookEnvelope): void {
    void this.published.publish('event.published', event);
  }

  /** Owns the event's commit until shutdown; a failure is logged (the bus has nobody to report it to). */
  private track(task: Promise<void>): Promise<void> {
    return this.pending.track(
      task.catch((error: unknown) => {
        this.logger.error({ err: error }, 'An event could not be committed to the webhook outbox');
      }),
    );
  }
}

function senderOf(sender: MessageSender): SenderRef {
  return { pn: sender.senderPn, lid: sender.senderLid, pushName: sender.pushName };
}
