import type { ApiClient } from '../support/api-client';
import { PairedSession, pairSession, poll } from '../support/paired-session';
import { startWagoInProcess, WagoInProcess } from '../support/wago-in-process';

interface NumberCheck {
  phoneNumber: string;
  exists: boolean;
  jid: string | null;
  lid: string | null;
}

interface Contact {
  pn: string | null;
  lid: string | null;
  pushName: string | null;
  verifiedName: string | null;
  profilePictureUrl: string | null;
  blocked: boolean;
  updatedAt: string;
}

/** Contacts and identities through the HTTP API, on a real Postgres, against the simulator. */
describe('contacts', () => {
  const GATEWAY = '15550710000';
  const ALICE = '15550710001';
  const BOB = '15550710002';
  const CAROL = '15550710003';
  const NOBODY = '15550719999';
  let wago: WagoInProcess;
  let api: ApiClient;
  let token: string;
  let session: PairedSession;
  const lids: Record<string, string> = {};

  const jidOf = (phoneNumber: string): string => `${phoneNumber}@s.whatsapp.net`;
  const contacts = (path = ''): string => `/sessions/${session.id}/contacts${path}`;
  const numberChecks = async (): Promise<{ phoneNumbers: string[] }[]> =>
    (await wago.sim.control('GET', `/control/accounts/${GATEWAY}/number-checks`)).body as { phoneNumbers: string[] }[];

  beforeAll(async () => {
    wago = await startWagoInProcess();
    api = wago.api;
    token = wago.admin.accessToken;
    for (const [phoneNumber, pushName] of [
      [ALICE, 'Alice'],
      [BOB, 'Bob Builder'],
      [CAROL, 'Carol'],
    ]) {
      lids[phoneNumber] = wago.sim.createAccount({ phoneNumber, pushName }).lid;
    }
    session = await pairSession(api, token, wago.sim, { name: 'contacts', phoneNumber: GATEWAY, pushName: 'Gateway' });
  });

  afterAll(async () => {
    await wago?.stop();
  });

  it('checks numbers in one WhatsApp query, then answers them from the cache without asking again', async () => {
    const before = (await numberChecks()).length;
    const first = await api.call<{ items: NumberCheck[] }>('POST', contacts('/check'), {
      token,
      body: { phoneNumbers: ['+1 555-071-0001', NOBODY] },
    });
    expect(first.status).toBe(200);
    expect(first.body.items).toEqual([
      { phoneNumber: ALICE, exists: true, jid: jidOf(ALICE), lid: lids[ALICE] },
      { phoneNumber: NOBODY, exists: false, jid: null, lid: null },
    ]);
    expect((await numberChecks()).slice(before)).toEqual([{ phoneNumbers: [ALICE, NOBODY], at: expect.any(String) }]);

    const again = await api.call<{ items: NumberCheck[] }>('POST', contacts('/check'), {
      token,
      body: { phoneNumbers: [NOBODY, ALICE] },
    });
    expect(again.body.items.map((item) => [item.phoneNumber, item.exists])).toEqual([
      [NOBODY, false],
      [ALICE, true],
    ]);
    expect((await numberChecks()).length).toBe(before + 1);

    const mixed = await api.call<{ items: NumberCheck[] }>('POST', contacts('/check'), {
      token,
      body: { phoneNumbers: [ALICE, CAROL] },
    });
    expect(mixed.body.items[1]).toEqual({ phoneNumber: CAROL, exists: true, jid: jidOf(CAROL), lid: lids[CAROL] });
    expect((await numberChecks()).slice(before + 1).map((check) => check.phoneNumbers)).toEqual([[CAROL]]);
  });

  it('asks WhatsApp whether a send’s number exists once, then trusts the yes; a no is asked again', async () => {
    const DAVE = '15550710004';
    wago.sim.createAccount({ phoneNumber: DAVE, pushName: 'Dave' });
    const checksOf = async (phoneNumber: string): Promise<number> =>
      (await numberChecks()).filter((check) => check.phoneNumbers.includes(phoneNumber)).length;
    const send = (to: string) =>
      api.call('POST', `/sessions/${session.id}/messages`, { token, body: { to, text: `hello ${to}` } });
    expect((await send(DAVE)).status).toBe(201);
    expect((await send(DAVE)).status).toBe(201);
    expect(await checksOf(DAVE)).toBe(1);
    const NOT_YET = '15550710005';
    expect((await send(NOT_YET)).status).toBe(422);
    expect((await send(NOT_YET)).status).toBe(422);
    expect(await checksOf(NOT_YET)).toBe(2);
  });

  it('knows a checked number under its LID too', async () => {
    const byLid = await api.call<Contact>('GET', contacts(`/${lids[ALICE]}`), { token });
    expect(byLid.status).toBe(200);
    expect(byLid.body).toMatchObject({ pn: jidOf(ALICE), lid: lids[ALICE], blocked: false });
  });

  it('resolves a sender that wrote from its LID only to its phone number, with name and picture', async () => {
    const picture = await wago.sim.control('PUT', `/control/accounts/${BOB}/picture`, {
      data: Buffer.from('a picture of Bob').toString('base64'),
    });
    await wago.sim.sendMessage(BOB, { to: GATEWAY, text: 'hi from my LID', senderAddressing: 'lid' });

    const found = await poll(
      () => api.call<Contact>('GET', contacts(`/${lids[BOB]}`), { token }),
      (answer) => answer.status === 200,
      'Bob’s contact',
    );
    expect(found.body).toEqual({
      pn: jidOf(BOB),
      lid: lids[BOB],
      pushName: 'Bob Builder',
      verifiedName: null,
      profilePictureUrl: (picture.body as { url: string }).url,
      blocked: false,
      updatedAt: expect.any(String),
    });
    const byNumber = await api.call<Contact>('GET', contacts(`/${BOB}`), { token });
    expect(byNumber.body).toMatchObject({ pn: jidOf(BOB), lid: lids[BOB] });
  });

  it('lists contacts and searches them by name and by number', async () => {
    const all = await api.call<{ items: Contact[]; total: number }>('GET', contacts(), { token });
    expect(all.status).toBe(200);
    expect(all.body.items.map((contact) => contact.pn)).toEqual(
      expect.arrayContaining([jidOf(ALICE), jidOf(BOB), jidOf(CAROL)]),
    );
    expect(all.body.total).toBe(all.body.items.length);

    const byName = await api.call<{ items: Contact[]; total: number }>('GET', contacts('?q=builder'), { token });
    expect(byName.body).toEqual({ items: [expect.objectContaining({ pn: jidOf(BOB) })], total: 1 });

    const byNumber = await api.call<{ items: Contact[]; total: number }>('GET', contacts(`?q=${CAROL.slice(-6)}`), {
      token,
    });
    expect(byNumber.body.items.map((contact) => contact.pn)).toEqual([jidOf(CAROL)]);

    const page = await api.call<{ items: Contact[]; total: number }>('GET', contacts('?limit=1&offset=1'), { token });
    expect(page.body.items).toHaveLength(1);
    expect(page.body.total).toBe(all.body.total);
  });

  it('blocks and unblocks by LID or by number, as WhatsApp’s blocklist shows', async () => {
    const blocklist = async (): Promise<string[]> =>
      ((await wago.sim.control('GET', `/control/accounts/${GATEWAY}/blocklist`)).body as { lid: string }[]).map(
        (entry) => entry.lid,
      );

    expect((await api.call('POST', contacts(`/${lids[ALICE]}/block`), { token })).status).toBe(204);
    expect((await api.call('POST', contacts(`/${jidOf(CAROL)}/block`), { token })).status).toBe(204);
    expect(await blocklist()).toEqual(expect.arrayContaining([lids[ALICE], lids[CAROL]]));
    expect((await api.call<Contact>('GET', contacts(`/${ALICE}`), { token })).body.blocked).toBe(true);

    expect((await api.call('POST', contacts(`/${jidOf(ALICE)}/unblock`), { token })).status).toBe(204);
    expect((await api.call('POST', contacts(`/${lids[CAROL]}/unblock`), { token })).status).toBe(204);
    expect(await blocklist()).toEqual([]);
    expect((await api.call<Contact>('GET', contacts(`/${lids[ALICE]}`), { token })).body.blocked).toBe(false);

    // Blocked on the phone: WhatsApp tells every linked device, and the contact shows it.
    expect((await wago.sim.control('PUT', `/control/accounts/${GATEWAY}/blocklist/${ALICE}`)).status).toBe(204);
    await poll(
      () => api.call<Contact>('GET', contacts(`/${ALICE}`), { token }),
      (answer) => answer.body.blocked,
      'the block made on the phone',
    );
    expect((await wago.sim.control('DELETE', `/control/accounts/${GATEWAY}/blocklist/${ALICE}`)).status).toBe(204);
    await poll(
      () => api.call<Contact>('GET', contacts(`/${lids[ALICE]}`), { token }),
      (answer) => !answer.body.blocked,
      'the unblock made on the phone',
    );
  });

  it('answers a send with both identities, whether it was addressed by number or by LID, in the same chat', async () => {
    const byNumber = await api.call<{ id: string; to: unknown }>('POST', `/sessions/${session.id}/messages`, {
      token,
      body: { to: ALICE, text: 'by number' },
    });
    const byLid = await api.call<{ id: string; to: unknown }>('POST', `/sessions/${session.id}/messages`, {
      token,
      body: { to: lids[ALICE], text: 'by LID' },
    });
    expect(byNumber.status).toBe(201);
    expect(byLid.status).toBe(201);
    expect(byNumber.body.to).toEqual({ pn: jidOf(ALICE), lid: lids[ALICE] });
    expect(byLid.body.to).toEqual({ pn: jidOf(ALICE), lid: lids[ALICE] });

    const inbox = await poll(
      async () => wago.sim.inbox(ALICE),
      (messages) => [byNumber.body.id, byLid.body.id].every((id) => messages.some((message) => message.id === id)),
      'both messages in Alice’s inbox',
    );
    const chats = inbox
      .filter((message) => [byNumber.body.id, byLid.body.id].includes(message.id))
      .map((message) => [message.chat, message.from]);
    expect(chats).toEqual([
      [jidOf(GATEWAY), jidOf(GATEWAY)],
      [jidOf(GATEWAY), jidOf(GATEWAY)],
    ]);
  });

  it('refuses bad input with a 400 and an unknown contact with a 404', async () => {
    const tooMany = Array.from({ length: 51 }, (_, index) => `1555072${String(index).padStart(4, '0')}`);
    expect((await api.call('POST', contacts('/check'), { token, body: { phoneNumbers: tooMany } })).status).toBe(400);
    expect((await api.call('POST', contacts('/check'), { token, body: { phoneNumbers: [] } })).status).toBe(400);
    expect((await api.call('POST', contacts('/check'), { token, body: { phoneNumbers: ['12ab'] } })).status).toBe(400);
    expect((await api.call('POST', contacts('/check'), { token, body: { phoneNumbers: ['123'] } })).status).toBe(400);
    expect((await api.call('GET', contacts('/not-a-jid'), { token })).status).toBe(400);
    expect((await api.call('GET', contacts('?q=%00'), { token })).status).toBe(400);
    expect((await api.call('GET', contacts('?limit=0'), { token })).status).toBe(400);
    const unknown = await api.call('GET', contacts(`/${jidOf(NOBODY)}`), { token });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ statusCode: 404 });
  });
});
