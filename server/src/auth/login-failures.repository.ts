import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { LoginFailureEntity } from './login-failure.entity';

export type LoginAdmission =
  /** The attempt may check the PIN; `lockedUntil` is the lock that holds if it turns out wrong. */
  | { admitted: true; lockedUntil: Date | null }
  /** The username is locked: refuse without checking anything. */
  | { admitted: false; lockedUntil: Date };

export interface AdmissionRule {
  now: Date;
  /** Seconds to lock after the n-th consecutive failure at index n - 1; the last entry holds beyond. */
  lockSecondsByFailures: readonly number[];
  /** Failures last seen before this are forgotten. */
  forgetBefore: Date;
}

// Seconds to lock after `failures` failures, looked up in $3 (the last entry holds beyond its end); NULL for none.
const lockedUntilAfter = (failures: string): string =>
  `CASE WHEN ($3::int[])[LEAST(${failures}, cardinality($3::int[]))] > 0
     THEN $2::timestamptz + make_interval(secs => ($3::int[])[LEAST(${failures}, cardinality($3::int[]))])
   END`;

/** The failed-login counters behind the account lockout, keyed by lower-cased username. */
@Injectable()
export class LoginFailuresRepository {
  constructor(private readonly manager: EntityManager) {}

  /**
   * Admits one login attempt unless the username is locked. An admitted attempt is counted as a failure (and
   * sets the lock that failure earns) before its PIN is even checked, in one atomic statement: a burst of
   * parallel guesses cannot slip past the lock. A successful login then clears the count.
   */
  async admit(username: string, rule: AdmissionRule): Promise<LoginAdmission> {
    const key = username.toLowerCase();
    await this.manager.query('DELETE FROM login_failures WHERE last_failed_at < $1', [rule.forgetBefore]);
    const admitted = await this.manager.query<{ locked_until: Date | null }[]>(
      `INSERT INTO login_failures AS f (username, failures, last_failed_at, locked_until)
       VALUES ($1, 1, $2, ${lockedUntilAfter('1')})
       ON CONFLICT (username) DO UPDATE
         SET failures = f.failures + 1, last_failed_at = $2, locked_until = ${lockedUntilAfter('f.failures + 1')}
         WHERE f.locked_until IS NULL OR f.locked_until <= $2
       RETURNING locked_until`,
      [key, rule.now, rule.lockSecondsByFailures],
    );
    if (admitted.length > 0) return { admitted: true, lockedUntil: admitted[0].locked_until };
    const lock = await this.manager.getRepository(LoginFailureEntity).findOneBy({ username: key });
    // The lock was lifted (a success cleared it) between the two statements: try again.
    if (!lock?.lockedUntil || lock.lockedUntil <= rule.now) return this.admit(username, rule);
    return { admitted: false, lockedUntil: lock.lockedUntil };
  }

  /** Forgets the failures of a username that just logged in. */
  async clear(username: string): Promise<void> {
    await this.manager.getRepository(LoginFailureEntity).delete({ username: username.toLowerCase() });
  }
}
