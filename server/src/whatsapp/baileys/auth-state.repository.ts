import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BatchOutcome, GroupCommit } from '../../core/runtime/group-commit';
import { SessionOwnedElsewhereError } from '../whatsapp.errors';

/** One write to a session's key store: a value (JSON text) to upsert, or null to delete the key. */
export interface AuthKeyWrite {
  type: string;
  keyId: string;
  json: string | null;
}

/**
 * The lease epoch a connection's writes are fenced with (SessionLeaseRepository): a write is applied only while it is
 * still the session's. Null for a write that needs no fence (the brief connection of a logout, wiped right after).
 */
export type LeaseEpoch = number | null;

/** One session's batch of key writes, as Baileys asked for it. */
interface SessionKeyWrites {
  sessionId: string;
  leaseEpoch: LeaseEpoch;
  writes: AuthKeyWrite[];
}

/**
 * All I/O of the WhatsApp auth state: opaque JSON documents per session, written atomically. Writes are fenced by
 * the writer's lease epoch and fail with SessionOwnedElsewhereError once another node took the session: a node that
 * lost its lease without noticing yet cannot overwrite the new owner's credentials. The fence holds the session row
 * (FOR SHARE) until the write commits, so a node taking the lease waits for it and then reads what it wrote.
 */
@Injectable()
export class AuthStateRepository {
  /**
   * Every incoming message writes its session's Signal keys: under load, the batches of all sessions that queue
   * behind one transaction go together into the next (each batch stays atomic: it is inside one transaction), in
   * the order they were asked for. One transaction at a time: with four side by side (measured with bench:ingest)
   * batches were smaller, transactions more numerous and latency higher.
   */
  private readonly keyWrites = new GroupCommit<SessionKeyWrites>((batches) => this.writeKeyBatches(batches));

  constructor(private readonly dataSource: DataSource) {}

  async readCreds(sessionId: string): Promise<string | null> {
    const rows = await this.dataSource.query<{ creds: string }[]>(
      `SELECT creds::text AS creds FROM whatsapp_auth_creds WHERE session_id = $1`,
      [sessionId],
    );
    return rows[0]?.creds ?? null;
  }

  async writeCreds(sessionId: string, json: string, leaseEpoch: LeaseEpoch): Promise<void> {
    const written = await this.dataSource.query<unknown[]>(
      `INSERT INTO whatsapp_auth_creds (session_id, creds, updated_at)
       SELECT id, $2::jsonb, now() FROM sessions
        WHERE id = $1 AND ($3::integer IS NULL OR lease_epoch = $3)
          FOR SHARE
       ON CONFLICT (session_id) DO UPDATE SET creds = EXCLUDED.creds, updated_at = now()
       RETURNING session_id`,
      [sessionId, json, leaseEpoch],
    );
    if (written.length === 0) throw new SessionOwnedElsewhereError(sessionId);
  }

  /** The stored values (JSON text) of the requested keys; missing keys are absent from the map. */
  async readKeys(sessionId: string, type: string, keyIds: string[]): Promise<Map<string, string>> {
    if (keyIds.length === 0) return new Map();
    const rows = await this.dataSource.query<{ key_id: string; value: string }[]>(
      `SELECT key_id, value::text AS value FROM whatsapp_auth_keys
       WHERE session_id = $1 AND type = $2 AND key_id = ANY($3::text[])`,
      [sessionId, type, keyIds],
    );
    return new Map(rows.map((row) => [row.key_id, row.value]));
  }

  /** Applies a batch of key writes in one transaction: all of them or none. */
  async writeKeys(sessionId: string, writes: AuthKeyWrite[], leaseEpoch: LeaseEpoch): Promise<void> {
    if (writes.length === 0) return;
    await this.keyWrites.write({ sessionId, leaseEpoch, writes });
  }

  /**
   * Several sessions' batches in one statement, applied in order: a key's last write in them wins. One statement is
   * atomic on its own, so this costs one round trip instead of a transaction's four: it runs for nearly every
   * message. The removed keys and the written ones are distinct, so the two parts never touch the same row. A
   * session whose fence does not hold has none of its writes applied, and its batches are refused.
   */
  private async writeKeyBatches(batches: SessionKeyWrites[]): Promise<BatchOutcome> {
    const last = new Map<string, { sessionId: string; write: AuthKeyWrite }>();
    const fences = new Map<string, LeaseEpoch>();
    for (const { sessionId, leaseEpoch, writes } of batches) {
      fences.set(sessionId, leaseEpoch);
      for (const write of writes) last.set(JSON.stringify([sessionId, write.type, write.keyId]), { sessionId, write });
    }
    const upserts = [...last.values()].filter(({ write }) => write.json !== null);
    const deletes = [...last.values()].filter(({ write }) => write.json === null);
    const rows = await this.dataSource.query<{ session_id: string }[]>(
      `WITH owned AS (
         SELECT session.id FROM sessions AS session
           JOIN unnest($8::uuid[], $9::integer[]) AS fence(session_id, lease_epoch)
             ON session.id = fence.session_id AND (fence.lease_epoch IS NULL OR session.lease_epoch = fence.lease_epoch)
          ORDER BY session.id
            FOR SHARE OF session),
       removed AS (
         DELETE FROM whatsapp_auth_keys
          WHERE (session_id, type, key_id) IN (SELECT * FROM unnest($5::uuid[], $6::text[], $7::text[]))
            AND session_id IN (SELECT id FROM owned)),
       written AS (
         INSERT INTO whatsapp_auth_keys (session_id, type, key_id, value)
         SELECT batch.session_id, batch.type, batch.key_id, batch.value::jsonb
           FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) AS batch(session_id, type, key_id, value)
          WHERE batch.session_id IN (SELECT id FROM owned)
         ON CONFLICT (session_id, type, key_id) DO UPDATE SET value = EXCLUDED.value)
       SELECT id AS session_id FROM owned`,
      [
        upserts.map(({ sessionId }) => sessionId),
        upserts.map(({ write }) => write.type),
        upserts.map(({ write }) => write.keyId),
        upserts.map(({ write }) => write.json),
        deletes.map(({ sessionId }) => sessionId),
        deletes.map(({ write }) => write.type),
        deletes.map(({ write }) => write.keyId),
        [...fences.keys()],
        [...fences.values()],
      ],
    );
    const owned = new Set(rows.map((row) => row.session_id));
    return batches.map(({ sessionId }) =>
      owned.has(sessionId) ? undefined : new SessionOwnedElsewhereError(sessionId),
    );
  }

  /** Removes the creds and every key of a session in one transaction. */
  async wipe(sessionId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query(`DELETE FROM whatsapp_auth_keys WHERE session_id = $1`, [sessionId]);
      await manager.query(`DELETE FROM whatsapp_auth_creds WHERE session_id = $1`, [sessionId]);
    });
  }
}
