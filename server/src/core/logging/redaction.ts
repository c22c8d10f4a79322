// What a log line may hold, whoever writes it (WAGO, Baileys, pino-http, the boot logger): errors reduced to their
// class, code, scrubbed message and stack; never a query, its parameters or a row; never key material, a secret or
// message text. Diagnostics are codes and names; everything a user or WhatsApp gave us stays out.
import type { LoggerOptions } from 'pino';

export const REDACTED = '[Redacted]';

/** Deep enough for Baileys' nodes and error causes; anything deeper is summarised, never written out. */
const MAX_DEPTH = 6;

/**
 * Fields whose value is a secret or key material whatever its type: Signal and Noise key pairs (Baileys' creds and
 * libsignal's session records), WAGO's own credentials, and anything named like one.
 */
const SECRET_FIELD =
  /^(priv(ate)?(key)?|.*keypair|noisekey|signedidentitykey|signedprekey|.*secret.*|.*password.*|pin|.*token|apikey|authorization|cookie|jwt|creds|enckey|mackey|mediakey|rootkey|chainkey)$/i;

/** Fields that carry what people wrote: a WhatsApp message's content and its text, wherever it is nested. */
const CONTENT_FIELD = /^(conversation|text|caption|body)$/i;

/**
 * Error properties that carry no data, only diagnostics. Everything else an error carries (TypeORM's `query`,
 * `parameters` and `driverError`, Postgres' `detail` with the failing row, Boom's `data` with a protocol node) is
 * dropped.
 */
const ERROR_DIAGNOSTICS = ['code', 'errno', 'syscall', 'constraint', 'table', 'column', 'routine'] as const;

/**
 * Credentials WAGO issues (API keys, webhook signing secrets), JWTs, and the user information of a URL (a message
 * broker's `amqp://user:password@host`), wherever they appear in a text.
 */
const SECRET_PATTERNS: readonly RegExp[] = [
  /\b(wago_)[A-Za-z0-9_-]{16,}/g,
  /([a-z][a-z0-9+.-]*:\/\/)[^\s/@:]*:[^\s/@]*(?=@)/gi,
  /\b(whsec_)[A-Za-z0-9+/=_-]{8,}/g,
  /\b()eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g,
];

/** A run of base64 or hex as long as a key: 32 random bytes are 44 base64 or 64 hex characters. */
const KEY_LIKE = /[A-Za-z0-9+/]{40,}={0,2}/g;

/** The objects this module produced, so a second pass (pino-http's error serialiser) leaves them as they are. */
const redactedErrors = new WeakSet<object>();

export interface RedactedError {
  type: string;
  message: string;
  stack?: string;
  statusCode?: number;
  cause?: RedactedError;
  [diagnostic: string]: unknown;
}

/** Removes WAGO credentials and JWTs from any text. */
export function scrubSecrets(text: string): string {
  return SECRET_PATTERNS.reduce((scrubbed, pattern) => scrubbed.replace(pattern, `$1${REDACTED}`), text);
}

/** Removes credentials and anything shaped like key material (a hex dump of a node included) from a text. */
export function scrubText(text: string): string {
  return scrubSecrets(text).replace(KEY_LIKE, (run) => (isKeyLike(run) ? REDACTED : run));
}

/** Random bytes mix digits with letters of both cases (base64) or are all hex; a file path is neither. */
function isKeyLike(run: string): boolean {
  if (!/\d/.test(run)) return false;
  return /^[0-9a-fA-F]+$/.test(run) || (/[A-Z]/.test(run) && /[a-z]/.test(run));
}

/** An error as a log may show it: class, scrubbed message, diagnostic codes, stack frames, redacted cause. */
export function redactError(error: Error, depth = 0): RedactedError {
  const message = scrubText(error.message);
  const type = error.constructor.name || error.name;
  const redacted: RedactedError = { type, message };
  const fields = error as unknown as Record<string, unknown>;
  for (const name of ERROR_DIAGNOSTICS) {
    const value = fields[name];
    if (typeof value === 'string' || typeof value === 'number') redacted[name] = value;
  }
  const statusCode = statusCodeOf(fields);
  if (statusCode !== undefined) redacted.statusCode = statusCode;
  if (typeof error.stack === 'string') {
    // The stack opens with the unscrubbed message (one or more lines); only the frames are kept from it.
    const frames = error.stack.split('\n').filter((line) => /^\s+at /.test(line));
    redacted.stack = [`${type}: ${message}`, ...frames].join('\n');
  }
  if (error.cause instanceof Error && depth < MAX_DEPTH) redacted.cause = redactError(error.cause, depth + 1);
  redactedErrors.add(redacted);
  return redacted;
}

