// How the console writes durations, phone numbers, pairing codes and file sizes.

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

/** `512 B`, `3.4 kB`, `12 MB` (powers of 1000, as file managers show them). */
export function formatFileSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}
