import { Logger } from '@nestjs/common';
import { FakeClock, settle } from '../../test/support/fake-clock';
import { FakeClusterRequests } from '../../test/support/fake-cluster-requests';
import { TEST_JWT_SECRET } from '../../test/support/server-process';
import { UnusedWhatsAppProvider } from '../../test/support/unused-whatsapp-provider';
import type { AuthUser } from '../auth/auth-user';
import { loadAppConfig } from '../core/config/app-config';
import { BadRequestError, NotFoundError } from '../core/errors/domain-errors';
import type { Page } from '../core/http/pagination';
import { SessionConnections } from '../sessions/session-connections';
import { SessionEntity } from '../sessions/session.entity';
import type { LearnedContact } from '../whatsapp/events';
import { WhatsAppRefusedError } from '../whatsapp/whatsapp.errors';
import type { NumberLookup } from '../whatsapp/whatsapp.provider';
import { ContactEntity } from './contact.entity';
import { mergeLearned } from './contact-merge';
import type { ContactCheck, ContactSearch } from './contacts.repository';
import {
  ContactLearner,
  ContactsService,
  ContactStore,
  LOOKUP_MIN_INTERVAL_MS,
  PICTURE_FRESH_MS,
} from './contacts.service';

const alice: AuthUser = { id: 'alice', username: 'alice', role: 'user', via: 'api-key' };
const ALICE_PN = '15550000001@s.whatsapp.net';
const ALICE_LID = '100000000000001@lid';
const BOB_PN = '15550000002@s.whatsapp.net';
const BOB_LID = '100000000000002@lid';

/** WhatsApp as the test says: who is on it, their pictures, what was blocked. */
class FakeWhatsApp extends UnusedWhatsAppProvider {
  readonly lookups: string[][] = [];
  readonly blocks: { jid: string; blocked: boolean }[] = [];
  readonly pictureRequests: string[] = [];
  registered = new Map([[ALICE_PN, ALICE_LID]]);
  pictures = new Map<string, string>();
  pictureFailure: Error | null = null;

  override isConnected(): boolean {
    return true;
  }

  override async lookupNumbers(_sessionId: string, phoneNumbers: string[]): Promise<NumberLookup[]> {
    this.lookups.push(phoneNumbers);
    return phoneNumbers.map((phoneNumber) => {
      const jid = `${phoneNumber}@s.whatsapp.net`;
      const lid = this.registered.get(jid);
      return lid ? { phoneNumber, exists: true, jid, lid } : { phoneNumber, exists: false, jid: null, lid: null };
    });
  }

  override async profilePictureUrl(_sessionId: string, jid: string): Promise<string | null> {
    this.pictureRequests.push(jid);
    if (this.pictureFailure) throw this.pictureFailure;
    return this.pictures.get(jid) ?? null;
  }

  override async setBlocked(_sessionId: string, jid: string, blocked: boolean): Promise<void> {
    this.blocks.push({ jid, blocked });
  }
}

/** The repository in memory, with the real merge rules. */
class FakeContactStore implements ContactStore {
  rows: ContactEntity[] = [];
  checks: (ContactCheck & { sessionId: string })[] = [];

  async findByIdentity(sessionId: string, jid: string): Promise<ContactEntity | null> {
    return this.rows.find((row) => row.sessionId === sessionId && (row.pn === jid || row.lid === jid)) ?? null;
  }

  async search(sessionId: string, search: ContactSearch): Promise<Page<ContactEntity>> {
    const items = this.rows.filter((row) => row.sessionId === sessionId);
    return { items: items.slice(search.offset, search.offset + search.limit), total: items.length };
  }

  async setProfilePicture(id: string, url: string | null, checkedAt: Date): Promise<void> {
    const row = this.rows.find((candidate) => candidate.id === id);
    if (row) Object.assign(row, { profilePictureUrl: url, profilePictureCheckedAt: checkedAt });
  }

  async setBlocked(sessionId: string, jid: string, blocked: boolean): Promise<boolean> {
    const row = await this.findByIdentity(sessionId, jid);
    if (row) row.blocked = blocked;
    return row !== null;
  }

  async findChecks(sessionId: string, phoneNumbers: string[], since: Date): Promise<ContactCheck[]> {
    return this.checks.filter(
      (check) => check.sessionId === sessionId && phoneNumbers.includes(check.phoneNumber) && check.checkedAt >= since,
    );
  }

  async saveChecks(sessionId: string, checks: ContactCheck[]): Promise<void> {
    for (const check of checks) {
      this.checks = this.checks.filter(
        (kept) => kept.sessionId !== sessionId || kept.phoneNumber !== check.phoneNumber,
      );
      this.checks.push({ ...check, sessionId });
    }
  }

