import { Injectable } from '@nestjs/common';

/** The time, injected where rules depend on it (lockouts, key usage) so tests can move it. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
