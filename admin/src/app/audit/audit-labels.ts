// Words for the audit log's action codes and target types; the codes stay the API's identifiers, shown beside them.
import type { AuditAction, AuditTargetType } from '../core/api-types';

export const AUDIT_ACTION_LABELS: Record<AuditAction, string> = {
  'auth.signin': $localize`:audit action:Signed in`,
  'auth.signin_failed': $localize`:audit action:Sign-in failed`,
  'auth.pin_changed': $localize`:audit action:PIN changed`,
  'apikey.created': $localize`:audit action:API key created`,
  'apikey.revoked': $localize`:audit action:API key revoked`,
  'user.created': $localize`:audit action:User created`,
  'user.deleted': $localize`:audit action:User deleted`,
  'user.unlocked': $localize`:audit action:User unlocked`,
  'session.created': $localize`:audit action:Session created`,
  'session.renamed': $localize`:audit action:Session renamed`,
  'session.settings_changed': $localize`:audit action:Session settings changed`,
  'session.started': $localize`:audit action:Session started`,
  'session.stopped': $localize`:audit action:Session stopped`,
  'session.logged_out': $localize`:audit action:Session logged out`,
  'session.deleted': $localize`:audit action:Session deleted`,
  'webhook.created': $localize`:audit action:Webhook created`,
  'webhook.updated': $localize`:audit action:Webhook changed`,
  'webhook.secret_rotated': $localize`:audit action:Webhook secret rotated`,
  'webhook.deleted': $localize`:audit action:Webhook deleted`,
  'delivery.redelivered': $localize`:audit action:Deliveries sent again`,
  'sink.created': $localize`:audit action:Message broker created`,
  'sink.updated': $localize`:audit action:Message broker changed`,
  'sink.deleted': $localize`:audit action:Message broker deleted`,
};

export const AUDIT_TARGET_LABELS: Record<AuditTargetType, string> = {
  user: $localize`:audit target type:User`,
  api_key: $localize`:audit target type:API key`,
  session: $localize`:audit target type:Session`,
  webhook: $localize`:audit target type:Webhook`,
  delivery: $localize`:audit target type:Delivery`,
  sink: $localize`:audit target type:Message broker`,
};
