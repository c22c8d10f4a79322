import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { GroupCommit } from '../../core/runtime/group-commit';

/** One write to a session's key store: a value (JSON text) to upsert, or null to delete the key. */
export interface AuthKeyWrite {
  type: string;
  keyId: string;
  json: string | null;
}

/** One session's batch of key writes, as Baileys asked for it. */
interface SessionKeyWrites {
  sessionId: string;
  writes: AuthKeyWrite[];
}

/** All I/O of the WhatsApp auth state: opaque JSON documents per session, written atomically. */
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

  async writeCreds(sessionId: string, json: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO whatsapp_auth_creds (session_id, creds, updated_at) VALUES ($1, $2::jsonb, now())
       ON CONFLICT (session_id) DO UPDATE SET creds = EXCLUDED.creds, updated_at = now()`,
      [sessionId, json],
    );
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
  async writeKeys(sessionId: string, writes: AuthKeyWrite[]): Promise<void> {
    if (writes.length === 0) return;
    await this.keyWrites.write({ sessionId, writes });
  }

  /**
   * Several sessions' batches in one statement, applied in order: a key's last write in them wins. One statement is
   * atomic on its own, so this costs one round trip instead of a transaction's four: it runs for nearly every
   * message. The removed keys and the written ones are distinct, so the two parts never touch the same row.
   */
  private async writeKeyBatches(batches: SessionKeyWrites[]): Promise<void> {
    const last = new Map<string, { sessionId: string; write: AuthKeyWrite }>();
    for (const { sessionId, writes } of batches) {
      for (const write of writes) last.set(JSON.stringify([sessionId, write.type, write.keyId]), { sessionId, write });
    }
    const upserts = [...last.values()].filter(({ write }) => write.json !== null);
    const deletes = [...last.values()].filter(({ write }) => write.json === null);
    await this.dataSource.query(
      `WITH removed AS (
         DELETE FROM whatsapp_auth_keys
          WHERE (session_id, type, key_id) IN (SELECT * FROM unnest($5::uuid[], $6::text[], $7::text[])))
       INSERT INTO whatsapp_auth_keys (session_id, type, key_id, value)
       SELECT batch.session_id, batch.type, batch.key_id, batch.value::jsonb
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) AS batch(session_id, type, key_id, value)
       ON CONFLICT (session_id, type, key_id) DO UPDATE SET value = EXCLUDED.value`,
      [
        upserts.map(({ sessionId }) => sessionId),
        upserts.map(({ write }) => write.type),
        upserts.map(({ write }) => write.keyId),
        upserts.map(({ write }) => write.json),
        deletes.map(({ sessionId }) => sessionId),
        deletes.map(({ write }) => write.type),
        deletes.map(({ write }) => write.keyId),
      ],
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
