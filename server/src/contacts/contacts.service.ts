// The contacts rules: number checks (cached, paced), one contact per person under either identity, pictures asked
// again only when stale, blocking by whichever identity WhatsApp needs.
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-user';
import { AppConfig } from '../core/config/app-config';
import { BadRequestError, NotFoundError } from '../core/errors/domain-errors';
import type { Page } from '../core/http/pagination';
import { Clock } from '../core/runtime/clock';
import { userJid } from '../messages/recipient';
import { SessionConnections } from '../sessions/session-connections';
import type { SessionEntity } from '../sessions/session.entity';
import { SessionsService } from '../sessions/sessions.service';
import type { NumberLookup, UserIds } from '../whatsapp/whatsapp.provider';
import type { ContactEntity } from './contact.entity';
import { ContactLearning } from './contact-learning';
import { ContactsRepository, ContactSearch } from './contacts.repository';
import { LookupPacing } from './lookup-pacing';

/** What the rules need of each collaborator (the module injects the real classes; tests give fakes). */
export type SessionAccess = Pick<SessionsService, 'get'>;
export type ConnectionCalls = Pick<SessionConnections, 'call'>;
export type ContactStore = Pick<
  ContactsRepository,
  'findByIdentity' | 'search' | 'setProfilePicture' | 'setBlocked' | 'findChecks' | 'saveChecks'
>;
export type ContactLearner = Pick<ContactLearning, 'learn' | 'settled'>;

/** A session asks WhatsApp "who is on it?" at most once a second; a burst of checks queues behind. */
export const LOOKUP_MIN_INTERVAL_MS = 1_000;
/** WhatsApp's picture URLs expire; one older than this is asked again (when the session is connected). */
export const PICTURE_FRESH_MS = 24 * 60 * 60_000;

const PHONE_DIGITS = /^\d{6,15}$/;

/** Digits of a phone number written with `+`, spaces, brackets, dots or dashes; null when it is not one. */
export function phoneDigits(value: string): string | null {
  const digits = value
    .trim()
    .replace(/^\+/, '')
    .replace(/[\s().-]/g, '');
  return PHONE_DIGITS.test(digits) ? digits : null;
}

@Injectable()
export class ContactsService {
  private readonly logger = new Logger(ContactsService.name);
  private readonly pacing: LookupPacing;

  constructor(
    @Inject(SessionsService) private readonly sessions: SessionAccess,
    @Inject(SessionConnections) private readonly connections: ConnectionCalls,
    @Inject(ContactsRepository) private readonly contacts: ContactStore,
    @Inject(ContactLearning) private readonly learning: ContactLearner,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.pacing = new LookupPacing(clock, LOOKUP_MIN_INTERVAL_MS);
  }

  /**
   * Which numbers are on WhatsApp, in the order asked: fresh answers (CONTACT_CHECK_TTL) from the cache, the rest
   * asked of WhatsApp in one query, paced per session; new answers are cached and feed the PN↔LID map.
   */
  async check(user: AuthUser, sessionId: string, phoneNumbers: string[]): Promise<NumberLookup[]> {
    const session = await this.sessions.get(user, sessionId);
    const asked = phoneNumbers.map((phoneNumber) => {
      const digits = phoneDigits(phoneNumber);
      if (!digits) throw new BadRequestError(`phoneNumbers must be phone numbers (6 to 15 digits): ${phoneNumber}`);
      return digits;
    });
    const unique = [...new Set(asked)];
    const known = await this.freshChecks(session.id, unique);
    if (known.size < unique.length) {
      await this.pacing.run(session.id, async (ask) => {
        // An earlier check of the same numbers may have answered them while this one waited its turn.
        for (const [phoneNumber, lookup] of await this.freshChecks(session.id, unique)) known.set(phoneNumber, lookup);
        const missing = unique.filter((phoneNumber) => !known.has(phoneNumber));
        if (missing.length === 0) return;
        const found = await ask(() => this.connections.call(session, 'lookupNumbers', missing));
        const checkedAt = this.clock.now();
        await this.contacts.saveChecks(
          session.id,
          found.map((lookup) => ({ ...lookup, checkedAt })),
        );
        for (const lookup of found) {
          known.set(lookup.phoneNumber, lookup);
          if (lookup.jid) this.learning.learn(session.id, { pn: lookup.jid, lid: lookup.lid });
        }
      });
    }
    return asked.map((phoneNumber) => known.get(phoneNumber) ?? { phoneNumber, exists: false, jid: null, lid: null });
  }

