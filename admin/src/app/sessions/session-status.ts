// What each session status means to a person, which actions it allows, and which of two sources of it is current.
import type { Session, SessionStatus, SessionStatusEvent } from '../core/api-types';
import type { BadgeTone } from '../core/badge';

interface StatusInfo {
  tone: BadgeTone;
  /** What the status means and what to do next. */
  description: string;
}

export const STATUS_INFO: Record<SessionStatus, StatusInfo> = {
  created: { tone: 'neutral', description: 'Not connected yet. Select Connect to link a WhatsApp account.' },
  starting: { tone: 'info', description: 'Connecting to WhatsApp…' },
  qr: { tone: 'info', description: 'Waiting for the QR code to be scanned with WhatsApp on the phone.' },
  pairing_code: { tone: 'info', description: 'Waiting for the pairing code to be entered on the phone.' },
  connected: { tone: 'success', description: 'Connected to WhatsApp: messages flow.' },
  reconnecting: { tone: 'warning', description: 'The connection dropped; WAGO is reconnecting by itself.' },
  stopped: { tone: 'neutral', description: 'Stopped. The account stays linked: select Connect to resume.' },
  qr_timeout: {
    tone: 'warning',
    description: 'The QR code expired before anyone scanned it. Select Connect to get a new one.',
  },
  logged_out: {
    tone: 'neutral',
    description: 'Logged out: this device is no longer linked. Select Connect to link it again.',
  },
  banned: { tone: 'danger', description: 'WhatsApp has banned this number; it cannot connect.' },
  replaced: {
    tone: 'warning',
    description: 'Another connection of this account took over. Select Connect to take it back.',
  },
  failed: { tone: 'danger', description: 'The session failed. See the last disconnect reason, then select Connect.' },
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
