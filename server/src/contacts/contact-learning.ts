// Fills each session's PN↔LID map from what WhatsApp tells it: contacts, usync answers, group metadata, and the
// sender of every message, reaction, edit and deletion. Written behind, in batches, off the receipt path. Blocks made
// on any of the account's devices are noted on the contact too.
import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Clock } from '../core/runtime/clock';
import { WriteBehindBatcher } from '../core/runtime/write-behind-batcher';
import { ContactsBlocked, LearnedContact, MessageSender, WhatsAppEventName, WhatsAppEvents } from '../whatsapp/events';
import { mergeLearned } from './contact-merge';
import { ContactsRepository } from './contacts.repository';

interface Learned {
  sessionId: string;
  contact: LearnedContact;
}

/** A busy line's senders are few compared to its messages: a batch every few ms holds many messages of each. */
const BATCH = { maxItems: 500, maxDelayMs: 50 };
/** What was written lately, so a known sender's next message costs neither a read nor a write. */
const REMEMBERED_MAX = 20_000;

const SENDER_EVENTS = ['message.received', 'message.reaction', 'message.edited', 'message.revoked'] as const;

function rememberKey({ sessionId, contact }: Learned): string {
  return JSON.stringify([sessionId, contact.pn, contact.lid, contact.pushName, contact.verifiedName]);
}

@Injectable()
export class ContactLearning implements OnModuleInit, OnModuleDestroy {
  private readonly batcher: WriteBehindBatcher<Learned>;
  private readonly remembered = new Set<string>();
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    @Inject(ContactsRepository) private readonly contacts: Pick<ContactsRepository, 'learn' | 'setBlocked'>,
    private readonly events: WhatsAppEvents,
    private readonly clock: Clock,
  ) {
    this.batcher = new WriteBehindBatcher('learned contacts', (batch) => this.write(batch), BATCH, clock);
  }

  onModuleInit(): void {
    this.unsubscribe.push(
      this.events.on('contacts.learned', ({ sessionId, contacts }) => {
        for (const contact of contacts) this.learn(sessionId, contact);
      }),
    );
    for (const event of SENDER_EVENTS) this.unsubscribe.push(this.onSender(event));
    this.unsubscribe.push(this.events.on('contacts.blocked', (change) => this.blockedOnWhatsApp(change)));
  }

  /** A block made anywhere (the phone too): the contact is created when unknown, then marked. */
  private async blockedOnWhatsApp({ sessionId, jids, blocked }: ContactsBlocked): Promise<void> {
    for (const jid of jids)
      this.learn(sessionId, jid.endsWith('@lid') ? { pn: null, lid: jid } : { pn: jid, lid: null });
    await this.settled();
    const at = this.clock.now();
    for (const jid of jids) await this.contacts.setBlocked(sessionId, jid, blocked, at);
  }

  async onModuleDestroy(): Promise<void> {
    for (const unsubscribe of this.unsubscribe) unsubscribe();
    await this.batcher.close();
  }

  /** Queues what was learned; never throws, never waits (a failed batch is logged by the batcher). */
  learn(sessionId: string, contact: LearnedContact): void {
    const item = { sessionId, contact };
    if (!contact.pn && !contact.lid) return;
    if (this.remembered.has(rememberKey(item))) return;
    this.batcher.add(item);
  }

  /** Resolves once everything learned so far is written, so a read that follows sees it. */
  settled(): Promise<void> {
    return this.batcher.flush().catch(() => undefined);
  }

  private onSender(event: (typeof SENDER_EVENTS)[number] & WhatsAppEventName): () => void {
    return this.events.on(event, (payload: MessageSender & { sessionId: string; fromMe: boolean }) => {
      // The account's own messages tell nothing about anyone else.
      if (payload.fromMe) return;
      // A message without a push name says nothing about the name: keep the known one.
      const contact: LearnedContact = { pn: payload.senderPn, lid: payload.senderLid };
      if (payload.pushName) contact.pushName = payload.pushName;
      this.learn(payload.sessionId, contact);
    });
  }

  private async write(batch: Learned[]): Promise<void> {
    const bySession = new Map<string, LearnedContact[]>();
    for (const { sessionId, contact } of batch) {
      const learned = bySession.get(sessionId) ?? [];
      learned.push(contact);
      bySession.set(sessionId, learned);
    }
    const now = this.clock.now();
    const outcomes = await this.contacts.learn(bySession, (sessionId, existing, learned) =>
      mergeLearned(sessionId, existing, learned, now, randomUUID),
    );
    if (outcomes.some((outcome) => outcome.reshaped) || this.remembered.size + batch.length > REMEMBERED_MAX) {
      this.remembered.clear();
    }
    for (const item of batch) this.remembered.add(rememberKey(item));
  }
}