  /**
   * A contact by either identity (a PN JID, a LID or a phone number), with its profile picture asked again of
   * WhatsApp when the stored one is stale and the session is connected.
   */
  async get(user: AuthUser, sessionId: string, jidOrLid: string): Promise<ContactEntity> {
    const session = await this.sessions.get(user, sessionId);
    const contact = await this.find(session.id, this.identity(jidOrLid));
    const checkedAt = contact.profilePictureCheckedAt?.getTime();
    const stale = checkedAt === undefined || this.clock.now().getTime() - checkedAt >= PICTURE_FRESH_MS;
    if (stale && session.status === 'connected') await this.refreshPicture(session, contact);
    return contact;
  }

  async list(user: AuthUser, sessionId: string, search: ContactSearch): Promise<Page<ContactEntity>> {
    const session = await this.sessions.get(user, sessionId);
    return this.contacts.search(session.id, search);
  }

  /**
   * Blocks or unblocks a person by either identity. WhatsApp keys its blocklist by LID but wants the PN of whom it
   * blocks: the PN is handed to WhatsApp when known (it finds the LID itself), else the LID.
   */
  async setBlocked(user: AuthUser, sessionId: string, jidOrLid: string, blocked: boolean): Promise<void> {
    const session = await this.sessions.get(user, sessionId);
    const jid = this.identity(jidOrLid);
    await this.learning.settled();
    const contact = await this.contacts.findByIdentity(session.id, jid);
    const ids: UserIds = contact ? { pn: contact.pn, lid: contact.lid } : this.idsOf(jid);
    await this.connections.call(session, 'setBlocked', ids.pn ?? (ids.lid as string), blocked);
    if (!contact) {
      this.learning.learn(session.id, ids);
      await this.learning.settled();
    }
    await this.contacts.setBlocked(session.id, jid, blocked, this.clock.now());
  }

  /** Both identities of a person the session writes to, as far as known (a group has neither). */
  async identities(sessionId: string, jid: string): Promise<UserIds | null> {
    if (jid.endsWith('@g.us')) return null;
    await this.learning.settled();
    const contact = await this.contacts.findByIdentity(sessionId, jid);
    const ids = this.idsOf(jid);
    return { pn: ids.pn ?? contact?.pn ?? null, lid: ids.lid ?? contact?.lid ?? null };
  }

  private async freshChecks(sessionId: string, phoneNumbers: string[]): Promise<Map<string, NumberLookup>> {
    const since = new Date(this.clock.now().getTime() - this.config.contacts.checkTtlSeconds * 1000);
    const checks = await this.contacts.findChecks(sessionId, phoneNumbers, since);
    return new Map(checks.map(({ phoneNumber, exists, jid, lid }) => [phoneNumber, { phoneNumber, exists, jid, lid }]));
  }

  private async find(sessionId: string, jid: string): Promise<ContactEntity> {
    await this.learning.settled();
    const contact = await this.contacts.findByIdentity(sessionId, jid);
    if (!contact) throw new NotFoundError(`Contact ${jid} not found`);
    return contact;
  }

  /** A stale picture is kept when WhatsApp cannot be asked right now: the contact still answers. */
  private async refreshPicture(session: SessionEntity, contact: ContactEntity): Promise<void> {
    try {
      const url = await this.connections.call(session, 'profilePictureUrl', (contact.pn ?? contact.lid) as string);
      const checkedAt = this.clock.now();
      await this.contacts.setProfilePicture(contact.id, url, checkedAt);
      contact.profilePictureUrl = url;
      contact.profilePictureCheckedAt = checkedAt;
    } catch (error) {
      this.logger.warn({ err: error, sessionId: session.id }, 'Asking WhatsApp for a profile picture failed');
    }
  }

  private identity(jidOrLid: string): string {
    const jid = userJid(jidOrLid);
    if (!jid)
      throw new BadRequestError('jidOrLid must be a phone number, a PN JID (…@s.whatsapp.net) or a LID (…@lid)');
    return jid;
  }

  private idsOf(jid: string): UserIds {
    return jid.endsWith('@lid') ? { pn: null, lid: jid } : { pn: jid, lid: null };
  }
}
