import type { GroupInfo } from '../whatsapp/whatsapp.provider';
import { needsSync, withChanges, withParticipantsChanged } from './group-cache';

const ME = { pn: '15550000000@s.whatsapp.net', lid: '900000000000000@lid' };
const ANA = { pn: '15550000001@s.whatsapp.net', lid: '900000000000001@lid' };
const BEN = { pn: '15550000002@s.whatsapp.net', lid: '900000000000002@lid' };

function group(overrides: Partial<GroupInfo> = {}): GroupInfo {
  return {
    jid: '120363000000000001@g.us',
    subject: 'Team',
    description: 'About the team',
    owner: ME.pn,
    addressingMode: 'lid',
    announce: false,
    restrict: false,
    createdAt: '2025-06-01T10:00:00.000Z',
    participants: [
      { ...ME, role: 'superadmin' },
      { ...ANA, role: 'member' },
    ],
    ...overrides,
  };
}

describe('the group cache rules', () => {
  it('adds a member once, however often the addition is told', () => {
    const once = withParticipantsChanged(group(), 'add', [BEN], ME);
    const twice = withParticipantsChanged(once as GroupInfo, 'add', [BEN], ME);
    expect(twice?.participants).toEqual([
      { ...ME, role: 'superadmin' },
      { ...ANA, role: 'member' },
      { ...BEN, role: 'member' },
    ]);
  });

  it('recognises a member by either identity and keeps an identity told only now', () => {
    const lidOnly = group({ participants: [{ pn: null, lid: ANA.lid, role: 'admin' }] });
    expect(withParticipantsChanged(lidOnly, 'add', [ANA], ME)?.participants).toEqual([{ ...ANA, role: 'admin' }]);
  });

  it('removes a member named by its LID alone', () => {
    const changed = withParticipantsChanged(group(), 'remove', [{ pn: null, lid: ANA.lid }], ME);
    expect(changed?.participants).toEqual([{ ...ME, role: 'superadmin' }]);
  });

  it('drops the group when the account itself is removed or leaves, named by PN or by LID', () => {
    expect(withParticipantsChanged(group(), 'remove', [{ pn: ME.pn, lid: null }], ME)).toBeNull();
    expect(withParticipantsChanged(group(), 'remove', [{ pn: null, lid: ME.lid }], ME)).toBeNull();
  });

  it('promotes a member to admin, keeps the creator superadmin, and demotes anyone to member', () => {
    const promoted = withParticipantsChanged(group(), 'promote', [ANA, ME], ME) as GroupInfo;
    expect(promoted.participants.map((member) => member.role)).toEqual(['superadmin', 'admin']);
    const demoted = withParticipantsChanged(promoted, 'demote', [ANA], ME) as GroupInfo;
    expect(demoted.participants.map((member) => member.role)).toEqual(['superadmin', 'member']);
  });

  it('ignores participants WhatsApp named by neither identity, and members not in the group', () => {
    const changed = withParticipantsChanged(group(), 'promote', [{ pn: null, lid: null }, BEN], ME);
    expect(changed).toEqual(group());
  });

  it('applies only the changes told, and clears a description changed to empty', () => {
    expect(withChanges(group(), { subject: 'Renamed', announce: true })).toEqual(
      group({ subject: 'Renamed', announce: true }),
    );
    expect(withChanges(group(), { description: '' }).description).toBeNull();
    expect(withChanges(group(), { restrict: true })).toMatchObject({ description: 'About the team', restrict: true });
  });

  it('reads the groups again when never read or once the freshness time has passed, not before', () => {
    const syncedAt = new Date('2026-01-01T00:00:00.000Z');
    expect(needsSync(null, syncedAt, 1000)).toBe(true);
    expect(needsSync(syncedAt, new Date(syncedAt.getTime() + 999), 1000)).toBe(false);
    expect(needsSync(syncedAt, new Date(syncedAt.getTime() + 1000), 1000)).toBe(true);
  });
});
