// Who may register, how a PIN is checked (with the lockout), and how a token or API key becomes an AuthUser.
import { Injectable, Logger } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { Counter } from 'prom-client';
import { AuditService } from '../audit/audit.service';
import { AppConfig } from '../core/config/app-config';
import { BadRequestError, ForbiddenError, TooManyRequestsError, UnauthorizedError } from '../core/errors/domain-errors';
import { MetricsService } from '../health/metrics.service';
import { API_KEY_PREFIX, ApiKeysService } from './api-keys.service';
import { AuthUser, CredentialSource, Identified, isAdmin, toAuthUser, UserRole } from './auth-user';
import { Clock } from '../core/runtime/clock';
import { assertValidPin, assertValidUsername } from './credentials';
import { clientAddressKey, FORGET_FAILURES_AFTER_SECONDS, LOCK_SECONDS_BY_FAILURES } from './lockout';
import { LoginFailuresRepository } from './login-failures.repository';
import { PinHasher } from './pin-hasher';
import type { UserEntity } from './user.entity';
import { UsersRepository } from './users.repository';

/** The same words for an unknown username and a wrong PIN, so the answer does not tell which. */
export const INVALID_LOGIN = 'Invalid username or PIN';
export const INVALID_TOKEN = 'Invalid or expired token';
/** Why a key may not manage keys or users: a leaked key must not mint more keys or accounts. */
export const PERSON_ONLY_RULE = 'Managing API keys and users needs a person signed in with their PIN, not an API key';
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

export interface PinChange {
  currentPin: string;
  newPin: string;
  /** Revoke every API key of the user too: keys otherwise outlive a PIN change. */
  revokeApiKeys?: boolean;
}

