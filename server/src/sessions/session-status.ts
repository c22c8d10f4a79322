// The published session statuses, exactly as clients script them.
export const SESSION_STATUSES = [
  'created',
  'starting',
  'qr',
  'pairing_code',
  'connected',
  'reconnecting',
  'stopped',
  'qr_timeout',
  'logged_out',
  'banned',
  'replaced',
  'failed',
] as const;

export type SessionStatus = (typeof SESSION_STATUSES)[number];
