// One client WebSocket: Noise handshake, then encrypted frames carrying binary nodes in both directions.
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import type { BinaryNode } from '../core/binary-node';
import type { Clock } from '../core/clock';
import type { WaLibrary } from '../core/wa-library';
import type { CertificateAuthority } from './certificates';
import { encodeFrame, FrameReader, NoiseServerHandshake, type NoiseTransport } from './noise-server';
import type { TrafficGate } from './traffic-gate';

export type ClientPayload = ReturnType<WaLibrary['proto']['ClientPayload']['decode']>;

/** What the session layer does with a connection once the handshake has told it who the client is. */
export interface ConnectionListener {
  onNode(node: BinaryNode): Promise<void>;
  onClose(): void;
}

export interface ConnectionContext {
  lib: WaLibrary;
  certificates: CertificateAuthority;
  gate: TrafficGate;
  clock: Clock;
  logger: Logger;
  /** Called once per connection with the client's login or registration payload. */
  onHandshake(connection: WaConnection, payload: ClientPayload): ConnectionListener;
}

/** How long a client gets to close the socket itself after a stream error before the sim closes it. */
const CLOSE_GRACE_MS = 1_000;
let connectionSequence = 0;

export class WaConnection {
  readonly id = ++connectionSequence;
  /** The client's Noise static key (Baileys' `creds.noiseKey`), known once the handshake finished. */
  clientStatic: Buffer | undefined;
  private state: 'hello' | 'finish' | 'open' | 'closed' = 'hello';
  private handshake: NoiseServerHandshake | undefined;
  private transport: NoiseTransport | undefined;
  private listener: ConnectionListener | undefined;
  private readonly reader = new FrameReader();
  private inbound: Promise<void> = Promise.resolve();
  private outbound: Promise<void> = Promise.resolve();
  private closeTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly socket: WebSocket,
    private readonly context: ConnectionContext,
  ) {
    socket.on('message', (data: Buffer) => this.receive(data));
    socket.on('close', () => this.closed());
    socket.on('error', (error) => this.context.logger.debug({ err: error, connection: this.id }, 'socket error'));
  }

  get isOpen(): boolean {
    return this.state !== 'closed';
  }

  /** Sends a stanza; under a "delay" outage it waits, keeping order with everything sent after it. */
  sendNode(node: BinaryNode): Promise<void> {
    const sent = this.outbound.then(async () => {
      await this.context.gate.pass();
      if (this.state !== 'open' || !this.transport) return;
      const encoded = this.context.lib.encodeBinaryNode(node);
      this.socket.send(encodeFrame(this.transport.encrypt(encoded)));
    });
    this.outbound = sent.catch((error: unknown) =>
      this.context.logger.warn({ err: error, connection: this.id }, 'failed to send stanza'),
    );
    return this.outbound;
  }

  /** Ends the stream the way WhatsApp does: a `<stream:error>` the client maps to a disconnect reason, then close. */
  async streamError(attrs: Record<string, string>, reason?: BinaryNode): Promise<void> {
    await this.sendNode({ tag: 'stream:error', attrs, content: reason ? [reason] : undefined });
    this.closeSoon();
  }

  /** Fails a login with `<failure reason>` (e.g. 401 for a device the account no longer has), then closes. */
  async failure(reason: number): Promise<void> {
    await this.sendNode({ tag: 'failure', attrs: { reason: String(reason), location: 'sim' } });
    this.closeSoon();
  }

  /** Closes the socket without a word, like a network drop: the client only sees the TCP connection end. */
  drop(): void {
    this.socket.terminate();
    this.closed();
  }

  close(): void {
    this.socket.close();
    this.closed();
  }

  private closeSoon(): void {
    this.context.clock.clearTimeout(this.closeTimer);
    this.closeTimer = this.context.clock.setTimeout(() => this.drop(), CLOSE_GRACE_MS);
  }

  private receive(data: Buffer): void {
    for (const frame of this.reader.push(data)) {
      this.inbound = this.inbound
        .then(() => this.context.gate.pass())
        .then(() => this.processFrame(frame))
        .catch((error: unknown) => {
          this.context.logger.warn({ err: error, connection: this.id, state: this.state }, 'dropping connection');
          this.drop();
        });
    }
  }

  private async processFrame(frame: Buffer): Promise<void> {
    const { proto } = this.context.lib;
    switch (this.state) {
      case 'hello': {
        const ephemeral = proto.HandshakeMessage.decode(frame).clientHello?.ephemeral;
        if (!ephemeral || ephemeral.length !== 32) throw new Error('handshake without a client ephemeral key');
        const header = this.reader.header ?? Buffer.alloc(0);
        this.handshake = new NoiseServerHandshake(header, this.context.certificates.serverStatic);
        const serverHello = this.handshake.respond(Buffer.from(ephemeral), this.context.certificates.chain);
        this.socket.send(encodeFrame(proto.HandshakeMessage.encode({ serverHello }).finish()));
        this.state = 'finish';
        return;
      }
      case 'finish': {
        const clientFinish = proto.HandshakeMessage.decode(frame).clientFinish;
        if (!clientFinish?.static || !clientFinish.payload || !this.handshake) throw new Error('incomplete handshake');
        const finished = this.handshake.finish(Buffer.from(clientFinish.static), Buffer.from(clientFinish.payload));
        this.handshake = undefined;
        this.clientStatic = finished.clientStatic;
        this.transport = finished.transport;
        this.state = 'open';
        this.listener = this.context.onHandshake(this, proto.ClientPayload.decode(finished.payload));
        return;
      }
      case 'open': {
        if (!this.transport || !this.listener) return;
        const node = await this.context.lib.decodeBinaryNode(this.transport.decrypt(frame));
        await this.listener.onNode(node);
        return;
      }
      case 'closed':
        return;
    }
  }

  private closed(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.context.clock.clearTimeout(this.closeTimer);
    this.listener?.onClose();
  }
}
