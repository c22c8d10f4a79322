// What the audit log records: stable action names (a published contract, clients filter on them) and target types.

export const AUDIT_ACTIONS = [
  'auth.signin',
  'auth.signin_failed',
  'auth.pin_changed',
  'apikey.created',
  'apikey.revoked',
  'user.created',
  'user.deleted',
  'user.unlocked',
  'session.created',
  'session.renamed',
  'session.settings_changed',
  'session.started',
  'session.stopped',
  'session.logged_out',
  'session.deleted',
  'webhook.created',
  'webhook.updated',
  'webhook.secret_rotated',
  'webhook.deleted',
  'delivery.redelivered',
  'sink.created',
  'sink.updated',
  'sink.deleted',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_TARGET_TYPES = ['user', 'api_key', 'session', 'webhook', 'delivery', 'sink'] as const;
export type AuditTargetType = (typeof AUDIT_TARGET_TYPES)[number];
