// Request-body checks for control routes: every failure is a 400 naming the field, never a crash.
import { normalizePhoneNumber } from '../core/jid';
import { badRequest } from './control-error';

export type JsonObject = Record<string, unknown>;

// Checks of nested objects take `within`, the enclosing field, so errors name the full path (`image.mimetype`).
const named = (field: string, within?: string): string => (within ? `${within}.${field}` : field);

export function requireObject(body: unknown, within?: string): JsonObject {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest(`${within ?? 'body'} must be a JSON object`);
  }
  return body as JsonObject;
}

/** Rejects fields a route does not know, so a typo is an error instead of a silently ignored option. */
export function rejectUnknownFields(body: JsonObject, allowed: readonly string[], within?: string): void {
  const unknown = Object.keys(body).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) throw badRequest(`unknown field(s): ${unknown.map((key) => named(key, within)).join(', ')}`);
}

export function requireString(
  body: JsonObject,
  field: string,
  options: { maxLength?: number } = {},
  within?: string,
): string {
  const value = body[field];
  if (typeof value !== 'string' || value.trim() === '') {
    throw badRequest(`${named(field, within)} must be a non-empty string`);
  }
  if (options.maxLength !== undefined && value.length > options.maxLength) {
    throw badRequest(`${named(field, within)} must be at most ${options.maxLength} characters`);
  }
  return value;
}

export function optionalString(
  body: JsonObject,
  field: string,
  options: { maxLength?: number } = {},
  within?: string,
): string | undefined {
  return body[field] === undefined ? undefined : requireString(body, field, options, within);
}

export function optionalBoolean(body: JsonObject, field: string, within?: string): boolean | undefined {
  const value = body[field];
  if (value !== undefined && typeof value !== 'boolean')
    throw badRequest(`${named(field, within)} must be true or false`);
  return value;
}

export function requireNumber(
  body: JsonObject,
  field: string,
  range: { min: number; max: number },
  within?: string,
): number {
  const value = body[field];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < range.min || value > range.max) {
    throw badRequest(`${named(field, within)} must be a number between ${range.min} and ${range.max}`);
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

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Bytes sent as a base64 string (in process, a Buffer is taken as is). */
export function requireBase64(body: JsonObject, field: string, within?: string): Buffer {
  const value = body[field];
  if (Buffer.isBuffer(value) && value.length > 0) return value;
  if (typeof value !== 'string' || value === '' || !BASE64.test(value)) {
    throw badRequest(`${named(field, within)} must be non-empty base64`);
  }
  return Buffer.from(value, 'base64');
}

/** Digits only; `+`, spaces and dashes are tolerated and stripped. */
export function parsePhoneNumber(value: unknown, field = 'phoneNumber'): string {
  const phoneNumber = typeof value === 'string' ? normalizePhoneNumber(value) : undefined;
  if (!phoneNumber) throw badRequest(`${field} must be a phone number of 6 to 15 digits`);
  return phoneNumber;
}
