import { Logger } from '@nestjs/common';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { FakeClock } from '../../test/support/fake-clock';
import { FakeClusterBus } from '../../test/support/fake-cluster-bus';
import { loadAppConfig } from '../core/config/app-config';
import type { MediaDownloadRef, MediaEntity } from '../media/media.entity';
import { MediaFetcher } from '../media/media-fetcher';
import { MediaLinks } from '../media/media-links';
import { MediaRepository } from '../media/media.repository';
import type { MediaStorage } from '../media/media-storage';
import { MediaService, MediaStorages } from '../media/media.service';
import { WhatsAppEvents } from '../whatsapp/events';
import { OutgoingMessage, SentMessage } from '../whatsapp/whatsapp.provider';
import { MessageEvents } from './message-events';
import { OutgoingMessageEntity } from './outgoing-message.entity';
import { AcceptedMessage, OutgoingMessagesRepository } from './outgoing-messages.repository';
import { SessionLeaseRepository } from '../sessions/session-lease.repository';
import { SendQueue } from './send-queue';
import { UnusedWhatsAppProvider } from '../../test/support/unused-whatsapp-provider';

/** A DataSource never connected: the real repositories need one to exist, the fakes below never touch it. */
const unconnected = new DataSource({ type: 'postgres' });

/** The queue's rows in memory, with the status moves the real repository makes. */
class FakeOutgoingMessages extends OutgoingMessagesRepository {
  readonly rows: OutgoingMessageEntity[] = [];
  /** Claims of a message another drain took first: a drain racing another one of the same session. */
  lostClaims = 0;

  constructor() {
    super(new Repository(OutgoingMessageEntity, unconnected.manager));
  }

  queue(sessionId: string, text: string, chatJid = '15550002222@s.whatsapp.net'): OutgoingMessageEntity {
    const row = Object.assign(new OutgoingMessageEntity(), {
      id: `row-${this.rows.length + 1}`,
      sessionId,
      messageId: `MSG${this.rows.length + 1}`,
      chatJid,
      type: 'text',
      text,
      mediaId: null,
      content: null,
      mentions: [],
      replyTo: null,
      replyToSender: null,
      status: 'queued',
    });
    this.rows.push(row);
    return row;
  }

  override async findById(id: string): Promise<OutgoingMessageEntity | null> {
    return this.rows.find((row) => row.id === id) ?? null;
  }
  override async nextQueued(sessionId: string, limit: number): Promise<OutgoingMessageEntity[]> {
    return this.rows.filter((row) => row.sessionId === sessionId && row.status === 'queued').slice(0, limit);
  }
  override async sessionsWithQueued(): Promise<string[]> {
    return [...new Set(this.rows.filter((row) => row.status === 'queued').map((row) => row.sessionId))];
  }
  override async claim(id: string, _sessionId: string, _leaseEpoch: number): Promise<boolean> {
    const claimed = this.move(id, 'queued', 'sending');
    if (!claimed) this.lostClaims++;
    return claimed;
  }
  override async markSent(
    id: string,
    _accepted: AcceptedMessage,
    follow: (message: OutgoingMessageEntity, transaction: EntityManager) => Promise<void>,
  ): Promise<boolean> {
    if (!this.move(id, 'sending', 'sent')) return false;
    const row = await this.findById(id);
    if (row) await follow(row, unconnected.manager);
    return true;
  }
  override async markAccepted(): Promise<void> {}
  override async findAccepted(): Promise<{ id: string; accepted: AcceptedMessage }[]> {
    return [];
  }
  override async markFailed(id: string): Promise<void> {
    this.move(id, 'sending', 'failed');
  }
  override async requeue(id: string): Promise<void> {
    this.move(id, 'sending', 'queued');
  }
  override async requeueStuckSending(): Promise<number> {
    return 0;
  }