  learn(sessionId: string, learned: LearnedContact[], now: Date): void {
    let next = this.rows.length;
    const outcome = mergeLearned(sessionId, this.rows, learned, now, () => `c${++next}`);
    this.rows = this.rows.filter((row) => !outcome.remove.includes(row.id));
    for (const saved of outcome.save) {
      const existing = this.rows.find((row) => row.id === saved.id);
      if (existing) Object.assign(existing, saved);
      else this.rows.push(Object.assign(new ContactEntity(), saved, { createdAt: now }));
    }
  }
}

/** Writes behind like the real one: nothing is stored until settled. */
class FakeLearner implements ContactLearner {
  private pending: { sessionId: string; contact: LearnedContact }[] = [];

  constructor(
    private readonly store: FakeContactStore,
    private readonly clock: FakeClock,
  ) {}

  learn(sessionId: string, contact: LearnedContact): void {
    this.pending.push({ sessionId, contact });
  }

  async settled(): Promise<void> {
    for (const { sessionId, contact } of this.pending.splice(0))
      this.store.learn(sessionId, [contact], this.clock.now());
  }
}

function setup(options: { status?: SessionEntity['status'] } = {}) {
  const clock = new FakeClock();
  const whatsapp = new FakeWhatsApp();
  const store = new FakeContactStore();
  const learner = new FakeLearner(store, clock);
  const session = Object.assign(new SessionEntity(), {
    id: 's1',
    ownerId: 'alice',
    status: options.status ?? 'connected',
  });
  const sessions = {
    get: async (_user: AuthUser, id: string): Promise<SessionEntity> => {
      if (id !== 's1') throw new NotFoundError(`Session ${id} not found`);
      return session;
    },
  };
  const connections = new SessionConnections(whatsapp, new FakeClusterRequests().asRequests());
  const config = loadAppConfig({ JWT_SECRET: TEST_JWT_SECRET, CONTACT_CHECK_TTL: '1h' });
  const service = new ContactsService(sessions, connections, store, learner, config, clock);
  return { clock, whatsapp, store, learner, service };
}

