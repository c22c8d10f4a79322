// What each session status means to a person, which actions it allows, and which of two sources of it is current.
import type { Session, SessionStatus, SessionStatusEvent } from '../core/api-types';
import type { BadgeTone } from '../core/badge';

interface StatusInfo {
  /** The status in a word or two; in English, the API's own name for it. */
  label: string;
  tone: BadgeTone;
  /** What the status means and what to do next. */
  description: string;
}

export const STATUS_INFO: Record<SessionStatus, StatusInfo> = {
  created: {
    label: $localize`:session status|A session's status, as the API names it:created`,
    tone: 'neutral',
    description: $localize`Not connected yet. Select Connect to link a WhatsApp account.`,
  },
  starting: {
    label: $localize`:session status|A session's status, as the API names it:starting`,
    tone: 'info',
    description: $localize`Connecting to WhatsApp…`,
  },
  qr: {
    label: $localize`:session status|A session's status, as the API names it:qr`,
    tone: 'info',
    description: $localize`Waiting for the QR code to be scanned with WhatsApp on the phone.`,
  },
  pairing_code: {
    label: $localize`:session status|A session's status, as the API names it:pairing_code`,
    tone: 'info',
    description: $localize`Waiting for the pairing code to be entered on the phone.`,
  },
  connected: {
    label: $localize`:session status|A session's status, as the API names it:connected`,
    tone: 'success',
    description: $localize`Connected to WhatsApp: messages flow.`,
  },
  reconnecting: {
    label: $localize`:session status|A session's status, as the API names it:reconnecting`,
    tone: 'warning',
    description: $localize`The connection dropped; WAGO is reconnecting by itself.`,
  },
  stopped: {
    label: $localize`:session status|A session's status, as the API names it:stopped`,
    tone: 'neutral',
    description: $localize`Stopped. The account stays linked: select Connect to resume.`,
  },
  qr_timeout: {
    label: $localize`:session status|A session's status, as the API names it:qr_timeout`,
    tone: 'warning',
    description: $localize`The QR code expired before anyone scanned it. Select Connect to get a new one.`,
  },
  logged_out: {
    label: $localize`:session status|A session's status, as the API names it:logged_out`,
    tone: 'neutral',
    description: $localize`Logged out: this device is no longer linked. Select Connect to link it again.`,
  },
  banned: {
    label: $localize`:session status|A session's status, as the API names it:banned`,
    tone: 'danger',
    description: $localize`WhatsApp has banned this number; it cannot connect.`,
  },
  replaced: {
    label: $localize`:session status|A session's status, as the API names it:replaced`,
    tone: 'warning',
    description: $localize`Another connection of this account took over. Select Connect to take it back.`,
  },
  failed: {
    label: $localize`:session status|A session's status, as the API names it:failed`,
    tone: 'danger',
    description: $localize`The session failed. See the last disconnect reason, then select Connect.`,
  },
};

const STARTABLE: readonly SessionStatus[] = ['created', 'stopped', 'qr_timeout', 'logged_out', 'replaced', 'failed'];
const RUNNING: readonly SessionStatus[] = ['starting', 'qr', 'pairing_code', 'connected', 'reconnecting'];
const LINKING: readonly SessionStatus[] = ['starting', 'qr', 'pairing_code'];

export const canStart = (status: SessionStatus) => STARTABLE.includes(status);
export const canStop = (status: SessionStatus) => RUNNING.includes(status);
/** Log out only means something while a WhatsApp account is linked. */
export const canLogOut = (session: Session, status: SessionStatus) =>
  session.jid !== null && status !== 'logged_out' && status !== 'banned';
export const isLinking = (status: SessionStatus) => LINKING.includes(status);
/**
 * Linking is offered while connecting, and before it for a session with no linked account: asking for a pairing code
 * starts the session too.
 */
export const showsLinking = (session: Session, status: SessionStatus) =>
  isLinking(status) || (canStart(status) && (session.jid === null || status === 'logged_out'));

/** The live event wins over the loaded session unless the session was loaded after it. */
export function currentStatus(session: Session, event: SessionStatusEvent | undefined): SessionStatus {
  return event && Date.parse(event.at) >= Date.parse(session.updatedAt) ? event.status : session.status;
}

/** A live status the loaded session does not show yet: reload it for the fields that came with it (phone, JID…). */
export function isStale(session: Session, event: SessionStatusEvent | undefined): event is SessionStatusEvent {
  return (
    event !== undefined && event.status !== session.status && Date.parse(event.at) >= Date.parse(session.updatedAt)
  );
}
