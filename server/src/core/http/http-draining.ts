// A stopping node lets its HTTP clients go instead of being held open by them. Behind a load balancer, kept-alive
// connections bring request after request to the node that is stopping: the HTTP server's close() would wait for them
// forever (seen in a rolling restart under load). From the start of a shutdown every answer closes its connection, so
// the client's next request opens one to another node; idle connections close at once; and whatever is still open
// when the server must close is cut after DRAIN_LIMIT_MS.
import { BeforeApplicationShutdown, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { NextFunction, Request, Response } from 'express';
import type { Server } from 'node:http';
import { Clock, Timer } from '../runtime/clock';

/** How long requests under way may still take once the server has to close. */
const DRAIN_LIMIT_MS = 5_000;

@Injectable()
export class HttpDraining implements BeforeApplicationShutdown, OnApplicationShutdown {
  private draining = false;
  private forceClose: Timer | undefined;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly clock: Clock,
  ) {}

  /** Express middleware: once the shutdown began, the answer asks the client to close the connection. */
  readonly middleware = (_request: Request, response: Response, next: NextFunction): void => {
    if (this.draining) response.setHeader('Connection', 'close');
    next();
  };

  /** The shutdown begins (called before Nest's hooks run: the session handoff may take a while). */
  start(): void {
    this.draining = true;
    this.server()?.closeIdleConnections();
  }

  /** Right before Nest closes the HTTP server. */
  beforeApplicationShutdown(): void {
    this.start();
    const server = this.server();
    this.forceClose = this.clock.setTimeout(() => server?.closeAllConnections(), DRAIN_LIMIT_MS, {
      holdsProcess: false,
    });
  }

  onApplicationShutdown(): void {
    this.forceClose?.cancel();
  }

  private server(): Server | undefined {
    return this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
  }
}
