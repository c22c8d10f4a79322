/**
 * A `Content-Disposition` header naming the file safely (RFC 6266 with RFC 5987's `filename*`): an ASCII fallback
 * without quotes, backslashes or control characters, and the exact name percent-encoded.
 */
export function contentDisposition(kind: 'inline' | 'attachment', fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]|["\\%;]/g, '_').slice(0, 200) || 'file';
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
