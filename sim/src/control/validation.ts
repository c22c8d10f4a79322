// Request-body checks for control routes: every failure is a 400 naming the field, never a crash.
import { normalizePhoneNumber } from '../core/jid';
import { badRequest } from './control-error';

export type JsonObject = Record<string, unknown>;

export function requireObject(body: unknown): JsonObject {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('body must be a JSON object');
  return body as JsonObject;
}

/** Rejects fields a route does not know, so a typo is an error instead of a silently ignored option. */
export function rejectUnknownFields(body: JsonObject, allowed: readonly string[]): void {
  const unknown = Object.keys(body).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) throw badRequest(`unknown field(s): ${unknown.join(', ')}`);
}

export function requireString(body: JsonObject, field: string, options: { maxLength?: number } = {}): string {
  const value = body[field];
  if (typeof value !== 'string' || value.trim() === '') throw badRequest(`${field} must be a non-empty string`);
  if (options.maxLength !== undefined && value.length > options.maxLength) {
    throw badRequest(`${field} must be at most ${options.maxLength} characters`);
  }
  return value;
}

export function optionalString(
  body: JsonObject,
  field: string,
  options: { maxLength?: number } = {},
): string | undefined {
  return body[field] === undefined ? undefined : requireString(body, field, options);
}

export function optionalBoolean(body: JsonObject, field: string): boolean | undefined {
  const value = body[field];
  if (value !== undefined && typeof value !== 'boolean') throw badRequest(`${field} must be true or false`);
  return value;
}

export function requireNumber(body: JsonObject, field: string, range: { min: number; max: number }): number {
  const value = body[field];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < range.min || value > range.max) {
    throw badRequest(`${field} must be a number between ${range.min} and ${range.max}`);
  }
  return value;
}

export function requireOneOf<T extends string | number>(body: JsonObject, field: string, values: readonly T[]): T {
  const value = body[field];
  const match = values.find((candidate) => candidate === value);
  if (match === undefined)
    throw badRequest(`${field} must be one of: ${values.map((v) => JSON.stringify(v)).join(', ')}`);
  return match;
}

/** Digits only; `+`, spaces and dashes are tolerated and stripped. */
export function parsePhoneNumber(value: unknown, field = 'phoneNumber'): string {
  const phoneNumber = typeof value === 'string' ? normalizePhoneNumber(value) : undefined;
  if (!phoneNumber) throw badRequest(`${field} must be a phone number of 6 to 15 digits`);
  return phoneNumber;
}
