// How the console writes durations, phone numbers and pairing codes.

/** `42 s`, `3 min 5 s`, `2 h 10 min`. */
export function formatDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.round(totalSeconds));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return seconds % 60 ? `${minutes} min ${seconds % 60} s` : `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
}

/** The API keeps phone numbers as digits only, with the country code. */
export function formatPhoneNumber(digits: string | null): string {
  return digits ? `+${digits}` : '—';
}

/** WhatsApp shows an eight-character pairing code as two groups: `ABCD-1234`. */
export function formatPairingCode(code: string): string {
  return /^[A-Z0-9]{8}$/i.test(code) ? `${code.slice(0, 4)}-${code.slice(4)}` : code;
}
