import pino from 'pino';
import type { DataSource } from 'typeorm';
import type { AuthenticationCreds } from '@whiskeysockets/baileys';
import { AuthStateRepository } from '../../src/whatsapp/baileys/auth-state.repository';
import { Baileys, loadBaileys } from '../../src/whatsapp/baileys/baileys';
import { PostgresAuthState, usePostgresAuthState } from '../../src/whatsapp/baileys/postgres-auth-state';
import { createTestDatabase, TestDatabase } from '../support/database';
import { FRESH_LEASE_EPOCH, insertSession } from '../support/session-rows';

const logger = pino({ level: 'silent' });

describe('WhatsApp auth state in Postgres', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let repository: AuthStateRepository;
  let baileys: Baileys;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await database.dataSource();
    repository = new AuthStateRepository(dataSource);
    baileys = await loadBaileys();
  });

  afterAll(async () => {
    await database?.drop();
  });

  const createSession = (): Promise<string> => insertSession(dataSource);

  function open(sessionId: string, cacheSize = 100): Promise<PostgresAuthState> {
    return usePostgresAuthState(baileys, repository, sessionId, {
      cacheSize,
      logger,
      leaseEpoch: FRESH_LEASE_EPOCH,
      onOwnedElsewhere: () => undefined,
    });
  }

  async function keyCount(sessionId: string): Promise<number> {
    const rows = await dataSource.query<{ count: string }[]>(
      `SELECT count(*) AS count FROM whatsapp_auth_keys WHERE session_id = $1`,
      [sessionId],
    );
    return Number(rows[0].count);
  }

  async function credsCount(sessionId: string): Promise<number> {
    const rows = await dataSource.query<{ count: string }[]>(
      `SELECT count(*) AS count FROM whatsapp_auth_creds WHERE session_id = $1`,
      [sessionId],
    );
    return Number(rows[0].count);
  }

  /** Creds as a paired device has them: pair-success adds the signed account and the own JID. */
  function pairedCreds(creds: AuthenticationCreds): void {
    creds.me = { id: '15551234567:3@s.whatsapp.net', lid: '99887766:3@lid', name: 'Alice' };
    creds.account = {
      details: Buffer.from('details'),
      accountSignatureKey: Buffer.alloc(32, 1),
      accountSignature: Buffer.alloc(64, 2),
      deviceSignature: Buffer.alloc(64, 3),
    };
    creds.registered = true;
  }

  it('starts an unknown session with fresh, unpaired creds and writes nothing until asked', async () => {
    const sessionId = await createSession();
    const auth = await open(sessionId);
    expect(auth.paired).toBe(false);
    expect(auth.state.creds.noiseKey.public).toHaveLength(32);
    expect(await credsCount(sessionId)).toBe(0);
  });

  it('saves creds with every binary field intact and logs in with them next time', async () => {
    const sessionId = await createSession();
    const first = await open(sessionId);
    pairedCreds(first.state.creds);
    first.saveCreds();
    await first.flush();

    const second = await open(sessionId);
    expect(second.paired).toBe(true);
    const { creds } = second.state;
    expect(Buffer.isBuffer(creds.noiseKey.private)).toBe(true);
    expect(Buffer.from(creds.noiseKey.private)).toEqual(Buffer.from(first.state.creds.noiseKey.private));
    expect(Buffer.from(creds.signedPreKey.signature)).toEqual(Buffer.from(first.state.creds.signedPreKey.signature));
    expect(creds.registrationId).toBe(first.state.creds.registrationId);
    expect(creds.me).toEqual({ id: '15551234567:3@s.whatsapp.net', lid: '99887766:3@lid', name: 'Alice' });
    expect(Buffer.from(creds.account?.accountSignature as Uint8Array)).toEqual(Buffer.alloc(64, 2));
  });

  it('collapses a burst of creds updates into few writes and keeps the latest', async () => {
    const sessionId = await createSession();
    const auth = await open(sessionId);
    pairedCreds(auth.state.creds);
    const writes = jest.spyOn(repository, 'writeCreds');
    try {
      for (let id = 1; id <= 20; id++) {
        auth.state.creds.nextPreKeyId = id;
        auth.saveCreds();
      }
      await auth.flush();
      expect(writes.mock.calls.length).toBeLessThanOrEqual(2);
    } finally {
      writes.mockRestore();
    }
    expect((await open(sessionId)).state.creds.nextPreKeyId).toBe(20);
  });

  it('treats creds that never finished pairing as no creds at all', async () => {
    const sessionId = await createSession();
    const first = await open(sessionId);
    // What requestPairingCode leaves behind: an own JID but no signed account.
    first.state.creds.me = { id: '15551234567@s.whatsapp.net', name: '~' };
    first.saveCreds();
    await first.flush();

    const second = await open(sessionId);
    expect(second.paired).toBe(false);
    expect(second.state.creds.me).toBeUndefined();
    expect(Buffer.from(second.state.creds.noiseKey.public)).not.toEqual(Buffer.from(first.state.creds.noiseKey.public));
  });

  it('stores and reads back every Signal key type', async () => {
    const sessionId = await createSession();
    const { Curve, proto } = baileys;
    const auth = await open(sessionId);
    const preKey = Curve.generateKeyPair();
    const appStateKey = proto.Message.AppStateSyncKeyData.fromObject({
      keyData: Buffer.alloc(32, 7),
      fingerprint: { rawId: 1, currentIndex: 2, deviceIndexes: [0, 3] },
      timestamp: 1700000000,
    });
    await auth.state.keys.set({
      'pre-key': { '1': preKey },
      session: { '15551234567.0': new Uint8Array([1, 2, 3]) },
      'sender-key': { '123@g.us::15551234567::0': new Uint8Array([4, 5]) },
      'sender-key-memory': { '123@g.us': { '15551234567:0@s.whatsapp.net': true } },
      'app-state-sync-key': { AAAAAQ: appStateKey },
      'app-state-sync-version': {
        regular: { version: 3, hash: Buffer.alloc(128, 9), indexValueMap: { abc: { valueMac: Buffer.from([8]) } } },
      },
      'lid-mapping': { '15551234567': '99887766', '99887766_reverse': '15551234567' },
      'device-list': { '15551234567': ['0', '3'] },
      tctoken: { '15551234567@s.whatsapp.net': { token: Buffer.from('token'), timestamp: '1700000000' } },
      'identity-key': { '15551234567.0': new Uint8Array(33).fill(5) },
    });
    expect(await keyCount(sessionId)).toBe(11);

    // A second state has an empty cache: everything below comes from Postgres.
    const { keys } = (await open(sessionId)).state;
    const preKeys = await keys.get('pre-key', ['1', '2']);
    expect(Object.keys(preKeys)).toEqual(['1']);
    expect(Buffer.from(preKeys['1'].private)).toEqual(Buffer.from(preKey.private));
    expect(Buffer.from((await keys.get('session', ['15551234567.0']))['15551234567.0'])).toEqual(
      Buffer.from([1, 2, 3]),
    );
    expect(
      Buffer.from((await keys.get('sender-key', ['123@g.us::15551234567::0']))['123@g.us::15551234567::0']),
    ).toEqual(Buffer.from([4, 5]));
    expect(await keys.get('sender-key-memory', ['123@g.us'])).toEqual({
      '123@g.us': { '15551234567:0@s.whatsapp.net': true },
    });
    const syncKey = (await keys.get('app-state-sync-key', ['AAAAAQ'])).AAAAAQ;
    expect(syncKey).toBeInstanceOf(proto.Message.AppStateSyncKeyData);
    expect(Buffer.from(syncKey.keyData as Uint8Array)).toEqual(Buffer.alloc(32, 7));
    expect(syncKey.fingerprint?.deviceIndexes).toEqual([0, 3]);
    const version = (await keys.get('app-state-sync-version', ['regular'])).regular;
    expect(version.version).toBe(3);
    expect(Buffer.from(version.hash)).toEqual(Buffer.alloc(128, 9));
    expect(Buffer.from(version.indexValueMap.abc.valueMac)).toEqual(Buffer.from([8]));
    expect(await keys.get('lid-mapping', ['15551234567', '99887766_reverse'])).toEqual({
      '15551234567': '99887766',
      '99887766_reverse': '15551234567',
    });
    expect(await keys.get('device-list', ['15551234567'])).toEqual({ '15551234567': ['0', '3'] });
    const token = (await keys.get('tctoken', ['15551234567@s.whatsapp.net']))['15551234567@s.whatsapp.net'];
    expect(token.token.toString()).toBe('token');
    expect(Buffer.from((await keys.get('identity-key', ['15551234567.0']))['15551234567.0'])).toEqual(
      Buffer.alloc(33, 5),
    );
  });

  it('deletes the keys a batch sets to null', async () => {
    const sessionId = await createSession();
    const { keys } = (await open(sessionId)).state;
    await keys.set({ 'pre-key': { '1': baileys.Curve.generateKeyPair(), '2': baileys.Curve.generateKeyPair() } });
    await keys.set({ 'pre-key': { '1': null } });
    expect(await keyCount(sessionId)).toBe(1);
    expect(Object.keys(await (await open(sessionId)).state.keys.get('pre-key', ['1', '2']))).toEqual(['2']);
  });

  it('writes a batch of keys as one: a failing key leaves none of the batch behind, its deletions included', async () => {
    const sessionId = await createSession();
    await repository.writeKeys(
      sessionId,
      [{ type: 'session', keyId: 'kept.0', json: '{"type":"Buffer","data":"AQ=="}' }],
      FRESH_LEASE_EPOCH,
    );
    const writes = [
      { type: 'session', keyId: 'kept.0', json: null },
      { type: 'session', keyId: 'fine.0', json: '{"type":"Buffer","data":"AQ=="}' },
      { type: 'session', keyId: 'x'.repeat(300), json: '{"type":"Buffer","data":"AQ=="}' },
    ];
    await expect(repository.writeKeys(sessionId, writes, FRESH_LEASE_EPOCH)).rejects.toThrow();
    expect(await keyCount(sessionId)).toBe(1);
  });

  it('sets some keys and deletes others in one batch', async () => {
    const sessionId = await createSession();
    await repository.writeKeys(
      sessionId,
      [{ type: 'session', keyId: 'old.0', json: '{"type":"Buffer","data":"AQ=="}' }],
      FRESH_LEASE_EPOCH,
    );
    await repository.writeKeys(
      sessionId,
      [
        { type: 'session', keyId: 'old.0', json: null },
        { type: 'session', keyId: 'new.0', json: '{"type":"Buffer","data":"Ag=="}' },
      ],
      FRESH_LEASE_EPOCH,
    );
    const keys = await (await open(sessionId)).state.keys.get('session', ['old.0', 'new.0']);
    expect(Object.keys(keys)).toEqual(['new.0']);
  });

  it('writes many sessions’ batches at once, each session’s in order, and fails only the batch that cannot be written', async () => {
    const sessions = await Promise.all(Array.from({ length: 6 }, () => createSession()));
    const value = (n: number): string => JSON.stringify({ n });
    // Issued together, as a burst of incoming messages would: they queue behind each other and share transactions.
    const outcomes = await Promise.allSettled(
      sessions.flatMap((sessionId, index) => [
        repository.writeKeys(sessionId, [{ type: 'session', keyId: 'a.0', json: value(1) }], FRESH_LEASE_EPOCH),
        repository.writeKeys(
          sessionId,
          [
            { type: 'session', keyId: 'a.0', json: value(2) },
            { type: 'pre-key', keyId: '1', json: value(index) },
          ],
          FRESH_LEASE_EPOCH,
        ),
        repository.writeKeys(sessionId, [{ type: 'pre-key', keyId: '1', json: null }], FRESH_LEASE_EPOCH),
        // Too long a key id: Postgres refuses it, and only this batch.
        ...(index === 2
          ? [
              repository.writeKeys(
                sessionId,
                [{ type: 'session', keyId: 'x'.repeat(300), json: '1' }],
                FRESH_LEASE_EPOCH,
              ),
            ]
          : []),
      ]),
    );
    expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toHaveLength(1);
    const rows = await dataSource.query<{ session_id: string; type: string; key_id: string; value: { n: number } }[]>(
      `SELECT session_id, type, key_id, value FROM whatsapp_auth_keys WHERE session_id = ANY($1::uuid[])`,
      [sessions],
    );
    // Each session ends with its last writes: a.0 = 2, and pre-key 1 deleted after it was set.
    expect(rows.map((row) => [row.session_id, row.type, row.key_id, row.value.n]).sort()).toEqual(
      sessions.map((sessionId) => [sessionId, 'session', 'a.0', 2]).sort(),
    );
  });

  it('forgets the keys of a failed write, so it serves what Postgres holds rather than a rolled-back change', async () => {
    const sessionId = await createSession();
    const { keys } = (await open(sessionId)).state;
    await keys.set({ session: { 'a.0': new Uint8Array([1]) } });
    const failing = { 'a.0': new Uint8Array([2]), ['x'.repeat(300)]: new Uint8Array([3]) };
    await expect(keys.set({ session: failing })).rejects.toThrow();
    const { 'a.0': session } = await keys.get('session', ['a.0']);
    expect([...session]).toEqual([1]);
  });

  it('serves repeated reads from its cache instead of the database', async () => {
    const sessionId = await createSession();
    const { keys } = (await open(sessionId)).state;
    await keys.set({ session: { 'a.0': new Uint8Array([1]) } });
    const { keys: fresh } = (await open(sessionId)).state;
    const reads = jest.spyOn(repository, 'readKeys');
    try {
      for (let attempt = 0; attempt < 5; attempt++) await fresh.get('session', ['a.0']);
      expect(reads).toHaveBeenCalledTimes(1);
    } finally {
      reads.mockRestore();
    }
  });

  it('keeps at most the configured number of keys in memory', async () => {
    const sessionId = await createSession();
    const { keys } = (await open(sessionId, 2)).state;
    await keys.set({ session: { 'a.0': new Uint8Array([1]), 'b.0': new Uint8Array([2]), 'c.0': new Uint8Array([3]) } });
    const reads = jest.spyOn(repository, 'readKeys');
    try {
      expect(Object.keys(await keys.get('session', ['a.0', 'b.0', 'c.0'])).sort()).toEqual(['a.0', 'b.0', 'c.0']);
      expect(reads).toHaveBeenCalledWith(sessionId, 'session', ['a.0']);
    } finally {
      reads.mockRestore();
    }
  });

  it('writes pending creds when closed, and nothing after', async () => {
    const sessionId = await createSession();
    const auth = await open(sessionId);
    pairedCreds(auth.state.creds);
    auth.saveCreds();
    await auth.close();
    expect(await credsCount(sessionId)).toBe(1);
    auth.state.creds.nextPreKeyId = 999;
    auth.saveCreds();
    await auth.flush();
    await auth.state.keys.set({ session: { 'late.0': new Uint8Array([1]) } });
    expect((await open(sessionId)).state.creds.nextPreKeyId).not.toBe(999);
    expect(await keyCount(sessionId)).toBe(0);
  });

  it('writes nothing once discarded, so a late event cannot bring wiped creds back', async () => {
    const sessionId = await createSession();
    const auth = await open(sessionId);
    await auth.discard();
    auth.saveCreds();
    await auth.flush();
    await auth.state.keys.set({ session: { 'late.0': new Uint8Array([1]) } });
    expect(await credsCount(sessionId)).toBe(0);
    expect(await keyCount(sessionId)).toBe(0);
  });

  it('lets a key write under way finish before a discard returns, so the wipe after it is final', async () => {
    const sessionId = await createSession();
    const auth = await open(sessionId);
    const preKeys = Object.fromEntries(
      Array.from({ length: 300 }, (_, index) => [String(index + 1), baileys.Curve.generateKeyPair()]),
    );
    const writing = auth.state.keys.set({ 'pre-key': preKeys });
    await auth.discard();
    await repository.wipe(sessionId);
    await writing;
    expect(await keyCount(sessionId)).toBe(0);
  });

  it('wipes the creds and every key of one session, and only that session', async () => {
    const [sessionId, otherId] = [await createSession(), await createSession()];
    for (const id of [sessionId, otherId]) {
      const auth = await open(id);
      auth.saveCreds();
      await auth.flush();
      await auth.state.keys.set({
        session: { 'a.0': new Uint8Array([1]) },
        'pre-key': { '1': baileys.Curve.generateKeyPair() },
      });
    }
    await repository.wipe(sessionId);
    expect([await credsCount(sessionId), await keyCount(sessionId)]).toEqual([0, 0]);
    expect([await credsCount(otherId), await keyCount(otherId)]).toEqual([1, 2]);
  });

  it('removes the creds and keys with the session record', async () => {
    const sessionId = await createSession();
    const auth = await open(sessionId);
    auth.saveCreds();
    await auth.flush();
    await auth.state.keys.set({ session: { 'a.0': new Uint8Array([1]) } });
    await dataSource.query(`DELETE FROM sessions WHERE id = $1`, [sessionId]);
    expect([await credsCount(sessionId), await keyCount(sessionId)]).toEqual([0, 0]);
  });
});
