// Who may register, how a PIN is checked (with the lockout), and how a token or API key becomes an AuthUser.
import { Injectable, Logger } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { Counter } from 'prom-client';
import { AppConfig } from '../core/config/app-config';
import { BadRequestError, ForbiddenError, TooManyRequestsError, UnauthorizedError } from '../core/errors/domain-errors';
import { MetricsService } from '../health/metrics.service';
import { API_KEY_PREFIX, ApiKeysService } from './api-keys.service';
import { AuthUser, isAdmin, toAuthUser, UserRole } from './auth-user';
import { Clock } from './clock';
import { assertValidPin, assertValidUsername } from './credentials';
import { FORGET_FAILURES_AFTER_SECONDS, LOCK_SECONDS_BY_FAILURES } from './lockout';
import { LoginFailuresRepository } from './login-failures.repository';
import { PinHasher } from './pin-hasher';
import type { UserEntity } from './user.entity';
import { UsersRepository } from './users.repository';

/** The same words for an unknown username and a wrong PIN, so the answer does not tell which. */
export const INVALID_LOGIN = 'Invalid username or PIN';
export const INVALID_TOKEN = 'Invalid or expired token';
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface IssuedToken {
  accessToken: string;
  /** Seconds the token stays valid. */
  expiresIn: number;
}

export interface SignedIn {
  user: UserEntity;
  token: IssuedToken;
}

/** A registration signs the new user in, except when an admin creates someone else's account. */
export type Registered = { user: UserEntity; token?: IssuedToken };

export interface Registration {
  username: string;
  pin: string;
  /** Only an admin may choose; everyone else gets 'user' (and the very first user 'admin'). */
  role?: UserRole;
}

interface TokenPayload {
  sub: string;
  /** UserEntity.tokenVersion when the token was issued. */
  ver: number;
}