interface TokenPayload {
  sub: string;
  /** UserEntity.tokenVersion when the token was issued. */
  ver: number;
  /** Seconds since the epoch, set by the signer from JWT_TTL. */
  exp?: number;
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
    private readonly audit: AuditService,
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
    // Who registered: the admin who created the account, else (first run, open registration) the new user.
    await this.audit.record({
      actor: caller ?? user,
      action: 'user.created',
      targetType: 'user',
      targetId: user.id,
      summary: { username: user.username, role: user.role },
    });
    return signIn ? { user, token: await this.issueToken(user) } : { user };
  }

  /** `clientAddress` is where the attempt comes from: failures are counted per username and address. */
  async login(username: string, pin: string, clientAddress: string | undefined): Promise<SignedIn> {
    let user: UserEntity | undefined;
    try {
      user = await this.checkPin(username, pin, clientAddress);
    } catch (error) {
      if (error instanceof TooManyRequestsError) await this.recordFailedSignIn(username, 'locked');
      throw error;
    }
    if (!user) {
      await this.recordFailedSignIn(username, 'invalid_credentials');
      throw new UnauthorizedError(INVALID_LOGIN);
    }
    const token = await this.issueToken(user);
    await this.audit.record({ actor: user, action: 'auth.signin', targetType: 'user', targetId: user.id });
    return { user, token };
  }

  /** The account tried is the actor when it exists (its owner sees the attempts on it); else nobody, with the name tried. */
  private async recordFailedSignIn(username: string, reason: 'invalid_credentials' | 'locked'): Promise<void> {
    const account = await this.users.findByUsername(username);
    await this.audit.record({
      actor: account ?? null,
      action: 'auth.signin_failed',
      targetType: 'user',
      targetId: account?.id ?? null,
      summary: { username, reason },
    });
  }

  /**
   * Needs the current PIN; revokes every token issued before (and, if asked, every API key) and signs the caller
   * in again. Realtime connections opened with what was revoked close within seconds (RealtimeConnections).
   */
  async changePin(caller: AuthUser, change: PinChange, clientAddress: string | undefined): Promise<SignedIn> {
    const { currentPin, newPin } = change;
    assertValidPin(newPin, 'newPin');
    if (newPin === currentPin) throw new BadRequestError('newPin must differ from currentPin');
    const checked = await this.checkPin(caller.username, currentPin, clientAddress);
    if (checked?.id !== caller.id) throw new ForbiddenError('The current PIN is wrong');
    // Keys first: should the PIN write fail, the caller is left with fewer credentials, never with more.
    const revokedApiKeys = change.revokeApiKeys ? await this.apiKeys.revokeAllOf(caller) : 0;
    const user = await this.users.changePin(caller.id, await this.pins.hash(newPin));
    if (!user) throw new UnauthorizedError(INVALID_TOKEN);
    this.logger.log(`PIN changed: ${user.username}`);
    await this.audit.record({
      actor: caller,
      action: 'auth.pin_changed',
      targetType: 'user',
      targetId: user.id,
      summary: { revokedApiKeys },
    });
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
  async authenticate(credential: string): Promise<AuthUser> {
    return (await this.identify(credential)).user;
  }

  /** As authenticate(), with the credential's identity, for connections that must end when it does. */
  identify(credential: string): Promise<Identified> {
    return credential.startsWith(API_KEY_PREFIX) ? this.apiKeys.identify(credential) : this.verifyToken(credential);
  }

  /**
   * Which of these credentials no longer authenticate anyone: an expired token, a token of a deleted user or one
   * issued before a PIN change, a revoked key (deleting a user deletes their keys). Two queries for any number.
   */
  async endedAmong(sources: readonly CredentialSource[]): Promise<Set<CredentialSource>> {
    const now = this.clock.now();
    const userIds = new Set<string>();
    const apiKeyIds = new Set<string>();
    for (const source of sources) {
      if (source.kind === 'jwt') userIds.add(source.userId);
      else apiKeyIds.add(source.apiKeyId);
    }
    const [tokenVersions, apiKeys] = await Promise.all([
      this.users.tokenVersionsOf([...userIds]),
      this.apiKeys.existing([...apiKeyIds]),
    ]);
    return new Set(
      sources.filter((source) =>
        source.kind === 'jwt'
          ? source.expiresAt <= now || tokenVersions.get(source.userId) !== source.tokenVersion
          : !apiKeys.has(source.apiKeyId),
      ),
    );
  }

  private async verifyToken(token: string): Promise<Identified> {
    let payload: Partial<TokenPayload>;
    try {
      payload = await this.jwt.verifyAsync<TokenPayload>(token);
    } catch {
      throw new UnauthorizedError(INVALID_TOKEN);
    }
    if (
      typeof payload.sub !== 'string' ||
      !UUID_PATTERN.test(payload.sub) ||
      typeof payload.ver !== 'number' ||
      typeof payload.exp !== 'number'
    ) {
      throw new UnauthorizedError(INVALID_TOKEN);
    }
    // Looked up on every request: a deleted user or a changed PIN ends the token at once.
    const user = await this.users.findById(payload.sub);
    if (!user || user.tokenVersion !== payload.ver) throw new UnauthorizedError(INVALID_TOKEN);
    return {
      user: toAuthUser(user, 'jwt'),
      source: {
        kind: 'jwt',
        userId: user.id,
        tokenVersion: user.tokenVersion,
        expiresAt: new Date(payload.exp * 1000),
      },
    };
  }

  private async issueToken(user: UserEntity): Promise<IssuedToken> {
    const payload: TokenPayload = { sub: user.id, ver: user.tokenVersion };
    return { accessToken: await this.jwt.signAsync(payload), expiresIn: this.config.jwtTtlSeconds };
  }

  /**
   * The user if the PIN is theirs, else undefined; throws while the username is locked. An unknown username costs
   * the same scrypt work and counts toward a lock like a known one, so neither timing nor lockouts reveal it.
   * Failures count per username and client address: a stranger's guesses lock only the stranger out.
   */
  private async checkPin(
    username: string,
    pin: string,
    clientAddress: string | undefined,
  ): Promise<UserEntity | undefined> {
    const now = this.clock.now();
    const address = clientAddressKey(clientAddress);
    const admission = await this.loginFailures.admit(username, address, {
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
      await this.loginFailures.clear(username, address);
      this.logins.inc({ outcome: 'success' });
      return user;
    }
    if (admission.lockedUntil && admission.lockedUntil > now) {
      this.logger.warn(
        `Login locked after repeated failures: ${username.toLowerCase()} from ${address} ` +
          `until ${admission.lockedUntil.toISOString()}`,
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
    if (caller?.via === 'api-key') throw new ForbiddenError(PERSON_ONLY_RULE);
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
