import { ContactRow, mergeLearned } from './contact-merge';

const NOW = new Date('2026-02-01T12:00:00.000Z');
const EARLIER = new Date('2026-01-01T00:00:00.000Z');
const ALICE_PN = '15550000001@s.whatsapp.net';
const ALICE_LID = '100000000000001@lid';

function row(id: string, fields: Partial<ContactRow>): ContactRow {
  return {
    id,
    sessionId: 's1',
    pn: null,
    lid: null,
    pushName: null,
    verifiedName: null,
    profilePictureUrl: null,
    profilePictureCheckedAt: null,
    blocked: false,
    updatedAt: EARLIER,
    ...fields,
  };
}

function ids(): () => string {
  let next = 0;
  return () => `new${++next}`;
}

describe('mergeLearned', () => {
  it('makes a contact of an identity not known yet', () => {
    const outcome = mergeLearned('s1', [], [{ pn: ALICE_PN, lid: null, pushName: 'Alice' }], NOW, ids());
    expect(outcome).toEqual({
      save: [row('new1', { pn: ALICE_PN, pushName: 'Alice', updatedAt: NOW })],
      remove: [],
      reshaped: false,
    });
  });

  it('writes nothing when what was learned is already known', () => {
    const known = row('c1', { pn: ALICE_PN, lid: ALICE_LID, pushName: 'Alice' });
    const outcome = mergeLearned('s1', [known], [{ pn: ALICE_PN, lid: ALICE_LID, pushName: 'Alice' }], NOW, ids());
    expect(outcome).toEqual({ save: [], remove: [], reshaped: false });
  });

  it('adds the LID to the contact known by its number', () => {
    const known = row('c1', { pn: ALICE_PN, pushName: 'Alice' });
    const outcome = mergeLearned('s1', [known], [{ pn: ALICE_PN, lid: ALICE_LID }], NOW, ids());
    expect(outcome.save).toEqual([{ ...known, lid: ALICE_LID, updatedAt: NOW }]);
    expect(outcome.reshaped).toBe(false);
  });

  it('leaves one contact when a PN and a LID known apart turn out to be the same person', () => {
    const byNumber = row('c1', {
      pn: ALICE_PN,
      pushName: 'Alice (old)',
      profilePictureUrl: 'https://pps/old.jpg',
      profilePictureCheckedAt: EARLIER,
      updatedAt: EARLIER,
    });
    const byLid = row('c2', {
      lid: ALICE_LID,
      pushName: 'Alice',
      verifiedName: null,
      profilePictureUrl: 'https://pps/new.jpg',
      profilePictureCheckedAt: new Date('2026-01-15T00:00:00.000Z'),
      blocked: true,
      updatedAt: new Date('2026-01-20T00:00:00.000Z'),
    });
    const outcome = mergeLearned('s1', [byNumber, byLid], [{ pn: ALICE_PN, lid: ALICE_LID }], NOW, ids());
    expect(outcome.remove).toEqual(['c2']);
    expect(outcome.reshaped).toBe(true);
    expect(outcome.save).toEqual([
      row('c1', {
        pn: ALICE_PN,
        lid: ALICE_LID,
        pushName: 'Alice',
        profilePictureUrl: 'https://pps/new.jpg',
        profilePictureCheckedAt: new Date('2026-01-15T00:00:00.000Z'),
        blocked: true,
        updatedAt: NOW,
      }),
    ]);
  });

  it('keeps the older name when the newer row has none', () => {
    const byNumber = row('c1', { pn: ALICE_PN, pushName: 'Alice', updatedAt: EARLIER });
    const byLid = row('c2', { lid: ALICE_LID, updatedAt: NOW });
    const outcome = mergeLearned('s1', [byNumber, byLid], [{ pn: ALICE_PN, lid: ALICE_LID }], NOW, ids());
    expect(outcome.save[0]).toMatchObject({ pushName: 'Alice', pn: ALICE_PN, lid: ALICE_LID });
  });

  it('merges pieces learned within one batch into one contact', () => {
    const outcome = mergeLearned(
      's1',
      [],
      [
        { pn: ALICE_PN, lid: null, pushName: 'Alice' },
        { pn: null, lid: ALICE_LID },
        { pn: ALICE_PN, lid: ALICE_LID },
      ],
      NOW,
      ids(),
    );
    expect(outcome).toEqual({
      save: [row('new1', { pn: ALICE_PN, lid: ALICE_LID, pushName: 'Alice', updatedAt: NOW })],
      remove: [],
      reshaped: false,
    });
  });

  it('lets the newest pair win when a number moved to another person', () => {
    const movedLid = '100000000000009@lid';
    const known = row('c1', { pn: ALICE_PN, lid: ALICE_LID });
    const outcome = mergeLearned('s1', [known], [{ pn: ALICE_PN, lid: movedLid }], NOW, ids());
    expect(outcome.save).toEqual([{ ...known, lid: movedLid, updatedAt: NOW }]);
    expect(outcome.reshaped).toBe(true);
  });

  it('replaces a name told, even as null, and keeps it when not told', () => {
    const known = row('c1', { pn: ALICE_PN, pushName: 'Alice', verifiedName: 'Alice Ltd' });
    const cleared = mergeLearned('s1', [known], [{ pn: ALICE_PN, lid: null, verifiedName: null }], NOW, ids());
    expect(cleared.save).toEqual([{ ...known, verifiedName: null, updatedAt: NOW }]);
  });

  it('ignores a contact without either identity', () => {
    expect(mergeLearned('s1', [], [{ pn: null, lid: null, pushName: 'Nobody' }], NOW, ids()).save).toEqual([]);
  });
});
