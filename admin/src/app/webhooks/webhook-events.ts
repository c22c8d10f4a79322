// Words for a webhook's settings: its events and how it treats group messages.
import type { DeliveryStatus, GroupPolicy, WebhookEvent } from '../core/api-types';
import type { BadgeTone } from '../core/badge';

export const EVENT_DESCRIPTIONS: Record<WebhookEvent, string> = {
  'message.received': 'a message came in',
  'message.sent': 'a message went out',
  'message.ack': 'a sent message was delivered or read',
  'message.reaction': 'someone reacted to a message',
  'message.edited': 'a message was edited',
  'message.revoked': 'a message was deleted for everyone',
  'session.status': 'the session changed status',
  'group.participants': 'members were added, removed, promoted or demoted in a group',
  'group.updated': 'a group’s subject, description or settings changed',
  'call.received': 'someone called the account',
  'presence.update': 'a followed person went online or offline, or is typing',
  '*': 'every event, including ones added later',
};

export const GROUP_POLICY_LABELS: Record<GroupPolicy, string> = {
  mentions: 'Only when the account is mentioned',
  all: 'All group messages',
  none: 'No group messages',
};

export const DELIVERY_TONES: Record<DeliveryStatus, BadgeTone> = {
  pending: 'info',
  delivered: 'success',
  failed: 'danger',
};
