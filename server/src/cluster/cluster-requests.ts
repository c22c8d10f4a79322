// Requests one node makes of another over the cluster bus: asked of every node, answered by the one concerned (the
// node that runs a session, for what only its WhatsApp connection can do), within a deadline.
import { randomUUID } from 'node:crypto';
import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { DomainError } from '../core/errors/domain-errors';
import { Clock } from '../core/runtime/clock';
import { ClusterBus } from './cluster-bus';
import type { ClusterRequestMap } from './cluster-messages';
import { NodeIdentity } from './node-identity';

type Kind = keyof ClusterRequestMap;

/** An answer the asking node turns back into the error the answering node's service threw. */
export class ClusterAnswerError extends DomainError {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** No node answered in time: the one concerned is gone or too busy. */
export class NodeUnavailableError extends DomainError {
  readonly status = 503;
}

/** What a node that is concerned does; null when the request is not for it (another node answers). */
export type RequestHandler<K extends Kind> = (
  request: ClusterRequestMap[K]['request'],
) => Promise<ClusterRequestMap[K]['answer']> | null;

interface Waiting {
  resolve(answer: unknown): void;
  reject(error: Error): void;
}

@Injectable()
export class ClusterRequests implements OnModuleInit, OnModuleDestroy {
  private readonly handlers = new Map<Kind, RequestHandler<Kind>>();
  private readonly waiting = new Map<string, Waiting>();
  private readonly unsubscribes: (() => void)[] = [];

  constructor(
    private readonly bus: ClusterBus,
    private readonly node: NodeIdentity,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.unsubscribes.push(
      this.bus.on('request', (request) => this.onRequest(request)),
      this.bus.on('answer', (answer) => {
        if (answer.to !== this.node.id) return;
        const waiting = this.waiting.get(answer.id);
        if (!waiting) return;
        if (answer.ok) waiting.resolve(answer.value);
        else waiting.reject(new ClusterAnswerError(answer.status, answer.message));
      }),
    );
  }

  onModuleDestroy(): void {
    this.unsubscribes.splice(0).forEach((unsubscribe) => unsubscribe());
    for (const waiting of this.waiting.values()) waiting.reject(new NodeUnavailableError('This node is stopping'));
  }

  /** How this node answers requests of a kind it may be concerned by (one handler per kind). */
  answer<K extends Kind>(kind: K, handler: RequestHandler<K>): void {
    this.handlers.set(kind, handler as unknown as RequestHandler<Kind>);
  }

  /** Asks the other nodes; resolves with the concerned node's answer, or rejects with its error or a 503. */
  ask<K extends Kind>(
    kind: K,
    request: ClusterRequestMap[K]['request'],
    timeoutMs: number,
  ): Promise<ClusterRequestMap[K]['answer']> {
    const id = randomUUID();
    return new Promise<ClusterRequestMap[K]['answer']>((resolve, reject) => {
      const timer = this.clock.setTimeout(() => {
        this.waiting.delete(id);
        reject(new NodeUnavailableError(`No node of the cluster answered in time (${kind})`));
      }, timeoutMs);
      const settle = (): void => {
        timer.cancel();
        this.waiting.delete(id);
      };
      this.waiting.set(id, {
        resolve: (answer) => {
          settle();
          resolve(answer as ClusterRequestMap[K]['answer']);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
      });
      void this.bus.publish('request', { id, from: this.node.id, kind, body: request });
    });
  }

  private onRequest(request: { id: string; from: string; kind: Kind; body: unknown }): void {
    const handler = this.handlers.get(request.kind);
    const handling = handler?.(request.body as never);
    if (!handling) return;
    handling.then(
      (value) => this.bus.publish('answer', { id: request.id, to: request.from, ok: true, value }),
      (error: unknown) =>
        this.bus.publish('answer', {
          id: request.id,
          to: request.from,
          ok: false,
          status: error instanceof DomainError ? error.status : 500,
          message: error instanceof DomainError ? error.message : 'The node that runs it failed to do it',
        }),
    );
  }
}
