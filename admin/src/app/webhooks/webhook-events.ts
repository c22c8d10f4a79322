// Words for a webhook's settings: its events and how it treats group messages.
import type { DeliveryStatus, GroupPolicy, WebhookEvent } from '../core/api-types';
import type { BadgeTone } from '../core/badge';

export const EVENT_DESCRIPTIONS: Record<WebhookEvent, string> = {
  'message.received': $localize`a message came in`,
  'message.sent': $localize`a message went out`,
  'message.ack': $localize`a sent message was delivered or read`,
  'message.reaction': $localize`someone reacted to a message`,
  'message.edited': $localize`a message was edited`,
  'message.revoked': $localize`a message was deleted for everyone`,
  'session.status': $localize`the session changed status`,
  'group.participants': $localize`members were added, removed, promoted or demoted in a group`,
  'group.updated': $localize`a group’s subject, description or settings changed`,
  'call.received': $localize`someone called the account`,
  'presence.update': $localize`a followed person went online or offline, or is typing`,
  '*': $localize`every event, including ones added later`,
};

export const GROUP_POLICY_LABELS: Record<GroupPolicy, string> = {
  mentions: $localize`Only when the account is mentioned`,
  all: $localize`All group messages`,
  none: $localize`No group messages`,
};

/** In English, the API's own names for the statuses. */
export const DELIVERY_LABELS: Record<DeliveryStatus, string> = {
  pending: $localize`:delivery status:pending`,
  delivered: $localize`:delivery status:delivered`,
  failed: $localize`:delivery status:failed`,
};

/** Whether a webhook sends events, as its badge says it. */
export const ENABLED_LABELS = {
  enabled: $localize`:webhook state:enabled`,
  disabled: $localize`:webhook state:disabled`,
};

export const DELIVERY_TONES: Record<DeliveryStatus, BadgeTone> = {
  pending: 'info',
  delivered: 'success',
  failed: 'danger',
};
