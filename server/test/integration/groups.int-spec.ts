import { pairSession, PairedSession, poll } from '../support/paired-session';
import { eventually } from '../support/realtime';
import { startWagoInProcess, WagoInProcess } from '../support/wago-in-process';
import { startWebhookReceiver, WebhookReceiver } from '../support/webhook-receiver';

interface Group {
  jid: string;
  subject: string;
  description: string | null;
  announce: boolean;
  restrict: boolean;
  participantsCount: number;
  participants: { pn: string | null; lid: string | null; role: string }[];
}

interface Envelope {
  id: string;
  type: string;
  data: Record<string, unknown>;
}

const pn = (phoneNumber: string): string => `${phoneNumber}@s.whatsapp.net`;

/** The groups routes on a real WAGO (in process), a real Postgres and the simulator, whose phones act as members. */
describe('Groups', () => {
  const GATEWAY = '15550710000';
  const [ANA, BEN, CAROL] = ['15550710001', '15550710002', '15550710003'];
  const SEEDED = 500;
  let wago: WagoInProcess;
  let token: string;
  let session: PairedSession;
  let receiver: WebhookReceiver;
  const call = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
    wago.api.call<T>(method, `/sessions/${session.id}${path}`, { token, body });

  beforeAll(async () => {
    wago = await startWagoInProcess({
      MESSAGE_MIN_INTERVAL_MS: '0',
      MESSAGE_JITTER_MS: '0',
      MESSAGE_PER_CHAT_PER_MINUTE: '1000',
    });
    token = wago.admin.accessToken;
    const { sim } = wago;
    sim.createAccount({ phoneNumber: GATEWAY, pushName: 'Gateway' });
    for (const [index, phoneNumber] of [ANA, BEN, CAROL].entries()) {
      sim.createAccount({ phoneNumber, pushName: `Member ${index + 1}` });
    }
    // Groups from before the pairing: WAGO learns of them only by asking.
    for (let index = 0; index < SEEDED; index += 1) {
      await sim.createGroup({ subject: `Seeded ${index}`, participants: [ANA, GATEWAY] });
    }
    session = await pairSession(wago.api, token, sim, { name: 'groups', phoneNumber: GATEWAY, pushName: 'Gateway' });
    receiver = await startWebhookReceiver();
    const webhook = await call('POST', '/webhooks', {
      url: receiver.url,
      events: ['group.participants', 'group.updated'],
      groupPolicy: 'none',
    });
    expect(webhook.status).toBe(201);
  });

  afterAll(async () => {
    await receiver?.close();
    await wago?.stop();
  });

  const events = (type: string, group: string): Envelope[] =>
    receiver.events<Envelope>().filter((event) => event.type === type && event.data.group === group);

  it('lists 500 groups from one query, then serves each from the cache without a rate-overlimit', async () => {
    const page = await call<{ items: Group[]; total: number }>('GET', '/groups?limit=200&offset=400');
    expect(page.status).toBe(200);
    expect(page.body.total).toBe(SEEDED);
    expect(page.body.items).toHaveLength(100);
    expect(page.body.items[0]).toMatchObject({ participantsCount: 2, addressingMode: 'lid', announce: false });
    expect(page.body.items[0]).not.toHaveProperty('participants');

    const search = await call<{ items: Group[]; total: number }>('GET', '/groups?q=seeded%2042');
    expect(search.body.total).toBe(11);

    // Far more than WhatsApp's 20 metadata queries in 10 s: every one must come from the cache.
    const all = await call<{ items: Group[] }>('GET', '/groups?limit=60');
    const answers = await Promise.all(all.body.items.map((group) => call<Group>('GET', `/groups/${group.jid}`)));
    expect(answers.map((answer) => answer.status)).toEqual(all.body.items.map(() => 200));
    expect(answers[0].body.participants).toEqual(
      expect.arrayContaining([
        { pn: pn(ANA), lid: expect.stringMatching(/@lid$/), role: 'superadmin' },
        { pn: session.jid, lid: session.lid, role: 'member' },
      ]),
    );
  });

  it('creates a group, changes it, and lists it as changed', async () => {
    const created = await call<Group>('POST', '/groups', { subject: 'Project', participants: [BEN, `+${CAROL}`] });
    expect(created.status).toBe(201);
    expect(created.body.jid).toMatch(/@g\.us$/);
    expect(created.body.participants).toHaveLength(3);
    expect(created.body.participants).toContainEqual({ pn: session.jid, lid: session.lid, role: 'superadmin' });

    const updated = await call<Group>('PATCH', `/groups/${created.body.jid}`, {
      subject: 'Project X',
      description: 'Launch plans',
      announce: true,
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ subject: 'Project X', description: 'Launch plans', announce: true });
    expect(wago.sim.group(created.body.jid)).toMatchObject({ subject: 'Project X', announce: true });

    const listed = await call<{ items: Group[] }>('GET', '/groups?q=project');
    expect(listed.body.items).toEqual([expect.objectContaining({ jid: created.body.jid, subject: 'Project X' })]);
  });

  it('adds, promotes and removes members, answering for each person', async () => {
    const created = await call<Group>('POST', '/groups', { subject: 'Members', participants: [BEN] });
    const jid = created.body.jid;
    const added = await call<{ items: { pn: string; status: number }[] }>('POST', `/groups/${jid}/participants`, {
      add: [CAROL, '15559999999'],
    });
    expect(added.status).toBe(200);
    expect(added.body.items).toEqual([
      expect.objectContaining({ pn: pn(CAROL), status: 200 }),
      expect.objectContaining({ status: 404 }),
    ]);
    const promoted = await call('POST', `/groups/${jid}/participants`, { promote: [CAROL] });
    expect(promoted.status).toBe(200);
    expect((await call<Group>('GET', `/groups/${jid}`)).body.participants).toContainEqual(
      expect.objectContaining({ pn: pn(CAROL), role: 'admin' }),
    );
    await call('POST', `/groups/${jid}/participants`, { remove: [BEN] });
    const detail = await call<Group>('GET', `/groups/${jid}`);
    expect(detail.body.participants.map((member) => member.pn).sort()).toEqual([pn(CAROL), session.jid].sort());
    expect(
      wago.sim
        .group(jid)
        .participants.map((member) => member.phoneNumber)
        .sort(),
    ).toEqual([CAROL, GATEWAY].sort());
  });

  it('hands out and resets the invite link, joins by a link and leaves', async () => {
    const created = await call<Group>('POST', '/groups', { subject: 'Invites', participants: [BEN] });
    const invite = await call<{ code: string; url: string }>('GET', `/groups/${created.body.jid}/invite`);
    expect(invite.status).toBe(200);
    expect(invite.body.url).toBe(`https://chat.whatsapp.com/${invite.body.code}`);
    const reset = await call<{ code: string }>('POST', `/groups/${created.body.jid}/invite/revoke`);
    expect(reset.status).toBe(200);
    expect(reset.body.code).not.toBe(invite.body.code);

    const { jid } = await wago.sim.createGroup({ subject: 'Open door', participants: [BEN, CAROL] });
    const { code } = await wago.sim.groupInviteCode(jid, { by: BEN });
    const joined = await call<Group>('POST', '/groups/join', { invite: `https://chat.whatsapp.com/${code}` });
    expect(joined.status).toBe(200);
    expect(joined.body).toMatchObject({ jid, subject: 'Open door' });
    expect(joined.body.participants).toContainEqual(expect.objectContaining({ pn: session.jid }));

    expect((await call('POST', `/groups/${jid}/leave`)).status).toBe(204);
    expect(wago.sim.group(jid).participants.map((member) => member.phoneNumber)).not.toContain(GATEWAY);
    const listed = await call<{ items: Group[] }>('GET', '/groups?q=open%20door');
    expect(listed.body.items).toEqual([]);
  });

  it('tells subscribers of changes other members make, and keeps the cached group true from them', async () => {
    const { jid } = await wago.sim.createGroup({ subject: 'Run by Ana', participants: [ANA, GATEWAY, BEN] });
    await poll(
      () => call<Group>('GET', `/groups/${jid}`),
      (answer) => answer.status === 200,
      'the new group in the cache',
    );

    await wago.sim.updateGroup(jid, { by: ANA, subject: 'Renamed by Ana' });
    const changes = () =>
      events('group.updated', jid).map((event) => event.data.changes as { announce?: boolean; restrict?: boolean });
    await eventually(() => changes().length > 0, 'the group.updated event');
    expect(changes()).toEqual([{ subject: 'Renamed by Ana' }]);
    expect(events('group.updated', jid)[0].data.by).toMatchObject({ lid: expect.stringMatching(/@lid$/) });
    const listed = await poll(
      () => call<{ items: Group[] }>('GET', '/groups?q=renamed%20by%20ana'),
      (answer) => answer.body.items.length === 1,
      'the list to show the new subject',
    );
    expect(listed.body.items[0]).toMatchObject({ jid, subject: 'Renamed by Ana' });

    await wago.sim.updateGroup(jid, { by: ANA, announce: true });
    await eventually(() => changes().some((change) => change.announce === true), 'the announce change');
    await wago.sim.updateGroup(jid, { by: ANA, restrict: true });
    await eventually(() => changes().some((change) => change.restrict === true), 'the restrict change');
    await poll(
      () => call<Group>('GET', `/groups/${jid}`),
      (answer) => answer.body.announce && answer.body.restrict,
      'the settings in the cache',
    );

    await wago.sim.updateGroupParticipants(jid, { by: ANA, add: [CAROL] });
    await eventually(() => events('group.participants', jid).length >= 1, 'the group.participants event');
    const [added] = events('group.participants', jid);
    expect(added.id).toMatch(/^evt_/);
    expect(added.data).toMatchObject({
      group: jid,
      action: 'add',
      participants: [{ pn: pn(CAROL), lid: expect.stringMatching(/@lid$/) }],
      by: expect.objectContaining({ lid: expect.stringMatching(/@lid$/) }),
    });
    await poll(
      () => call<Group>('GET', `/groups/${jid}`),
      (answer) => answer.body.participants.some((member) => member.pn === pn(CAROL)),
      'the added member in the cache',
    );

    await wago.sim.updateGroupParticipants(jid, { by: ANA, remove: [GATEWAY] });
    await eventually(
      () => events('group.participants', jid).some((event) => event.data.action === 'remove'),
      'the removal event',
    );
    await poll(
      () => call<{ total: number }>('GET', '/groups?q=renamed%20by%20ana'),
      (answer) => answer.body.total === 0,
      'the group to leave the list',
    );
  });

  it('sends a burst of 25 messages to one group, every one taken by WhatsApp (no rate-overlimit)', async () => {
    const created = await call<Group>('POST', '/groups', { subject: 'Busy', participants: [ANA, BEN] });
    const sends = await Promise.all(
      Array.from({ length: 25 }, (_, index) =>
        call<{ id: string }>('POST', '/messages', { to: created.body.jid, text: `update ${index}` }),
      ),
    );
    expect(sends.every((send) => send.status === 201 || send.status === 202)).toBe(true);
    const statuses = () =>
      Promise.all(
        sends.map(async (send) => (await call<{ status: string }>('GET', `/messages/${send.body.id}`)).body.status),
      );
    await eventually(
      async () => (await statuses()).every((status) => status !== 'queued' && status !== 'sending'),
      'every message to leave the queue',
      60_000,
    );
    expect((await statuses()).filter((status) => status === 'failed')).toEqual([]);
  });

  it('refuses malformed input with 400 and what WhatsApp refuses with its 4xx', async () => {
    expect((await call('GET', '/groups/not-a-group')).status).toBe(400);
    expect((await call('GET', '/groups/15551234567@s.whatsapp.net')).status).toBe(400);
    expect((await call('POST', '/groups', { subject: ' ', participants: [BEN] })).status).toBe(400);
    expect((await call('POST', '/groups', { subject: 'No one', participants: [] })).status).toBe(400);
    expect((await call('POST', '/groups', { subject: 'Bad', participants: ['alice'] })).status).toBe(400);
    expect((await call('POST', '/groups/join', { invite: 'https://example.com/x' })).status).toBe(400);

    const { jid } = await wago.sim.createGroup({ subject: 'Ana’s rules', participants: [ANA, GATEWAY] });
    expect((await call('PATCH', `/groups/${jid}`, {})).status).toBe(400);
    expect((await call('POST', `/groups/${jid}/participants`, { add: [BEN], remove: [ANA] })).status).toBe(400);
    const notAdmin = await call('PATCH', `/groups/${jid}`, { announce: true });
    expect(notAdmin.status).toBe(403);
    expect(notAdmin.body).toMatchObject({ statusCode: 403 });

    const { jid: elsewhere } = await wago.sim.createGroup({ subject: 'Not ours', participants: [BEN, CAROL] });
    expect((await call('GET', `/groups/${elsewhere}`)).status).toBe(403);
    expect((await call('GET', '/groups/120363999999999999@g.us')).status).toBe(404);
  });
});
