// Serves the built Angular console at / with a single-page-app fallback; the API, docs, health, metrics and sockets keep their paths.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';

// Resolved from the compiled file (dist/server/src/core/http) to dist/admin/browser, where `ng build` puts the console.
export const CONSOLE_DIR = path.resolve(__dirname, '../../../../admin/browser');
const SERVER_PATHS = /^\/(api|health|metrics|socket\.io|ws)(\/|$|\?)/;

export function serveConsole(app: NestExpressApplication, directory = CONSOLE_DIR): boolean {
  const index = path.join(directory, 'index.html');
  if (!existsSync(index)) return false;
  app.useStaticAssets(directory, { index: false, maxAge: '1h' });
  app.use((request: Request, response: Response, next: NextFunction) => {
    if (request.method !== 'GET' || SERVER_PATHS.test(request.path) || !request.accepts('html')) return next();
    response.setHeader('Cache-Control', 'no-cache');
    response.sendFile(index);
  });
  return true;
}
