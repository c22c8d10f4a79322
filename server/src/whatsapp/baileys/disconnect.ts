// How Baileys' close errors map to the disconnect reasons the session lifecycle acts on.
import type { Disconnect } from '../whatsapp.provider';

/** WhatsApp's "restart required" after pairing: handled inside the provider, never reported. */
export const RESTART_REQUIRED = 515;

/**
 * `awaitingScan`: the connection showed QRs and was never linked. A time-out then means nobody scanned before the
 * refs ran out (Baileys' own "QR refs attempts ended", or the server ending the stream with 408), not a lost link.
 */
export function classifyDisconnect(code: number | undefined, message: string, awaitingScan: boolean): Disconnect {
  const reason = ((): Disconnect['reason'] => {
    switch (code) {
      case 401:
      case 419:
        return 'logged_out';
      case 403:
        return 'banned';
      case 440:
        return 'replaced';
      case 408:
        return awaitingScan ? 'qr_timeout' : 'connection_lost';
      case 411:
        return 'multidevice_mismatch';
      case 428:
      case undefined:
        return 'connection_closed';
      case 500:
        return 'bad_session';
      case 503:
        return 'service_unavailable';
      default:
        return 'unknown';
    }
  })();
  return { reason, code: code ?? null, message };
}
