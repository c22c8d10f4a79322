// Group operations with real Baileys clients: what a device asks (w:g2 IQs) and what every member device is told
// (w:gp2 notifications, which Baileys turns into groups.upsert, groups.update and group-participants.update).
import type { BaileysEventMap, GroupMetadata, WASocket } from '@whiskeysockets/baileys';
import { GROUP_QUERY_LIMIT, startSim, type CreatedAccount, type SimHandle } from '../../src/index';
import { createLinkedClient, type TestClient } from '../support/baileys-client';
import { eventually, socketOf } from './messaging-support';

type ParticipantsUpdate = BaileysEventMap['group-participants.update'];
type GroupUpdate = BaileysEventMap['groups.update'][number];

/** Every group event one socket emits from now on. */
class GroupEvents {
  readonly upserts: GroupMetadata[] = [];
  readonly updates: GroupUpdate[] = [];
  readonly participants: ParticipantsUpdate[] = [];

  constructor(socket: WASocket) {
    socket.ev.on('groups.upsert', (groups) => this.upserts.push(...groups));
    socket.ev.on('groups.update', (updates) => this.updates.push(...updates));
    socket.ev.on('group-participants.update', (update) => this.participants.push(update));
  }

  upsertOf(jid: string): Promise<GroupMetadata> {
    return eventually(() => this.upserts.find((group) => group.id === jid), `groups.upsert of ${jid}`);
  }

  update(jid: string, predicate: (update: GroupUpdate) => boolean, what: string): Promise<GroupUpdate> {
    return eventually(() => this.updates.find((update) => update.id === jid && predicate(update)), what);
  }

  participantsChange(jid: string, action: string): Promise<ParticipantsUpdate> {
    return eventually(
      () => this.participants.find((update) => update.id === jid && update.action === action),
      `group-participants.update ${action} in ${jid}`,
    );
  }
}

/** How Baileys reports an IQ error: the text as message, the code as `data`; undefined if the call succeeded. */
async function refusal(call: Promise<unknown>): Promise<{ message: string; code: unknown } | undefined> {
  try {
    await call;
    return undefined;
  } catch (error) {
    const boom = error as { message: string; data?: unknown };
    return { message: boom.message, code: boom.data };
  }
}

const person = (account: CreatedAccount) => expect.objectContaining({ id: account.lid, phoneNumber: account.jid });

