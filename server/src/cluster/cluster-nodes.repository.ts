// The node registry's I/O. Times are the database's, so nodes with drifting clocks still agree on who is alive.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { NodeIdentity } from './node-identity';

/** A node that has not beaten for this long is gone: it owns nothing any more and is no longer listed. */
export const NODE_GONE_AFTER_SECONDS = 15;
/** Rows of gone nodes are kept this long (for a look at what happened), then removed. */
const GONE_ROWS_KEPT_HOURS = 24;

export interface ClusterNodeRow {
  id: string;
  host: string;
  version: string;
  startedAt: Date;
  lastSeenAt: Date;
  sessions: number;
}

@Injectable()
export class ClusterNodesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Registers the node on its first beat; every beat says it is alive and how many sessions it runs. */
  async beat(node: NodeIdentity, sessions: number): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO cluster_nodes (id, host, version, started_at, last_seen_at, sessions)
       VALUES ($1, $2, $3, $4, now(), $5)
       ON CONFLICT (id) DO UPDATE SET last_seen_at = now(), sessions = EXCLUDED.sessions`,
      [node.id, node.host.slice(0, 255), node.version.slice(0, 64), node.startedAt, sessions],
    );
  }

  /** The nodes alive now, oldest first. */
  async live(): Promise<ClusterNodeRow[]> {
    const rows: {
      id: string;
      host: string;
      version: string;
      started_at: Date;
      last_seen_at: Date;
      sessions: number;
    }[] = await this.dataSource.query(
      `SELECT id, host, version, started_at, last_seen_at, sessions FROM cluster_nodes
        WHERE last_seen_at > now() - $1 * interval '1 second'
        ORDER BY started_at, id`,
      [NODE_GONE_AFTER_SECONDS],
    );
    return rows.map((row) => ({
      id: row.id,
      host: row.host,
      version: row.version,
      startedAt: row.started_at,
      lastSeenAt: row.last_seen_at,
      sessions: row.sessions,
    }));
  }

  /** The node stops: it is gone at once rather than after its beats stop counting. */
  async leave(nodeId: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM cluster_nodes WHERE id = $1`, [nodeId]);
  }

  async pruneGone(): Promise<void> {
    await this.dataSource.query(`DELETE FROM cluster_nodes WHERE last_seen_at < now() - $1 * interval '1 hour'`, [
      GONE_ROWS_KEPT_HOURS,
    ]);
  }
}
