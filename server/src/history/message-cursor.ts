// The opaque position of a message in a newest-first list: the keyset (timestamp, storing order) it sorts by.
import { BadRequestError } from '../core/errors/domain-errors';

export interface MessageCursor {
  timestamp: Date;
  /** The message's storing order (a bigint, in decimal). */
  seq: string;
}

/** base64url of a JSON array, so a client treats it as a token and the server can change it. */
export function encodeCursor(cursor: MessageCursor): string {
  return Buffer.from(JSON.stringify([cursor.timestamp.toISOString(), cursor.seq])).toString('base64url');
}

/** The position a cursor names; a 400 for anything this server did not hand out. */
export function decodeCursor(value: string): MessageCursor {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    throw new BadRequestError('cursor is not a cursor this server gave');
  }
  if (!Array.isArray(decoded) || decoded.length !== 2)
    throw new BadRequestError('cursor is not a cursor this server gave');
  const [timestamp, seq] = decoded as unknown[];
  const at = typeof timestamp === 'string' ? new Date(timestamp) : new Date(NaN);
  if (Number.isNaN(at.getTime()) || typeof seq !== 'string' || !/^\d{1,19}$/.test(seq)) {
    throw new BadRequestError('cursor is not a cursor this server gave');
  }
  return { timestamp: at, seq };
}
