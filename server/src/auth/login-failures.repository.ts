import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { LoginFailureEntity } from './login-failure.entity';

export type LoginAdmission =
  /** The attempt may check the PIN; `lockedUntil` is the lock that holds if it turns out wrong. */
  | { admitted: true; lockedUntil: Date | null }
  /** The username is locked for this address: refuse without checking anything. */
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

/** The failed-login counters behind the account lockout, keyed by lower-cased username and client address. */
@Injectable()
export class LoginFailuresRepository {
  constructor(private readonly manager: EntityManager) {}

  /**
   * Admits one login attempt from `clientAddress` unless the username is locked for that address. An admitted
   * attempt is counted as a failure (and sets the lock that failure earns) before its PIN is even checked, in one
   * atomic statement: a burst of parallel guesses cannot slip past the lock. A successful login then clears the
   * count.
   */
  async admit(username: string, clientAddress: string, rule: AdmissionRule): Promise<LoginAdmission> {
    const key = username.toLowerCase();
    await this.manager.query('DELETE FROM login_failures WHERE last_failed_at < $1', [rule.forgetBefore]);
    const admitted = await this.manager.query<{ locked_until: Date | null }[]>(
      `INSERT INTO login_failures AS f (username, client_address, failures, last_failed_at, locked_until)
       VALUES ($1, $4, 1, $2, ${lockedUntilAfter('1')})
       ON CONFLICT (username, client_address) DO UPDATE
         SET failures = f.failures + 1, last_failed_at = $2, locked_until = ${lockedUntilAfter('f.failures + 1')}
         WHERE f.locked_until IS NULL OR f.locked_until <= $2
       RETURNING locked_until`,
      [key, rule.now, rule.lockSecondsByFailures, clientAddress],
    );
    if (admitted.length > 0) return { admitted: true, lockedUntil: admitted[0].locked_until };
    const lock = await this.manager.getRepository(LoginFailureEntity).findOneBy({ username: key, clientAddress });
    // The lock was lifted (a success cleared it) between the two statements: try again.
    if (!lock?.lockedUntil || lock.lockedUntil <= rule.now) return this.admit(username, clientAddress, rule);
    return { admitted: false, lockedUntil: lock.lockedUntil };
  }

  /** Forgets the failures of a username from the address that just logged in with it. */
  async clear(username: string, clientAddress: string): Promise<void> {
    await this.manager.getRepository(LoginFailureEntity).delete({ username: username.toLowerCase(), clientAddress });
  }

  /** Forgets the failures of a username from every address, lifting its locks. */
  async clearEverywhere(username: string): Promise<void> {
    await this.manager.getRepository(LoginFailureEntity).delete({ username: username.toLowerCase() });
  }
}