describe('group operations between linked Baileys clients', () => {
  let sim: SimHandle;
  let aliceClient: TestClient;
  let bobClient: TestClient;
  let alice: CreatedAccount;
  let bob: CreatedAccount;
  let carol: CreatedAccount;
  let toAlice: GroupEvents;
  let toBob: GroupEvents;

  const aliceSocket = () => socketOf(aliceClient);
  const bobSocket = () => socketOf(bobClient);
  const account = (phoneNumber: string): CreatedAccount => {
    const found = sim.accounts().find((candidate) => candidate.phoneNumber === phoneNumber);
    if (!found) throw new Error(`no account ${phoneNumber}`);
    return found;
  };

  beforeAll(async () => {
    sim = await startSim();
    carol = sim.createAccount({ phoneNumber: '5511900000203', pushName: 'Carol' });
    aliceClient = await createLinkedClient(sim, { phoneNumber: '5511900000201', pushName: 'Alice' });
    bobClient = await createLinkedClient(sim, { phoneNumber: '5511900000202', pushName: 'Bob' });
    alice = account('5511900000201');
    bob = account('5511900000202');
    toAlice = new GroupEvents(aliceSocket());
    toBob = new GroupEvents(bobSocket());
    await Promise.all([aliceClient.waitForPendingNotifications(), bobClient.waitForPendingNotifications()]);
  }, 40_000);

  afterAll(async () => {
    await aliceClient?.stop();
    await bobClient?.stop();
    await sim?.stop();
  });

  it('creates a group from a client with the creator as superadmin, leaving unknown numbers out', async () => {
    const created = await aliceSocket().groupCreate('Trip', [bob.jid, carol.lid, '5511999999999@s.whatsapp.net']);

    expect(created).toMatchObject({ subject: 'Trip', addressingMode: 'lid', owner: alice.lid, ownerPn: alice.jid });
    expect(created.id).toMatch(/^120363\d{12}@g\.us$/);
    expect(created.participants).toEqual([
      expect.objectContaining({ id: alice.lid, phoneNumber: alice.jid, admin: 'superadmin' }),
      expect.objectContaining({ id: bob.lid, admin: null }),
      expect.objectContaining({ id: carol.lid, admin: null }),
    ]);
    const announced = await toBob.upsertOf(created.id);
    expect(announced).toMatchObject({ subject: 'Trip', author: alice.lid, authorPn: alice.jid, size: 3 });
    expect((await bobSocket().groupMetadata(created.id)).participants).toHaveLength(3);
  });

  it("shows subject, description and settings changes to the other member's client with their author", async () => {
    const { id } = await aliceSocket().groupCreate('Before', [bob.jid]);

    await aliceSocket().groupUpdateSubject(id, 'After');
    // Baileys rc14 drops the actor's alternate id (participant_pn) from notification-born events: author only.
    expect((await toBob.update(id, (update) => update.subject === 'After', 'the subject')).author).toBe(alice.lid);
    await aliceSocket().groupUpdateDescription(id, 'Be kind');
    await toBob.update(id, (update) => update.desc === 'Be kind', 'the description');
    await aliceSocket().groupSettingUpdate(id, 'announcement');
    await toBob.update(id, (update) => update.announce === true, 'announce on');
    await aliceSocket().groupSettingUpdate(id, 'locked');
    await toBob.update(id, (update) => update.restrict === true, 'restrict on');

    const metadata = await bobSocket().groupMetadata(id);
    expect(metadata).toMatchObject({
      subject: 'After',
      subjectOwner: alice.lid,
      subjectOwnerPn: alice.jid,
      desc: 'Be kind',
      descOwner: alice.lid,
      announce: true,
      restrict: true,
    });
    expect(metadata.descId).toEqual(expect.any(String));

    await aliceSocket().groupUpdateDescription(id, undefined);
    await aliceSocket().groupSettingUpdate(id, 'not_announcement');
    await toBob.update(id, (update) => update.announce === false, 'announce off');
    expect(await bobSocket().groupMetadata(id)).toMatchObject({ desc: undefined, announce: false });
  });

  it('reports add, promote, demote and remove to the other member with the author and who changed', async () => {
    const { id } = await aliceSocket().groupCreate('Changes', [bob.jid]);

    const added = await aliceSocket().groupParticipantsUpdate(
      id,
      [carol.jid, bob.jid, '5511999999999@s.whatsapp.net'],
      'add',
    );
    expect(added.map(({ status, jid }) => ({ status, jid }))).toEqual([
      { status: '200', jid: carol.lid },
      { status: '409', jid: bob.lid },
      { status: '404', jid: '5511999999999@s.whatsapp.net' },
    ]);
    const seenAdd = await toBob.participantsChange(id, 'add');
    expect(seenAdd).toMatchObject({ author: alice.lid, participants: [person(carol)] });

    await aliceSocket().groupParticipantsUpdate(id, [bob.lid], 'promote');
    expect((await toBob.participantsChange(id, 'promote')).participants).toEqual([person(bob)]);
    expect(sim.group(id).participants.find((member) => member.phoneNumber === bob.phoneNumber)?.admin).toBe('admin');

    await aliceSocket().groupParticipantsUpdate(id, [bob.lid], 'demote');
    expect((await toBob.participantsChange(id, 'demote')).participants).toEqual([person(bob)]);

    await aliceSocket().groupParticipantsUpdate(id, [carol.jid], 'remove');
    expect(await toBob.participantsChange(id, 'remove')).toMatchObject({
      author: alice.lid,
      participants: [person(carol)],
    });
    expect(sim.group(id).participants.map((member) => member.phoneNumber)).toEqual([
      alice.phoneNumber,
      bob.phoneNumber,
    ]);
  });

  it('tells a member added later about the whole group with groups.upsert, not a participants update', async () => {
    const { jid } = await sim.createGroup({ subject: 'Later', participants: [alice.phoneNumber, carol.phoneNumber] });
    await toAlice.upsertOf(jid);

    await aliceSocket().groupParticipantsUpdate(jid, [bob.jid], 'add');

    const announced = await toBob.upsertOf(jid);
    expect(announced.participants.map((participant) => participant.id)).toEqual([alice.lid, carol.lid, bob.lid]);
    expect(toBob.participants.some((update) => update.id === jid)).toBe(false);
    expect((await toAlice.participantsChange(jid, 'add')).participants).toEqual([person(bob)]);
  });

  it('refuses what only admins may do with not-authorized, and a non-member with forbidden', async () => {
    const { id } = await aliceSocket().groupCreate('Rules', [bob.jid]);

    expect(await refusal(bobSocket().groupSettingUpdate(id, 'announcement'))).toEqual({
      message: 'not-authorized',
      code: 401,
    });
    expect(await refusal(bobSocket().groupParticipantsUpdate(id, [alice.jid], 'remove'))).toEqual({
      message: 'not-authorized',
      code: 401,
    });
    await bobSocket().groupUpdateSubject(id, 'Open for all');
    await aliceSocket().groupSettingUpdate(id, 'locked');
    expect(await refusal(bobSocket().groupUpdateSubject(id, 'Mine now'))).toEqual({
      message: 'not-authorized',
      code: 401,
    });
    expect(sim.group(id)).toMatchObject({ subject: 'Open for all', restrict: true });

    const { jid: closed } = await sim.createGroup({ subject: 'Closed', participants: [carol.phoneNumber] });
    expect(await refusal(bobSocket().groupMetadata(closed))).toEqual({ message: 'forbidden', code: 403 });
    expect(await refusal(bobSocket().groupMetadata('120363000000000000@g.us'))).toEqual({
      message: 'item-not-found',
      code: 404,
    });
  });

  it('shares, resets and accepts invite codes: the joiner gets the group and the members see the join', async () => {
    const { id } = await aliceSocket().groupCreate('Invites', [carol.jid]);

    const code = (await aliceSocket().groupInviteCode(id)) ?? '';
    expect(code).toMatch(/^[A-Za-z0-9]{22}$/);
    expect(await bobSocket().groupGetInviteInfo(code)).toMatchObject({ id, subject: 'Invites', size: 2 });
    expect(await bobSocket().groupAcceptInvite(code)).toBe(id);

    expect(await toAlice.participantsChange(id, 'add')).toMatchObject({ author: bob.lid, participants: [person(bob)] });
    expect((await toBob.upsertOf(id)).participants).toHaveLength(3);
    expect(await refusal(bobSocket().groupInviteCode(id))).toEqual({ message: 'not-authorized', code: 401 });

    const fresh = await aliceSocket().groupRevokeInvite(id);
    expect(fresh).not.toBe(code);
    await toAlice.update(id, (update) => update.inviteCode === fresh, 'the new invite code');
    expect(await refusal(bobSocket().groupAcceptInvite(code))).toEqual({ message: 'gone', code: 410 });
    expect(await refusal(bobSocket().groupAcceptInvite('NoSuchCode000000000000'))).toEqual({
      message: 'not-acceptable',
      code: 406,
    });
  });

  it('lets a member leave: the others see it as a leave, and the group drops from its list', async () => {
    const { id } = await aliceSocket().groupCreate('Leaving', [bob.jid]);
    await toBob.upsertOf(id);

    await bobSocket().groupLeave(id);

    expect(await toAlice.participantsChange(id, 'remove')).toMatchObject({
      author: bob.lid,
      participants: [person(bob)],
    });
    expect(Object.keys(await bobSocket().groupFetchAllParticipating())).not.toContain(id);
    expect(await refusal(bobSocket().groupMetadata(id))).toEqual({ message: 'forbidden', code: 403 });
  });

  it('promotes the longest-standing member when the last admin leaves', async () => {
    const { id } = await aliceSocket().groupCreate('Succession', [bob.jid, carol.jid]);
    await toBob.upsertOf(id);

    await aliceSocket().groupLeave(id);

    const promoted = await toBob.participantsChange(id, 'promote');
    expect(promoted.participants).toEqual([person(bob)]);
    expect(promoted.author).toBeFalsy();
    expect((await bobSocket().groupMetadata(id)).participants).toEqual([
      expect.objectContaining({ id: bob.lid, admin: 'admin' }),
      expect.objectContaining({ id: carol.lid, admin: null }),
    ]);
  });
});

