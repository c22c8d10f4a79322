// All message-history I/O: batched inserts, reactions, edits and deletions applied, chats, pages and search.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { MessageType } from '../whatsapp/events';
import { ChatEntity, StoredMessageEntity } from './history.entity';
import type { MessageCursor } from './message-cursor';

/** A message to store: the row without what later events add. */
export type NewStoredMessage = Omit<StoredMessageEntity, 'session' | 'reactions' | 'editedAt' | 'deletedAt' | 'seq'>;

/** The newest message of a chat, its unread count and the best name known for it. */
export interface ChatSummary {
  chat: ChatEntity;
  /** A group's subject or a contact's name, else the name the history noted. */
  name: string | null;
  lastMessage: StoredMessageEntity | null;
  unreadCount: number;
}

export interface MessageFilter {
  /** Full-text query (websearch syntax) over texts and captions. */
  query?: string;
  chatJid?: string;
  /** A sender's JID (PN or LID), or `me` for this account's messages. */
  from?: string;
  type?: MessageType;
  since?: Date;
  until?: Date;
  /** Messages strictly older than this position. */
  before?: MessageCursor;
  limit: number;
}

const MESSAGE_COLUMNS = `
  m.session_id AS "sessionId", m.chat_jid AS "chatJid", m.message_id AS "messageId", m.chat_type AS "chatType",
  m.from_me AS "fromMe", m.sender_pn AS "senderPn", m.sender_lid AS "senderLid", m.push_name AS "pushName",
  m.type, m.unsupported, m.text, m.media, m.location, m.contact, m.mentions,
  m.quoted_message_id AS "quotedMessageId", m.quoted_sender AS "quotedSender", m.reactions,
  m.edited_at AS "editedAt", m.deleted_at AS "deletedAt", m.timestamp, m.seq`;

