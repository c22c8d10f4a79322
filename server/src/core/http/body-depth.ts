// Parsed JSON bodies may nest 32 levels at most: deeper ones are refused before the validation pipe, whose recursion
// would otherwise overflow the stack and answer 500.
import type { NextFunction, Request, Response } from 'express';
import { RequestBodyError } from '../errors/body-parser-errors';

export const MAX_BODY_DEPTH = 32;

/** Whether a parsed JSON value nests objects and arrays more than `maxDepth` levels; iterative, so any depth is safe. */
export function nestsDeeperThan(value: unknown, maxDepth: number): boolean {
  const pending: Array<[value: unknown, depth: number]> = [[value, 0]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [current, depth] = next;
    if (typeof current !== 'object' || current === null) continue;
    if (depth + 1 > maxDepth) return true;
    for (const child of Object.values(current)) pending.push([child, depth + 1]);
  }
  return false;
}

export function limitBodyDepth(request: Request, _response: Response, next: NextFunction): void {
  if (nestsDeeperThan(request.body, MAX_BODY_DEPTH)) {
    next(new RequestBodyError(400, `Request body nests deeper than ${MAX_BODY_DEPTH} levels`));
    return;
  }
  next();
}
