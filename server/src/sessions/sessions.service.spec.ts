import type { AuthUser } from '../auth/auth-user';
import { BadRequestError, NotFoundError } from '../core/errors/domain-errors';
import type { SessionEntity } from './session.entity';
import type { SessionChanges, SessionListFilter, SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';
import { recordingAudit } from '../../test/support/in-memory-audit';

const alice: AuthUser = { id: 'alice', username: 'alice', role: 'user', via: 'jwt' };
const bob: AuthUser = { id: 'bob', username: 'bob', role: 'user', via: 'jwt' };
const admin: AuthUser = { id: 'root', username: 'root', role: 'admin', via: 'api-key' };

function fakeRepository(): SessionsRepository & { filters: SessionListFilter[]; rows: SessionEntity[] } {
  const rows: SessionEntity[] = [];
  const filters: SessionListFilter[] = [];
  return {
    rows,
    filters,
    async create(ownerId: string, name: string) {
      const settings = { rejectCalls: false, rejectCallsMessage: null };
      const row = { id: `s${rows.length + 1}`, ownerId, name, status: 'created', settings } as SessionEntity;
      rows.push(row);
      return row;
    },
    async findById(id: string) {
      return rows.find((row) => row.id === id) ?? null;
    },
    async list(filter: SessionListFilter) {
      filters.push(filter);
      const items = rows.filter((row) => filter.ownerId === undefined || row.ownerId === filter.ownerId);
      return { items, total: items.length };
    },
    async change(id: string, changes: SessionChanges) {
      const row = rows.find((candidate) => candidate.id === id) as SessionEntity;
      if (changes.name !== undefined) row.name = changes.name;
      if (changes.settings) row.settings = { ...row.settings, ...changes.settings };
      return row;
    },
    async update() {},
    async delete(id: string) {
      rows.splice(
        rows.findIndex((row) => row.id === id),
        1,
      );
    },
  } as unknown as SessionsRepository & { filters: SessionListFilter[]; rows: SessionEntity[] };
}

describe('SessionsService', () => {
  it('creates a session owned by the caller with a trimmed name', async () => {
    const repository = fakeRepository();
    const session = await new SessionsService(repository, recordingAudit().audit).create(alice, '  sales  ');
    expect(session).toMatchObject({ ownerId: 'alice', name: 'sales', status: 'created' });
  });

  it('lists only the caller’s sessions for a user and everyone’s for an admin', async () => {
    const repository = fakeRepository();
    const service = new SessionsService(repository, recordingAudit().audit);
    await service.create(alice, 'a');
    await service.create(bob, 'b');
    expect((await service.list(alice, { limit: 50, offset: 0 })).items.map((s) => s.name)).toEqual(['a']);
    expect((await service.list(admin, { limit: 50, offset: 0 })).total).toBe(2);
    expect(repository.filters.map((filter) => filter.ownerId)).toEqual(['alice', undefined]);
  });

  it('answers another user’s session exactly like a missing one', async () => {
    const service = new SessionsService(fakeRepository(), recordingAudit().audit);
    const session = await service.create(alice, 'a');
    await expect(service.get(bob, session.id)).rejects.toThrow(NotFoundError);
    await expect(service.get(bob, 'missing')).rejects.toThrow(NotFoundError);
    await expect(service.update(bob, session.id, { name: 'stolen' })).rejects.toThrow(NotFoundError);
    await expect(service.delete(bob, session.id)).rejects.toThrow(NotFoundError);
    expect((await service.get(admin, session.id)).name).toBe('a');
  });

  it('changes the settings given and keeps the others', async () => {
    const service = new SessionsService(fakeRepository(), recordingAudit().audit);
    const session = await service.create(alice, 'a');
    await service.update(alice, session.id, {
      settings: { rejectCalls: true, rejectCallsMessage: 'No calls, please' },
    });
    const changed = await service.update(alice, session.id, { name: ' b ', settings: { rejectCalls: false } });
    expect(changed).toMatchObject({
      name: 'b',
      settings: { rejectCalls: false, rejectCallsMessage: 'No calls, please' },
    });
  });

  it('refuses a change that changes nothing', async () => {
    const service = new SessionsService(fakeRepository(), recordingAudit().audit);
    const session = await service.create(alice, 'a');
    await expect(service.update(alice, session.id, {})).rejects.toThrow(BadRequestError);
    await expect(service.update(alice, session.id, { settings: { rejectCalls: undefined } })).rejects.toThrow(
      BadRequestError,
    );
  });

  it('deletes a session its owner asks to delete', async () => {
    const repository = fakeRepository();
    const service = new SessionsService(repository, recordingAudit().audit);
    const session = await service.create(alice, 'a');
    await service.delete(alice, session.id);
    expect(repository.rows).toEqual([]);
  });
});