describe('ContactsService', () => {
  beforeAll(() => Logger.overrideLogger(false));

  describe('check', () => {
    it('asks WhatsApp once for every number, in the order asked, and learns the pairs it tells', async () => {
      const { service, whatsapp, learner, store } = setup();
      const answer = await service.check(alice, 's1', ['+1 555-000-0001', '15550009999', '15550000001']);
      expect(answer).toEqual([
        { phoneNumber: '15550000001', exists: true, jid: ALICE_PN, lid: ALICE_LID },
        { phoneNumber: '15550009999', exists: false, jid: null, lid: null },
        { phoneNumber: '15550000001', exists: true, jid: ALICE_PN, lid: ALICE_LID },
      ]);
      expect(whatsapp.lookups).toEqual([['15550000001', '15550009999']]);
      await learner.settled();
      expect(store.rows.map((row) => [row.pn, row.lid])).toEqual([[ALICE_PN, ALICE_LID]]);
    });

    it('answers from the cache within CONTACT_CHECK_TTL and asks again after it', async () => {
      const { service, whatsapp, clock } = setup();
      await service.check(alice, 's1', ['15550000001']);
      await clock.advance(59 * 60_000);
      await service.check(alice, 's1', ['15550000001']);
      expect(whatsapp.lookups).toHaveLength(1);

      await clock.advance(2 * 60_000);
      const checking = service.check(alice, 's1', ['15550000001', '15550009999']);
      await clock.advance(0);
      expect(await checking).toHaveLength(2);
      expect(whatsapp.lookups).toEqual([['15550000001'], ['15550000001', '15550009999']]);
    });

    it('asks only for the numbers the cache does not know', async () => {
      const { service, whatsapp, clock } = setup();
      await service.check(alice, 's1', ['15550000001']);
      const checking = service.check(alice, 's1', ['15550000001', '15550000002']);
      await clock.advance(LOOKUP_MIN_INTERVAL_MS);
      await checking;
      expect(whatsapp.lookups).toEqual([['15550000001'], ['15550000002']]);
    });

    it('paces a burst of checks one query a second per session', async () => {
      const { service, whatsapp, clock } = setup();
      const burst = [service.check(alice, 's1', ['15550000011']), service.check(alice, 's1', ['15550000012'])];
      burst.push(service.check(alice, 's1', ['15550000013']));
      await settle();
      expect(whatsapp.lookups).toEqual([['15550000011']]);
      await clock.advance(LOOKUP_MIN_INTERVAL_MS - 1);
      expect(whatsapp.lookups).toHaveLength(1);
      await clock.advance(1);
      expect(whatsapp.lookups).toHaveLength(2);
      await clock.advance(LOOKUP_MIN_INTERVAL_MS);
      await Promise.all(burst);
      expect(whatsapp.lookups).toEqual([['15550000011'], ['15550000012'], ['15550000013']]);
    });

    it('does not ask twice when a check waiting its turn was answered by the one before', async () => {
      const { service, whatsapp, clock } = setup();
      const first = service.check(alice, 's1', ['15550000001']);
      const second = service.check(alice, 's1', ['15550000001']);
      await clock.advance(LOOKUP_MIN_INTERVAL_MS);
      expect(await second).toEqual(await first);
      expect(whatsapp.lookups).toHaveLength(1);
    });

    it('refuses something that is not a phone number before asking anyone', async () => {
      const { service, whatsapp } = setup();
      await expect(service.check(alice, 's1', ['12345'])).rejects.toBeInstanceOf(BadRequestError);
      expect(whatsapp.lookups).toEqual([]);
    });
  });

  describe('get', () => {
    it('finds the same contact by its LID, its PN JID or its digits; 404 when unknown', async () => {
      const { service, learner } = setup();
      learner.learn('s1', { pn: ALICE_PN, lid: ALICE_LID, pushName: 'Alice' });
      for (const identity of [ALICE_LID, ALICE_PN, '15550000001', '+1 555 000 0001']) {
        expect(await service.get(alice, 's1', identity)).toMatchObject({ pn: ALICE_PN, lid: ALICE_LID });
      }
      await expect(service.get(alice, 's1', BOB_PN)).rejects.toBeInstanceOf(NotFoundError);
      await expect(service.get(alice, 's1', 'alice')).rejects.toBeInstanceOf(BadRequestError);
    });

    it('asks WhatsApp for the picture once it is a day old, by the PN when known', async () => {
      const { service, learner, whatsapp, clock } = setup();
      learner.learn('s1', { pn: ALICE_PN, lid: ALICE_LID });
      whatsapp.pictures.set(ALICE_PN, 'https://pps/alice-1.jpg');
      expect((await service.get(alice, 's1', ALICE_LID)).profilePictureUrl).toBe('https://pps/alice-1.jpg');
      whatsapp.pictures.set(ALICE_PN, 'https://pps/alice-2.jpg');
      await clock.advance(PICTURE_FRESH_MS - 1);
      expect((await service.get(alice, 's1', ALICE_LID)).profilePictureUrl).toBe('https://pps/alice-1.jpg');
      await clock.advance(1);
      expect((await service.get(alice, 's1', ALICE_LID)).profilePictureUrl).toBe('https://pps/alice-2.jpg');
      expect(whatsapp.pictureRequests).toEqual([ALICE_PN, ALICE_PN]);
    });

    it('keeps the stored picture when WhatsApp cannot be asked', async () => {
      const { service, learner, whatsapp, clock } = setup();
      learner.learn('s1', { pn: ALICE_PN, lid: ALICE_LID });
      whatsapp.pictures.set(ALICE_PN, 'https://pps/alice-1.jpg');
      await service.get(alice, 's1', ALICE_PN);
      await clock.advance(PICTURE_FRESH_MS);
      whatsapp.pictureFailure = new WhatsAppRefusedError('timed out');
      expect((await service.get(alice, 's1', ALICE_PN)).profilePictureUrl).toBe('https://pps/alice-1.jpg');
    });

    it('answers what it stored, without asking, while the session is not connected', async () => {
      const { service, learner, whatsapp } = setup({ status: 'stopped' });
      learner.learn('s1', { pn: ALICE_PN, lid: null });
      expect((await service.get(alice, 's1', ALICE_PN)).profilePictureUrl).toBeNull();
      expect(whatsapp.pictureRequests).toEqual([]);
    });
  });

  describe('setBlocked', () => {
    it('hands WhatsApp the PN of a contact known under both identities, and stores the block', async () => {
      const { service, learner, whatsapp, store } = setup();
      learner.learn('s1', { pn: ALICE_PN, lid: ALICE_LID });
      await service.setBlocked(alice, 's1', ALICE_LID, true);
      expect(whatsapp.blocks).toEqual([{ jid: ALICE_PN, blocked: true }]);
      expect(store.rows[0].blocked).toBe(true);
      await service.setBlocked(alice, 's1', ALICE_PN, false);
      expect(store.rows[0].blocked).toBe(false);
    });

    it('blocks by the LID when no number is known, and remembers someone it did not know', async () => {
      const { service, whatsapp, store } = setup();
      await service.setBlocked(alice, 's1', BOB_LID, true);
      expect(whatsapp.blocks).toEqual([{ jid: BOB_LID, blocked: true }]);
      expect(store.rows).toEqual([expect.objectContaining({ pn: null, lid: BOB_LID, blocked: true })]);
    });
  });

  describe('identities', () => {
    it('answers both identities of a known person from either, only the one given otherwise, none for a group', async () => {
      const { service, learner } = setup();
      learner.learn('s1', { pn: ALICE_PN, lid: ALICE_LID });
      expect(await service.identities('s1', ALICE_LID)).toEqual({ pn: ALICE_PN, lid: ALICE_LID });
      expect(await service.identities('s1', ALICE_PN)).toEqual({ pn: ALICE_PN, lid: ALICE_LID });
      expect(await service.identities('s1', BOB_PN)).toEqual({ pn: BOB_PN, lid: null });
      expect(await service.identities('s1', '120363000000000001@g.us')).toBeNull();
    });
  });
});
