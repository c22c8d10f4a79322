// The response headers helmet would set, written out here instead of a dependency: one policy for the console and the
// API, and a relaxed one for Swagger UI, whose page carries inline scripts and styles.
import type { NextFunction, Request, Response } from 'express';

/** The Angular build loads its full stylesheet with `onload="this.media='all'"`: that one handler, by its hash. */
const STYLESHEET_ONLOAD_HASH = "'sha256-MhtPZXr7+LpJUY5qtMutB+qWfQtMaPccfe7QXtCcEYc='";

const CONSOLE_POLICY = [
  "default-src 'self'",
  "base-uri 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
  "script-src 'self'",
  `script-src-attr 'unsafe-hashes' ${STYLESHEET_ONLOAD_HASH}`,
  // Angular adds each component's styles as a <style> element.
  "style-src 'self' 'unsafe-inline'",
  // The QR code is an SVG data URL.
  "img-src 'self' data:",
  "font-src 'self' data:",
  // 'self' covers the same-origin Socket.IO and /ws connections.
  "connect-src 'self'",
].join('; ');

const SWAGGER_UI_POLICY = [
  "default-src 'self'",
  "base-uri 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
].join('; ');

const SWAGGER_UI_PATH = /^\/api\/docs(\/|$)/;

/** Sent with every answer; no `upgrade-insecure-requests`, which would break a console served over plain HTTP. */
const COMMON_HEADERS: Record<string, string> = {
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

export function setSecurityHeaders(request: Request, response: Response, next: NextFunction): void {
  response.set(COMMON_HEADERS);
  response.set('Content-Security-Policy', SWAGGER_UI_PATH.test(request.path) ? SWAGGER_UI_POLICY : CONSOLE_POLICY);
  next();
}
