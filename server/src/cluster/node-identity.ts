// Who this process is in the cluster: a new id at every start, so a restarted node is a new member.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Injectable } from '@nestjs/common';
import { APP_VERSION } from '../core/config/app-version';
import { Clock } from '../core/runtime/clock';

@Injectable()
export class NodeIdentity {
  readonly id = randomUUID();
  readonly host = hostname();
  readonly version = APP_VERSION;
  readonly startedAt: Date;

  constructor(clock: Clock) {
    this.startedAt = clock.now();
  }
}
