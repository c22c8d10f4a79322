// The response headers helmet would set, written out here instead of a dependency. One Content-Security-Policy serves
// the console, the API and Swagger UI at /api/docs: Swagger UI's scripts are files, and its inline styles are allowed.
import type { NextFunction, Request, Response } from 'express';

/** The Angular build loads its full stylesheet with `onload="this.media='all'"`: that one handler, by its hash. */
const STYLESHEET_ONLOAD_HASH = "'sha256-MhtPZXr7+LpJUY5qtMutB+qWfQtMaPccfe7QXtCcEYc='";

const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "base-uri 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
  "script-src 'self'",
  `script-src-attr 'unsafe-hashes' ${STYLESHEET_ONLOAD_HASH}`,
  // Angular adds each component's styles as a <style> element; Swagger UI sets style attributes.
  "style-src 'self' 'unsafe-inline'",
  // The QR code is an SVG data URL.
  "img-src 'self' data:",
  "font-src 'self' data:",
  // 'self' covers the same-origin Socket.IO and /ws connections.
  "connect-src 'self'",
].join('; ');

/** Sent with every answer. No `upgrade-insecure-requests`, which would break a console served over plain HTTP. */
const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Origin-Agent-Cluster': '?1',
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
  'X-DNS-Prefetch-Control': 'off',
  'X-Download-Options': 'noopen',
  'X-Permitted-Cross-Domain-Policies': 'none',
  'X-XSS-Protection': '0',
};

export function setSecurityHeaders(_request: Request, response: Response, next: NextFunction): void {
  response.set(SECURITY_HEADERS);
  next();
}