  private move(id: string, from: OutgoingMessageEntity['status'], to: OutgoingMessageEntity['status']): boolean {
    const row = this.rows.find((candidate) => candidate.id === id && candidate.status === from);
    if (row) row.status = to;
    return row !== undefined;
  }
}

interface Send {
  sessionId: string;
  text: string;
  at: number;
}

/** Connected sessions that send at once, unless a test holds their sends back. */
class FakeWhatsApp extends UnusedWhatsAppProvider {
  readonly connected = new Set<string>();
  readonly sends: Send[] = [];
  /** How long each send takes to answer; Infinity: never. */
  sendTakesMs = 0;

  constructor(private readonly clock: FakeClock) {
    super();
  }

  override isConnected(sessionId: string): boolean {
    return this.connected.has(sessionId);
  }
  override async send(sessionId: string, message: OutgoingMessage): Promise<SentMessage> {
    this.sends.push({
      sessionId,
      text: message.content.type === 'text' ? message.content.text : message.content.type,
      at: this.clock.now().getTime(),
    });
    if (this.sendTakesMs === Infinity) await new Promise(() => undefined);
    if (this.sendTakesMs > 0) await this.clock.sleep(this.sendTakesMs);
    return { messageId: message.messageId ?? 'id', chatJid: message.to, timestamp: this.clock.now().toISOString() };
  }
}

/** Text messages only here: no file is ever opened. */
class NoStorages extends MediaStorages {
  get current(): MediaStorage {
    throw new Error('not used here');
  }
  of(): MediaStorage {
    throw new Error('not used here');
  }
}

class NoFetcher extends MediaFetcher {
  fetch(_ref: MediaDownloadRef): never {
    throw new Error('not used here');
  }
}

const MIN_INTERVAL_MS = 1000;

function harness() {
  const clock = new FakeClock();
  const config = loadAppConfig({
    JWT_SECRET: 'a-test-secret-that-is-long-enough-0123456789',
    MESSAGE_MIN_INTERVAL_MS: String(MIN_INTERVAL_MS),
    MESSAGE_JITTER_MS: '0',
    MESSAGE_PER_CHAT_PER_MINUTE: '100',
  });
  const messages = new FakeOutgoingMessages();
  const whatsapp = new FakeWhatsApp(clock);
  const whatsappEvents = new WhatsAppEvents();
  const media = new MediaService(
    config,
    new MediaRepository(new Repository<MediaEntity>('MediaEntity', unconnected.manager)),
    new NoStorages(),
    new NoFetcher(),
    new MediaLinks(config),
    clock,
  );
  const bus = new FakeClusterBus();
  const queue = new SendQueue(
    messages,
    whatsapp,
    new MessageEvents(),
    whatsappEvents,
    config,
    media,
    bus.asBus(),
    // Every session's lease is held here, at epoch 1.
    { epochOf: () => 1 } as unknown as SessionLeaseRepository,
    clock,
  );
  queue.onApplicationBootstrap();
  const textsOf = (sessionId: string) =>
    whatsapp.sends.filter((send) => send.sessionId === sessionId).map((send) => send.text);
  return { clock, messages, whatsapp, whatsappEvents, bus, queue, textsOf };
}

