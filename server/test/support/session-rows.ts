// Session records for tests below the HTTP API: a session needs an owner, so each gets a throwaway user.
import type { DataSource } from 'typeorm';

export async function insertSession(dataSource: DataSource): Promise<string> {
  const rows = await dataSource.query<{ id: string }[]>(
    `WITH owner AS (
       INSERT INTO users (username, role, pin_hash) VALUES (left(md5(random()::text), 24), 'user', 'unused')
       RETURNING id
     )
     INSERT INTO sessions (owner_id, name) SELECT id, 'test' FROM owner RETURNING id`,
  );
  return rows[0].id;
}

/** The lease epoch of a session row no node has taken the lease of: the fence of a test that takes no lease. */
export const FRESH_LEASE_EPOCH = 0;
