import { FakeClock } from '../../test/support/fake-clock';
import { FakeClusterRequests } from '../../test/support/fake-cluster-requests';
import { UnusedWhatsAppProvider } from '../../test/support/unused-whatsapp-provider';
import type { AuthUser } from '../auth/auth-user';
import { BadRequestError } from '../core/errors/domain-errors';
import type { Page } from '../core/http/pagination';
import { SessionConnections } from '../sessions/session-connections';
import { SessionEntity } from '../sessions/session.entity';
import type { SessionStatus } from '../sessions/session-status';
import { WhatsAppEvents } from '../whatsapp/events';
import { SessionNotConnectedError } from '../whatsapp/whatsapp.errors';
import type {
  GroupChanges,
  GroupInfo,
  ParticipantAction,
  ParticipantChangeResult,
} from '../whatsapp/whatsapp.provider';
import type { GroupListQuery, GroupStore, GroupSummary } from './groups.repository';
import { GROUPS_FRESH_MS, GroupsService } from './groups.service';

const alice: AuthUser = { id: 'alice', username: 'alice', role: 'user', via: 'api-key' };
const ME = { pn: '15550000000@s.whatsapp.net', lid: '900000000000000@lid' };
const ANA = { pn: '15550000001@s.whatsapp.net', lid: '900000000000001@lid' };
const TEAM = '120363000000000001@g.us';
const SALES = '120363000000000002@g.us';

function group(jid: string, subject: string): GroupInfo {
  return {
    jid,
    subject,
    description: null,
    owner: ME.pn,
    addressingMode: 'lid',
    announce: false,
    restrict: false,
    createdAt: null,
    participants: [
      { ...ME, role: 'superadmin' },
      { ...ANA, role: 'member' },
    ],
  };
}

/** The cache in memory, as GroupsRepository keeps it in Postgres. */
class InMemoryGroupStore implements GroupStore {
  readonly rows = new Map<string, GroupInfo>();
  synced: Date | null = null;

  async syncedAt(): Promise<Date | null> {
    return this.synced;
  }
  async replaceAll(_sessionId: string, groups: GroupInfo[], at: Date): Promise<void> {
    this.rows.clear();
    for (const kept of groups) this.rows.set(kept.jid, kept);
    this.synced = at;
  }
  async forgetSync(): Promise<void> {
    this.synced = null;
  }
  async list(_sessionId: string, query: GroupListQuery): Promise<Page<GroupSummary>> {
    const items = [...this.rows.values()]
      .filter((kept) => !query.q || kept.subject.toLowerCase().includes(query.q.toLowerCase()))
      .map(({ participants, ...summary }) => ({ ...summary, participantsCount: participants.length }));
    return { items: items.slice(query.offset, query.offset + query.limit), total: items.length };
  }
  async find(_sessionId: string, groupJid: string): Promise<GroupInfo | null> {
    return this.rows.get(groupJid) ?? null;
  }
  async save(_sessionId: string, groups: GroupInfo[]): Promise<void> {
    for (const kept of groups) this.rows.set(kept.jid, kept);
  }
  async delete(_sessionId: string, groupJid: string): Promise<void> {
    this.rows.delete(groupJid);
  }
}

/** WhatsApp as the groups service asks it: every question is counted. */
class GroupsOnWhatsApp extends UnusedWhatsAppProvider {
  readonly asked: string[] = [];
  groupsNow: GroupInfo[] = [group(TEAM, 'Team')];
  participantResults: ParticipantChangeResult[] = [];

  override isConnected(): boolean {
    return true;
  }
  override async groups(): Promise<GroupInfo[]> {
    this.asked.push('groups');
    await Promise.resolve();
    return this.groupsNow;
  }
  override async group(_sessionId: string, groupJid: string): Promise<GroupInfo> {
    this.asked.push(`group ${groupJid}`);
    return group(groupJid, 'Asked for');
  }
  override async updateGroup(_sessionId: string, groupJid: string, changes: GroupChanges): Promise<void> {
    this.asked.push(`update ${groupJid} ${JSON.stringify(changes)}`);
  }
  override async updateGroupParticipants(
    _sessionId: string,
    groupJid: string,
    action: ParticipantAction,
    participants: string[],
  ): Promise<ParticipantChangeResult[]> {
    this.asked.push(`${action} ${groupJid} ${participants.join(',')}`);
    return this.participantResults;
  }
  override async joinGroup(_sessionId: string, inviteCode: string): Promise<string> {
    this.asked.push(`join ${inviteCode}`);
    return SALES;
  }
}

function harness(status: SessionStatus = 'connected') {
  const session = Object.assign(new SessionEntity(), { id: 's1', ownerId: 'alice', status, jid: ME.pn, lid: ME.lid });
  const whatsapp = new GroupsOnWhatsApp();
  const store = new InMemoryGroupStore();
  const clock = new FakeClock();
  const events = new WhatsAppEvents();
  const service = new GroupsService(
    { get: async () => session },
    { findById: async () => session },
    new SessionConnections(whatsapp, new FakeClusterRequests().asRequests()),
    store,
    events,
    clock,
  );
  service.onModuleInit();
  return { service, session, whatsapp, store, clock, events };
}

const PAGE = { limit: 50, offset: 0 };