@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);
  private readonly logins: Counter<'outcome'>;

  constructor(
    private readonly users: UsersRepository,
    private readonly loginFailures: LoginFailuresRepository,
    private readonly apiKeys: ApiKeysService,
    private readonly pins: PinHasher,
    private readonly jwt: JwtService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    metrics: MetricsService,
  ) {
    this.logins = new Counter({
      name: 'wago_auth_logins_total',
      help: 'Login attempts, by outcome: success, rejected (unknown user or wrong PIN) or locked',
      labelNames: ['outcome'] as const,
      registers: [metrics.registry],
    });
  }

  /**
   * First run: the first user becomes the admin and is signed in. Afterwards an admin creates users, or, with
   * REGISTRATION_OPEN, anyone registers a plain user and is signed in.
   */
  async register(caller: AuthUser | undefined, registration: Registration): Promise<Registered> {
    assertValidUsername(registration.username);
    assertValidPin(registration.pin);
    // Refuse early, before spending a PIN hash on a caller who may not register anyway.
    this.decideRegistration(await this.users.count(), caller, registration.role);
    const pinHash = await this.pins.hash(registration.pin);
    const { user, signIn } = await this.users.withRegistrationLock(async (users) => {
      const { role, signIn } = this.decideRegistration(await users.count(), caller, registration.role);
      return { user: await users.create({ username: registration.username, role, pinHash }), signIn };
    });
    this.logger.log(`User registered: ${user.username} (${user.role})`);
    return signIn ? { user, token: await this.issueToken(user) } : { user };
  }

  async login(username: string, pin: string): Promise<SignedIn> {
    const user = await this.checkPin(username, pin);
    if (!user) throw new UnauthorizedError(INVALID_LOGIN);
    return { user, token: await this.issueToken(user) };
  }

  /** Needs the current PIN; revokes every token issued before and signs the caller in again. */
  async changePin(caller: AuthUser, currentPin: string, newPin: string): Promise<SignedIn> {
    assertValidPin(newPin, 'newPin');
    if (newPin === currentPin) throw new BadRequestError('newPin must differ from currentPin');
    const checked = await this.checkPin(caller.username, currentPin);
    if (checked?.id !== caller.id) throw new ForbiddenError('The current PIN is wrong');
    const user = await this.users.changePin(caller.id, await this.pins.hash(newPin));
    if (!user) throw new UnauthorizedError(INVALID_TOKEN);
    this.logger.log(`PIN changed: ${user.username}`);
    return { user, token: await this.issueToken(user) };
  }

  /** True until the first user exists: the console then shows its first-run setup instead of the login. */
  async needsSetup(): Promise<boolean> {
    return (await this.users.count()) === 0;
  }

  async me(caller: AuthUser): Promise<UserEntity> {
    const user = await this.users.findById(caller.id);
    if (!user) throw new UnauthorizedError(INVALID_TOKEN);
    return user;
  }

  /**
   * A bearer credential of any kind: an API key (`wago_…`) or a JWT. This is what the HTTP guard uses, and what
   * a Socket.IO gateway calls with its handshake token.
   */
  authenticate(credential: string): Promise<AuthUser> {
    return credential.startsWith(API_KEY_PREFIX) ? this.apiKeys.authenticate(credential) : this.verifyToken(credential);
  }

  private async verifyToken(token: string): Promise<AuthUser> {
    let payload: Partial<TokenPayload>;
    try {
      payload = await this.jwt.verifyAsync<TokenPayload>(token);
    } catch {
      throw new UnauthorizedError(INVALID_TOKEN);
    }
    if (typeof payload.sub !== 'string' || !UUID_PATTERN.test(payload.sub) || typeof payload.ver !== 'number') {
      throw new UnauthorizedError(INVALID_TOKEN);
    }
    // Looked up on every request: a deleted user or a changed PIN ends the token at once.
    const user = await this.users.findById(payload.sub);
    if (!user || user.tokenVersion !== payload.ver) throw new UnauthorizedError(INVALID_TOKEN);
    return toAuthUser(user, 'jwt');
  }

  private async issueToken(user: UserEntity): Promise<IssuedToken> {
    const payload: TokenPayload = { sub: user.id, ver: user.tokenVersion };
    return { accessToken: await this.jwt.signAsync(payload), expiresIn: this.config.jwtTtlSeconds };
  }

  /**
   * The user if the PIN is theirs, else undefined; throws while the username is locked. An unknown username costs
   * the same scrypt work and counts toward a lock like a known one, so neither timing nor lockouts reveal it.
   */
  private async checkPin(username: string, pin: string): Promise<UserEntity | undefined> {
    const now = this.clock.now();
    const admission = await this.loginFailures.admit(username, {
      now,
      lockSecondsByFailures: LOCK_SECONDS_BY_FAILURES,
      forgetBefore: new Date(now.getTime() - FORGET_FAILURES_AFTER_SECONDS * 1000),
    });
    if (!admission.admitted) {
      this.logins.inc({ outcome: 'locked' });
      throw lockedError(admission.lockedUntil, now);
    }
    const user = await this.users.findByUsername(username);
    const valid = user ? await this.pins.verify(pin, user.pinHash) : await this.pins.verifyDecoy(pin);
    if (user && valid) {
      await this.loginFailures.clear(username);
      this.logins.inc({ outcome: 'success' });
      return user;
    }
    if (admission.lockedUntil && admission.lockedUntil > now) {
      this.logger.warn(
        `Login locked after repeated failures: ${username.toLowerCase()} until ${admission.lockedUntil.toISOString()}`,
      );
      this.logins.inc({ outcome: 'locked' });
      throw lockedError(admission.lockedUntil, now);
    }
    this.logins.inc({ outcome: 'rejected' });
    return undefined;
  }

  private decideRegistration(
    userCount: number,
    caller: AuthUser | undefined,
    requestedRole: UserRole | undefined,
  ): { role: UserRole; signIn: boolean } {
    if (userCount === 0) return { role: 'admin', signIn: true };
    if (caller && isAdmin(caller)) return { role: requestedRole ?? 'user', signIn: false };
    if (this.config.registrationOpen) {
      if (requestedRole === 'admin') throw new ForbiddenError('Only an admin may create an admin');
      return { role: 'user', signIn: true };
    }
    if (caller) throw new ForbiddenError('Only an admin may create users');
    throw new UnauthorizedError('Registration is closed: sign in as an admin to create users');
  }
}

function lockedError(lockedUntil: Date, now: Date): TooManyRequestsError {
  const seconds = Math.max(1, Math.ceil((lockedUntil.getTime() - now.getTime()) / 1000));
  return new TooManyRequestsError(`Too many failed logins: try again in ${seconds} seconds`, seconds);
}