@Injectable()
export class HistoryRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Stores the messages WhatsApp's key has not seen (redeliveries and history duplicates are dropped) and brings
   * their chats up to date, in one transaction (the caller's, when given).
   */
  async insertAll(messages: NewStoredMessage[], now: Date, transaction?: EntityManager): Promise<void> {
    if (messages.length === 0) return;
    const write = async (manager: EntityManager): Promise<void> => {
      // Oldest first, so the storing order breaks ties between messages of one second as they happened.
      const oldestFirst = [...messages].sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime());
      await manager
        .createQueryBuilder()
        .insert()
        .into(StoredMessageEntity)
        .values(oldestFirst)
        .orIgnore()
        .updateEntity(false)
        .execute();
      await this.upsertChats(manager, chatsOf(messages, now));
    };
    await (transaction ? write(transaction) : this.dataSource.transaction(write));
  }

  /** Sets (or with an empty emoji removes) one user's reaction on a stored message. */
  async react(sessionId: string, chatJid: string, messageId: string, reactor: string, emoji: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE messages SET reactions = CASE WHEN $5 = '' THEN reactions - $4::text ELSE reactions || jsonb_build_object($4::text, $5::text) END
       WHERE session_id = $1 AND chat_jid = $2 AND message_id = $3`,
      [sessionId, chatJid, messageId, reactor, emoji],
    );
  }

  /** The new text (and caption) of an edited message. */
  async edit(sessionId: string, chatJid: string, messageId: string, text: string | null, at: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE messages SET text = $4, edited_at = $5,
         media = CASE WHEN media IS NULL THEN NULL ELSE jsonb_set(media, '{caption}', to_jsonb($4::text)) END
       WHERE session_id = $1 AND chat_jid = $2 AND message_id = $3 AND deleted_at IS NULL`,
      [sessionId, chatJid, messageId, text, at],
    );
  }

  /** A message deleted for everyone keeps its place and who sent it; its content goes. */
  async revoke(sessionId: string, chatJid: string, messageId: string, at: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE messages SET deleted_at = $4, text = NULL, media = NULL, location = NULL, contact = NULL,
         reactions = '{}'
       WHERE session_id = $1 AND chat_jid = $2 AND message_id = $3`,
      [sessionId, chatJid, messageId, at],
    );
  }

  /** Incoming messages of the chat up to `at` count as read. */
  async markRead(sessionId: string, chatJid: string, at: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE chats SET read_at = GREATEST(read_at, $3), updated_at = $3 WHERE session_id = $1 AND jid = $2`,
      [sessionId, chatJid, at],
    );
  }

  /** The session's chats by last activity, newest first, with their newest message and unread count. */
  async chats(sessionId: string, limit: number, offset: number): Promise<{ items: ChatSummary[]; total: number }> {
    const [{ total }] = await this.dataSource.query<{ total: number }[]>(
      `SELECT count(*)::int AS total FROM chats WHERE session_id = $1`,
      [sessionId],
    );
    // The page is chosen first (its newest message breaks ties between chats active in the same second); names and
    // unread counts are looked up for that page only.
    const rows = await this.dataSource.query<ChatRow[]>(
      `WITH page AS (
         SELECT c.*, newest.last, newest.seq FROM chats c
         LEFT JOIN LATERAL (SELECT to_jsonb(last) AS last, last.seq FROM (SELECT ${MESSAGE_COLUMNS}
           FROM messages m WHERE m.session_id = c.session_id AND m.chat_jid = c.jid
           ORDER BY m.timestamp DESC, m.seq DESC LIMIT 1) last) newest ON true
         WHERE c.session_id = $1
         ORDER BY c.last_message_at DESC, newest.seq DESC NULLS LAST, c.jid DESC
         LIMIT $2 OFFSET $3)
       SELECT c.session_id AS "sessionId", c.jid, c.type, c.name AS "storedName",
         c.last_message_at AS "lastMessageAt", c.read_at AS "readAt", c.updated_at AS "updatedAt",
         COALESCE(g.subject, contact.verified_name, contact.push_name, c.name) AS name,
         unread.count AS "unreadCount", c.last
       FROM page c
       LEFT JOIN groups g ON c.type = 'group' AND g.session_id = c.session_id AND g.jid = c.jid
       LEFT JOIN LATERAL (SELECT verified_name, push_name FROM contacts
         WHERE c.type = 'direct' AND session_id = c.session_id AND (pn = c.jid OR lid = c.jid) LIMIT 1) contact ON true
       LEFT JOIN LATERAL (SELECT count(*)::int AS count FROM messages m
         WHERE m.session_id = c.session_id AND m.chat_jid = c.jid AND NOT m.from_me AND m.deleted_at IS NULL
           AND m.timestamp > COALESCE(c.read_at, '-infinity')) unread ON true
       ORDER BY c.last_message_at DESC, c.seq DESC NULLS LAST, c.jid DESC`,
      [sessionId, limit, offset],
    );
    return {
      total,
      items: rows.map((row) => ({
        chat: {
          sessionId: row.sessionId,
          jid: row.jid,
          type: row.type,
          name: row.storedName,
          lastMessageAt: row.lastMessageAt,
          readAt: row.readAt,
          updatedAt: row.updatedAt,
        },
        name: row.name,
        lastMessage: row.last && fromJson(row.last),
        unreadCount: row.unreadCount,
      })),
    };
  }

  /** Messages newest first, filtered, from a position on: one more than `limit` tells whether a next page exists. */
  async messages(sessionId: string, filter: MessageFilter): Promise<StoredMessageEntity[]> {
    const conditions = ['m.session_id = $1'];
    const parameters: unknown[] = [sessionId];
    const bind = (value: unknown): string => {
      parameters.push(value);
      return `$${parameters.length}`;
    };
    if (filter.query !== undefined) {
      conditions.push(
        `to_tsvector('simple', coalesce(m.text, '')) @@ websearch_to_tsquery('simple', ${bind(filter.query)})`,
      );
    }
    if (filter.chatJid !== undefined) conditions.push(`m.chat_jid = ${bind(filter.chatJid)}`);
    if (filter.from === 'me') conditions.push('m.from_me');
    else if (filter.from !== undefined) {
      const from = bind(filter.from);
      conditions.push(`(m.sender_pn = ${from} OR m.sender_lid = ${from})`);
    }
    if (filter.type !== undefined) conditions.push(`m.type = ${bind(filter.type)}`);
    if (filter.since !== undefined) conditions.push(`m.timestamp >= ${bind(filter.since)}`);
    if (filter.until !== undefined) conditions.push(`m.timestamp < ${bind(filter.until)}`);
    if (filter.before !== undefined) {
      const { timestamp, seq } = filter.before;
      conditions.push(`(m.timestamp, m.seq) < (${bind(timestamp)}, ${bind(seq)}::bigint)`);
    }
    const rows = await this.dataSource.query<StoredMessageEntity[]>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE ${conditions.join(' AND ')}
       ORDER BY m.timestamp DESC, m.seq DESC LIMIT ${bind(filter.limit)}`,
      parameters,
    );
    return rows;
  }

  /** Removes messages older than `before`, and the chats left without any. */
  async pruneBefore(before: Date): Promise<number> {
    const [, affected] = await this.dataSource.query<[unknown, number]>(`DELETE FROM messages WHERE timestamp < $1`, [
      before,
    ]);
    await this.dataSource.query(`DELETE FROM chats WHERE last_message_at < $1`, [before]);
    return affected;
  }

  /**
   * One row per chat (Postgres refuses to update a row twice in one statement), in key order so two transactions
   * never wait on each other crosswise. A chat's last activity and read mark only move forward.
   */
  private async upsertChats(manager: EntityManager, chats: ChatEntity[]): Promise<void> {
    if (chats.length === 0) return;
    await manager
      .createQueryBuilder()
      .insert()
      .into(ChatEntity)
      .values(chats)
      .onConflict(
        `("session_id", "jid") DO UPDATE SET
           "last_message_at" = GREATEST(chats.last_message_at, EXCLUDED.last_message_at),
           "read_at" = GREATEST(chats.read_at, EXCLUDED.read_at),
           "name" = COALESCE(EXCLUDED.name, chats.name),
           "updated_at" = EXCLUDED.updated_at`,
      )
      .execute();
  }
}

interface ChatRow {
  sessionId: string;
  jid: string;
  type: 'direct' | 'group';
  storedName: string | null;
  name: string | null;
  lastMessageAt: Date;
  readAt: Date | null;
  updatedAt: Date;
  unreadCount: number;
  last: JsonMessage | null;
}

/** The chats a batch of messages touches: their last activity, the read mark this account's messages set, a name. */
export function chatsOf(messages: NewStoredMessage[], now: Date): ChatEntity[] {
  const chats = new Map<string, ChatEntity>();
  for (const message of messages) {
    const key = `${message.sessionId} ${message.chatJid}`;
    const chat = chats.get(key) ?? {
      sessionId: message.sessionId,
      jid: message.chatJid,
      type: message.chatType,
      name: null,
      lastMessageAt: message.timestamp,
      readAt: null,
      updatedAt: now,
    };
    if (message.timestamp > chat.lastMessageAt) chat.lastMessageAt = message.timestamp;
    if (message.fromMe && (!chat.readAt || message.timestamp > chat.readAt)) chat.readAt = message.timestamp;
    if (message.chatType === 'direct' && !message.fromMe && message.pushName) chat.name = message.pushName;
    chats.set(key, chat);
  }
  return [...chats.values()].sort((a, b) => (a.sessionId + a.jid < b.sessionId + b.jid ? -1 : 1));
}

/** A message row turned to JSON by Postgres: its dates are strings. */
type JsonMessage = Omit<StoredMessageEntity, 'editedAt' | 'deletedAt' | 'timestamp'> & {
  editedAt: string | null;
  deletedAt: string | null;
  timestamp: string;
};

function fromJson(row: JsonMessage): StoredMessageEntity {
  return {
    ...row,
    editedAt: row.editedAt ? new Date(row.editedAt) : null,
    deletedAt: row.deletedAt ? new Date(row.deletedAt) : null,
    timestamp: new Date(row.timestamp),
  };
}