describe('GroupsService', () => {
  it('reads the groups from WhatsApp in one query the first time, then serves them from the cache', async () => {
    const { service, whatsapp } = harness();
    expect((await service.list(alice, 's1', PAGE)).items.map((kept) => kept.subject)).toEqual(['Team']);
    await service.list(alice, 's1', PAGE);
    await service.get(alice, 's1', TEAM);
    expect(whatsapp.asked).toEqual(['groups']);
  });

  it('reads them again once they are older than GROUPS_FRESH_MS', async () => {
    const { service, whatsapp, clock } = harness();
    await service.list(alice, 's1', PAGE);
    await clock.advance(GROUPS_FRESH_MS - 1);
    await service.list(alice, 's1', PAGE);
    expect(whatsapp.asked).toEqual(['groups']);
    whatsapp.groupsNow = [group(SALES, 'Sales')];
    await clock.advance(1);
    expect((await service.list(alice, 's1', PAGE)).items.map((kept) => kept.jid)).toEqual([SALES]);
    expect(whatsapp.asked).toEqual(['groups', 'groups']);
  });

  it('shares one read among the requests that need it at the same time', async () => {
    const { service, whatsapp } = harness();
    await Promise.all([
      service.list(alice, 's1', PAGE),
      service.list(alice, 's1', PAGE),
      service.get(alice, 's1', TEAM),
    ]);
    expect(whatsapp.asked).toEqual(['groups']);
  });

  it('serves a stale cache while the session is not connected, and 409 when it never read the groups', async () => {
    const stale = harness('reconnecting');
    stale.store.synced = new Date('2025-01-01T00:00:00.000Z');
    stale.store.rows.set(TEAM, group(TEAM, 'Team'));
    expect((await stale.service.list(alice, 's1', PAGE)).total).toBe(1);
    await expect(harness('stopped').service.list(alice, 's1', PAGE)).rejects.toBeInstanceOf(SessionNotConnectedError);
  });

  it('keeps the cache true from notifications, without asking WhatsApp', async () => {
    const { service, whatsapp, events } = harness();
    await service.list(alice, 's1', PAGE);
    await events.publish('group.updated', {
      sessionId: 's1',
      groupJid: TEAM,
      changes: { subject: 'Renamed' },
      by: ANA,
      at: '2026-01-01T00:00:00.000Z',
    });
    await events.publish('group.participants', {
      sessionId: 's1',
      groupJid: TEAM,
      action: 'promote',
      participants: [{ pn: null, lid: ANA.lid }],
      by: ME,
      at: '2026-01-01T00:00:00.000Z',
    });
    const team = await service.get(alice, 's1', TEAM);
    expect(team.subject).toBe('Renamed');
    expect(team.participants).toContainEqual({ ...ANA, role: 'admin' });
    expect(whatsapp.asked).toEqual(['groups']);
  });

  it('drops a group the account was removed from', async () => {
    const { service, events } = harness();
    await service.list(alice, 's1', PAGE);
    await events.publish('group.participants', {
      sessionId: 's1',
      groupJid: TEAM,
      action: 'remove',
      participants: [{ pn: ME.pn, lid: null }],
      by: ANA,
      at: '2026-01-01T00:00:00.000Z',
    });
    expect((await service.list(alice, 's1', PAGE)).total).toBe(0);
  });

  it('reads the groups again after a notification about a group it did not keep', async () => {
    const { service, whatsapp, events } = harness();
    await service.list(alice, 's1', PAGE);
    await events.publish('group.updated', {
      sessionId: 's1',
      groupJid: SALES,
      changes: { announce: true },
      by: null,
      at: '2026-01-01T00:00:00.000Z',
    });
    await service.list(alice, 's1', PAGE);
    expect(whatsapp.asked).toEqual(['groups', 'groups']);
  });

  it('asks WhatsApp once for a group not cached, and keeps it', async () => {
    const { service, whatsapp } = harness();
    await service.get(alice, 's1', SALES);
    await service.get(alice, 's1', SALES);
    expect(whatsapp.asked).toEqual(['groups', `group ${SALES}`]);
  });

  it('refuses an update without a change and a participants change without exactly one action, asking nothing', async () => {
    const { service, whatsapp } = harness();
    await expect(service.update(alice, 's1', TEAM, {})).rejects.toBeInstanceOf(BadRequestError);
    await expect(service.changeParticipants(alice, 's1', TEAM, {})).rejects.toBeInstanceOf(BadRequestError);
    await expect(
      service.changeParticipants(alice, 's1', TEAM, { add: ['15550000003'], remove: ['15550000001'] }),
    ).rejects.toBeInstanceOf(BadRequestError);
    expect(whatsapp.asked).toEqual([]);
  });

  it('caches what an update changed, and only the participants WhatsApp took', async () => {
    const { service, whatsapp } = harness();
    await service.list(alice, 's1', PAGE);
    expect(await service.update(alice, 's1', TEAM, { subject: '  New  ', restrict: true })).toMatchObject({
      subject: 'New',
      restrict: true,
    });
    const ben = { pn: '15550000002@s.whatsapp.net', lid: '900000000000002@lid' };
    whatsapp.participantResults = [
      { ...ben, status: 200 },
      { pn: '15550000009@s.whatsapp.net', lid: null, status: 404 },
    ];
    const results = await service.changeParticipants(alice, 's1', TEAM, { add: ['+15550000002', '15550000009'] });
    expect(results.map((result) => result.status)).toEqual([200, 404]);
    expect(whatsapp.asked).toContain(`add ${TEAM} 15550000002@s.whatsapp.net,15550000009@s.whatsapp.net`);
    const team = await service.get(alice, 's1', TEAM);
    expect(team.participants).toHaveLength(3);
    expect(team.participants).toContainEqual({ ...ben, role: 'member' });
  });

  it('joins by the code of an invite link', async () => {
    const { service, whatsapp } = harness();
    const joined = await service.join(alice, 's1', 'https://chat.whatsapp.com/AbCdEf123456?utm=x');
    expect(joined.jid).toBe(SALES);
    expect(whatsapp.asked).toEqual(['join AbCdEf123456', `group ${SALES}`]);
  });
});