describe('SendQueue', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('sends one session’s messages in the order they were queued, one per pacing interval', async () => {
    const { clock, messages, whatsapp, queue, textsOf } = harness();
    whatsapp.connected.add('s1');
    ['one', 'two', 'three'].forEach((text) => messages.queue('s1', text));
    const start = clock.now().getTime();
    queue.wake('s1');
    await clock.advance(0);
    expect(textsOf('s1')).toEqual(['one']);
    await clock.advance(MIN_INTERVAL_MS - 1);
    expect(textsOf('s1')).toEqual(['one']);
    await clock.advance(1);
    expect(textsOf('s1')).toEqual(['one', 'two']);
    await clock.advance(MIN_INTERVAL_MS);
    expect(textsOf('s1')).toEqual(['one', 'two', 'three']);
    expect(whatsapp.sends.map((send) => send.at - start)).toEqual([0, 1000, 2000]);
    expect(messages.rows.map((row) => row.status)).toEqual(['sent', 'sent', 'sent']);
    await queue.beforeApplicationShutdown();
  });

  it('paces each session on its own, so sessions send side by side', async () => {
    const { clock, messages, whatsapp, queue, textsOf } = harness();
    whatsapp.connected.add('s1').add('s2');
    messages.queue('s1', 'a1');
    messages.queue('s1', 'a2');
    messages.queue('s2', 'b1');
    messages.queue('s2', 'b2');
    queue.wake('s1');
    queue.wake('s2');
    await clock.advance(0);
    expect(textsOf('s1')).toEqual(['a1']);
    expect(textsOf('s2')).toEqual(['b1']);
    await clock.advance(MIN_INTERVAL_MS);
    expect(textsOf('s1')).toEqual(['a1', 'a2']);
    expect(textsOf('s2')).toEqual(['b1', 'b2']);
    await queue.beforeApplicationShutdown();
  });

  it('sends a message queued during a drain after it, at the pace, exactly once', async () => {
    const { clock, messages, whatsapp, queue, textsOf } = harness();
    whatsapp.connected.add('s1');
    whatsapp.sendTakesMs = 300;
    messages.queue('s1', 'first');
    queue.wake('s1');
    await clock.advance(100);
    messages.queue('s1', 'second');
    queue.wake('s1');
    queue.wake('s1');
    await clock.advance(200);
    expect(textsOf('s1')).toEqual(['first']);
    await clock.advance(MIN_INTERVAL_MS);
    expect(textsOf('s1')).toEqual(['first', 'second']);
    expect(whatsapp.sends[1].at - whatsapp.sends[0].at).toBe(MIN_INTERVAL_MS);
    await clock.advance(10 * MIN_INTERVAL_MS);
    expect(textsOf('s1')).toEqual(['first', 'second']);
    expect(messages.lostClaims).toBe(0);
    await queue.beforeApplicationShutdown();
  });

  it('leaves a disconnected session’s messages queued until it connects', async () => {
    const { clock, messages, whatsapp, whatsappEvents, queue, textsOf } = harness();
    messages.queue('s1', 'waiting');
    queue.wake('s1');
    await clock.advance(0);
    expect(textsOf('s1')).toEqual([]);
    whatsapp.connected.add('s1');
    void whatsappEvents.publish('session.status', {
      sessionId: 's1',
      ownerId: 'alice',
      status: 'connected',
      reason: null,
      at: clock.now().toISOString(),
    });
    await clock.advance(0);
    expect(textsOf('s1')).toEqual(['waiting']);
    await queue.beforeApplicationShutdown();
  });

  it('tells the other nodes when it does not hold the session, and sends when another node tells it', async () => {
    const { clock, messages, whatsapp, bus, queue, textsOf } = harness();
    messages.queue('s1', 'queued elsewhere');
    queue.wake('s1');
    await clock.advance(0);
    expect(bus.published).toEqual([{ kind: 'send.queued', payload: { sessionId: 's1' } }]);
    expect(textsOf('s1')).toEqual([]);
    whatsapp.connected.add('s1');
    bus.receive('send.queued', { sessionId: 's1' });
    await clock.advance(0);
    expect(textsOf('s1')).toEqual(['queued elsewhere']);
    // Not told again: only that it settled.
    expect(bus.published.map((message) => message.kind)).toEqual(['send.queued', 'send.settled']);
    await queue.beforeApplicationShutdown();
  });

  it('finds queued messages of connected sessions on its sweep, without a wake', async () => {
    const { clock, messages, whatsapp, queue, textsOf } = harness();
    whatsapp.connected.add('s1');
    messages.queue('s1', 'accepted elsewhere');
    await clock.advance(1999);
    expect(textsOf('s1')).toEqual([]);
    await clock.advance(1);
    expect(textsOf('s1')).toEqual(['accepted elsewhere']);
    await queue.beforeApplicationShutdown();
  });

  it('answers a waiting request as soon as its message is sent', async () => {
    const { clock, messages, whatsapp, queue } = harness();
    whatsapp.connected.add('s1');
    whatsapp.sendTakesMs = 100;
    const row = messages.queue('s1', 'hello');
    queue.wake('s1');
    let outcome: { settled: boolean } | undefined;
    void queue.waitFor(row.id, 5000).then((answer) => (outcome = answer));
    await clock.advance(99);
    expect(outcome).toBeUndefined();
    await clock.advance(1);
    expect(outcome).toEqual({ settled: true, error: undefined });
    await queue.beforeApplicationShutdown();
  });

  it('answers a request waiting here as soon as another node says its message was sent, and says so itself', async () => {
    const { clock, messages, bus, queue } = harness();
    const row = messages.queue('s1', 'sent elsewhere');
    let outcome: { settled: boolean } | undefined;
    void queue.waitFor(row.id, 5000).then((answer) => (outcome = answer));
    await clock.advance(10);
    expect(outcome).toBeUndefined();
    row.status = 'sent';
    bus.receive('send.settled', { messageRowId: row.id });
    await clock.advance(0);
    expect(outcome).toEqual({ settled: true, error: undefined });
    await queue.beforeApplicationShutdown();
  });

  it('tells the other nodes when a message it sent has settled', async () => {
    const { clock, messages, whatsapp, bus, queue } = harness();
    whatsapp.connected.add('s1');
    const row = messages.queue('s1', 'hello');
    queue.wake('s1');
    await clock.advance(0);
    expect(bus.published).toContainEqual({ kind: 'send.settled', payload: { messageRowId: row.id } });
    await queue.beforeApplicationShutdown();
  });

  it('ends a pacing pause at shutdown and sends nothing more', async () => {
    const { clock, messages, whatsapp, queue, textsOf } = harness();
    whatsapp.connected.add('s1');
    messages.queue('s1', 'one');
    messages.queue('s1', 'two');
    queue.wake('s1');
    await clock.advance(10);
    let stopped = false;
    const stopping = queue.beforeApplicationShutdown().then(() => (stopped = true));
    await clock.advance(0);
    expect(stopped).toBe(true);
    await stopping;
    await clock.advance(10 * MIN_INTERVAL_MS);
    expect(textsOf('s1')).toEqual(['one']);
    expect(messages.rows.map((row) => row.status)).toEqual(['sent', 'queued']);
  });

  it('waits at shutdown for a send in progress, but no longer than the grace period', async () => {
    const { clock, messages, whatsapp, queue } = harness();
    whatsapp.connected.add('s1');
    whatsapp.sendTakesMs = Infinity;
    messages.queue('s1', 'stuck');
    queue.wake('s1');
    await clock.advance(0);
    let stopped = false;
    const stopping = queue.beforeApplicationShutdown().then(() => (stopped = true));
    await clock.advance(4999);
    expect(stopped).toBe(false);
    await clock.advance(1);
    await stopping;
    expect(stopped).toBe(true);
  });

  it('lets a send in progress finish within the grace period and records it', async () => {
    const { clock, messages, whatsapp, queue } = harness();
    whatsapp.connected.add('s1');
    whatsapp.sendTakesMs = 3000;
    messages.queue('s1', 'slow');
    queue.wake('s1');
    await clock.advance(0);
    let stopped = false;
    const stopping = queue.beforeApplicationShutdown().then(() => (stopped = true));
    await clock.advance(2999);
    expect(stopped).toBe(false);
    await clock.advance(1);
    await stopping;
    expect(messages.rows.map((row) => row.status)).toEqual(['sent']);
  });
});