describe('group control routes', () => {
  let sim: SimHandle;
  let client: TestClient;
  let events: GroupEvents;
  const ALICE = '5511900000211';
  const CAROL = '5511900000213';
  const DAVE = '5511900000214';

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${sim.url}${path}`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return {
      status: response.status,
      body: response.status === 204 ? undefined : ((await response.json()) as unknown),
    };
  };

  beforeAll(async () => {
    sim = await startSim();
    sim.createAccount({ phoneNumber: CAROL, pushName: 'Carol' });
    sim.createAccount({ phoneNumber: DAVE, pushName: 'Dave' });
    client = await createLinkedClient(sim, { phoneNumber: ALICE, pushName: 'Alice' });
    events = new GroupEvents(socketOf(client));
    await client.waitForPendingNotifications();
  }, 30_000);

  afterAll(async () => {
    await client?.stop();
    await sim?.stop();
  });

  it("lets a sim phone change a group and its members, seen by the linked client's Baileys", async () => {
    const { jid } = await sim.createGroup({ subject: 'Phones', participants: [CAROL, ALICE] });
    const carolLid = sim.accounts().find((account) => account.phoneNumber === CAROL)?.lid;

    const patched = await call('PATCH', `/control/groups/${jid}`, { by: CAROL, subject: 'Renamed', restrict: true });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ subject: 'Renamed', restrict: true, announce: false, creator: CAROL });
    expect(await events.update(jid, (update) => update.subject === 'Renamed', 'the subject')).toMatchObject({
      author: carolLid,
    });

    const changed = await call('POST', `/control/groups/${jid}/participants`, {
      by: CAROL,
      add: [DAVE, '5511999999999'],
    });
    expect(changed).toEqual({
      status: 200,
      body: {
        participants: [
          { phoneNumber: DAVE, status: 200 },
          { phoneNumber: '5511999999999', status: 404 },
        ],
      },
    });
    expect((await events.participantsChange(jid, 'add')).author).toBe(carolLid);

    const state = await call('GET', `/control/groups/${encodeURIComponent(jid)}`);
    expect(state.body).toMatchObject({
      jid,
      participants: [
        { phoneNumber: CAROL, admin: 'superadmin' },
        { phoneNumber: ALICE, admin: null },
        { phoneNumber: DAVE, admin: null },
      ],
    });
  });

  it('applies the admin rules to phones too, and keeps non-admins from sending to an announcement group', async () => {
    const { jid } = await sim.createGroup({ subject: 'Admins', participants: [CAROL, DAVE] });

    expect((await call('PATCH', `/control/groups/${jid}`, { by: DAVE, announce: true })).status).toBe(403);
    expect((await call('POST', `/control/groups/${jid}/participants`, { by: DAVE, remove: [CAROL] })).status).toBe(403);
    await sim.updateGroup(jid, { by: CAROL, announce: true });
    const send = await call('POST', `/control/accounts/${DAVE}/messages`, { to: jid, text: 'may I?' });
    expect(send.status).toBe(403);
    expect((await call('POST', `/control/accounts/${CAROL}/messages`, { to: jid, text: 'I may' })).status).toBe(201);
  });

  it('joins by invite code and leaves over HTTP', async () => {
    const { jid } = await sim.createGroup({ subject: 'Door', participants: [CAROL, ALICE] });

    const invite = await call('POST', `/control/groups/${jid}/invite`, { by: CAROL });
    const { code } = invite.body as { code: string };
    expect(await call('POST', '/control/groups/join', { by: DAVE, code })).toEqual({ status: 200, body: { jid } });
    expect((await events.participantsChange(jid, 'add')).participants).toEqual([
      expect.objectContaining({ id: expect.stringMatching(/@lid$/) }),
    ]);
    expect((await call('POST', `/control/groups/${jid}/leave`, { by: DAVE })).status).toBe(204);
    expect(sim.group(jid).participants.map((member) => member.phoneNumber)).toEqual([CAROL, ALICE]);
    const reset = await call('POST', `/control/groups/${jid}/invite`, { by: CAROL, reset: true });
    expect((reset.body as { code: string }).code).not.toBe(code);
    expect((await call('POST', '/control/groups/join', { by: DAVE, code })).status).toBe(410);
  });

  it.each([
    ['no action', { by: CAROL }, /exactly one of/],
    ['two actions', { by: CAROL, add: [DAVE], remove: [DAVE] }, /exactly one of/],
    ['an unknown field', { by: CAROL, add: [DAVE], urgent: true }, /urgent/],
    ['a bad phone number', { by: CAROL, add: ['dave'] }, /add\[0\]/],
    ['no actor', { add: [DAVE] }, /by/],
  ])('answers 400 to a participants request with %s', async (_case, body, message) => {
    const { jid } = await sim.createGroup({ subject: 'Bad', participants: [CAROL] });

    const response = await call('POST', `/control/groups/${jid}/participants`, body);

    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ statusCode: 400, message: expect.stringMatching(message) });
  });

  it('answers 400 to a change without changes or with a subject too long, 404 for an unknown group', async () => {
    const { jid } = await sim.createGroup({ subject: 'Bad', participants: [CAROL] });

    expect((await call('PATCH', `/control/groups/${jid}`, { by: CAROL })).status).toBe(400);
    expect((await call('PATCH', `/control/groups/${jid}`, { by: CAROL, subject: 'x'.repeat(101) })).status).toBe(400);
    expect((await call('GET', '/control/groups/120363000000000000@g.us')).status).toBe(404);
    expect((await call('GET', '/control/groups/not-a-group')).status).toBe(400);
  });
});

describe('group metadata rate limit', () => {
  let sim: SimHandle;
  let client: TestClient;
  const CAROL = '5511900000223';
  const DAVE = '5511900000224';
  const GROUP_COUNT = 500;

  beforeAll(async () => {
    sim = await startSim();
    sim.createAccount({ phoneNumber: CAROL, pushName: 'Carol' });
    client = await createLinkedClient(sim, { phoneNumber: DAVE, pushName: 'Dave' });
    await client.waitForPendingNotifications();
  }, 30_000);

  afterAll(async () => {
    await client?.stop();
    await sim?.stop();
  });

  it('lists 500 groups in one participating IQ but refuses fetching them one by one with rate-overlimit', async () => {
    const started = Date.now();
    for (let index = 0; index < GROUP_COUNT; index++) {
      const response = await fetch(`${sim.url}/control/groups`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ subject: `Group ${index}`, participants: [CAROL, DAVE] }),
      });
      expect(response.status).toBe(201);
    }
    expect(Date.now() - started).toBeLessThan(20_000);

    const groups = await socketOf(client).groupFetchAllParticipating();
    const jids = Object.keys(groups);
    expect(jids).toHaveLength(GROUP_COUNT);

    const answers: (string | undefined)[] = [];
    for (const jid of jids.slice(0, GROUP_QUERY_LIMIT + 5)) {
      answers.push((await refusal(socketOf(client).groupMetadata(jid)))?.message);
    }
    expect(answers.slice(0, GROUP_QUERY_LIMIT)).toEqual(Array(GROUP_QUERY_LIMIT).fill(undefined));
    expect(answers.slice(GROUP_QUERY_LIMIT)).toEqual(Array(5).fill('rate-overlimit'));
    expect(await refusal(socketOf(client).groupMetadata(jids[0]))).toEqual({ message: 'rate-overlimit', code: 429 });
    expect(Object.keys(await socketOf(client).groupFetchAllParticipating())).toHaveLength(GROUP_COUNT);
  });
});
