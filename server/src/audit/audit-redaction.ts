// What an audit summary may hold: names, flags, ids and URLs without their credentials or query values; never a
// secret, PIN, token, key or message content, whatever field a caller put it in.
import { REDACTED, redactValue } from '../core/logging/redaction';

/** Any scheme://: webhook receivers, and broker URLs (amqp://user:pass@…, nats://token@…). */
const URL_PATTERN = /^[a-z][a-z0-9+.-]*:\/\//i;

/** The URL without user and password, and with every query value replaced (a token often rides in one). */
export function redactUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return REDACTED;
  }
  if (url.username || url.password) {
    url.username = '';
    url.password = '';
  }
  for (const name of new Set(url.searchParams.keys())) url.searchParams.set(name, 'redacted');
  // A fragment is the client's; some put tokens there too.
  url.hash = '';
  return url.toString();
}

/** A summary as the audit log stores it: URLs redacted, then the log redaction's rules for fields and texts. */
export function redactSummary(summary: Record<string, unknown>): Record<string, unknown> {
  return redactValue(redactUrls(summary)) as Record<string, unknown>;
}

function redactUrls(value: unknown): unknown {
  if (typeof value === 'string') return URL_PATTERN.test(value) ? redactUrl(value) : value;
  if (Array.isArray(value)) return value.map(redactUrls);
  if (typeof value === 'object' && value !== null && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([name, field]) => [name, redactUrls(field)]));
  }
  return value;
}