/** Boom (Baileys' errors) keeps the status in `output`; HTTP errors have it at the top. */
function statusCodeOf(fields: Record<string, unknown>): number | undefined {
  const output = fields.output;
  if (typeof output === 'object' && output !== null) {
    const status = (output as Record<string, unknown>).statusCode;
    if (typeof status === 'number') return status;
  }
  return typeof fields.statusCode === 'number' ? fields.statusCode : undefined;
}

/**
 * Any value as a log may show it: errors redacted, binary data (Buffers, typed arrays, Baileys' `{type: 'Buffer'}`
 * JSON) reduced to its length, secret and content fields replaced, strings cleared of credentials and key-like runs.
 */
export function redactValue(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (typeof value !== 'object' || value === null) return value;
  if (redactedErrors.has(value)) return value;
  if (value instanceof Error) return redactError(value, depth);
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return `[${value.byteLength} bytes]`;
  if (isBufferJson(value)) return '[binary]';
  if (value instanceof Date) return value;
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return Array.isArray(value) ? '[Array]' : '[Object]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1, seen));
  const redacted: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(value)) {
    redacted[name] = redactsField(name, field) ? REDACTED : redactValue(field, depth + 1, seen);
  }
  return redacted;
}

function redactsField(name: string, value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (SECRET_FIELD.test(name) || CONTENT_FIELD.test(name)) return true;
  // A WhatsApp message's content (`WAMessage.message`) is an object; a log line's own `message` text is a string.
  return name === 'message' && typeof value === 'object';
}

function isBufferJson(value: object): boolean {
  return (value as { type?: unknown }).type === 'Buffer' && 'data' in value;
}

/**
 * The fields of one log call, redacted. `req` and `res` are left to their own serialisers (they are live Node objects
 * that pino-http reduces to a method, a URL and a status).
 */
export function redactLogFields(fields: Record<string, unknown>): Record<string, unknown> {
  const redacted: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (name === 'req' || name === 'res') redacted[name] = value;
    else redacted[name] = redactsField(name, value) ? REDACTED : redactValue(value);
  }
  return redacted;
}

/**
 * pino-http runs pino's standard error serialiser before ours, which copies every property back onto a fresh object
 * and keeps the original as `raw`: the original is what we answer with.
 */
export function serialiseError(value: unknown): unknown {
  const original =
    typeof value === 'object' && value !== null && 'raw' in value ? (value as { raw: unknown }).raw : value;
  return redactValue(original);
}

/** The logger options every pino logger of the process starts from (the server's, the boot logger, Baileys' child). */
export function redactingLoggerOptions(): Pick<LoggerOptions, 'formatters' | 'serializers' | 'hooks' | 'redact'> {
  return {
    // The credentials of a request never reach the log, whichever serialiser writes the request out.
    redact: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie', 'req.query.token'],
    formatters: { log: redactLogFields },
    serializers: { err: serialiseError, error: serialiseError },
    hooks: {
      logMethod(args, method) {
        // pino takes an error's unscrubbed message as the line's text when none is given.
        const [first] = args;
        const error = first instanceof Error ? first : errorField(first);
        const texts = args.map((arg) => (typeof arg === 'string' ? scrubText(arg) : arg));
        if (error && texts.length === 1) texts.push(scrubText(error.message));
        method.apply(this, texts as Parameters<typeof method>);
      },
      // The last line of defence: a credential that reached the text of a line some other way.
      streamWrite: scrubSecrets,
    },
  };
}

function errorField(fields: unknown): Error | undefined {
  if (typeof fields !== 'object' || fields === null) return undefined;
  const { err, error } = fields as { err?: unknown; error?: unknown };
  if (err instanceof Error) return err;
  return error instanceof Error ? error : undefined;
}
