// Generates requests for every operation of the OpenAPI document: valid, boundary and invalid values, from a seed, so a failing run can be replayed exactly.
import {
  OpenApiDocument,
  Operation,
  ParameterObject,
  nullableMember,
  parametersOf,
  requestBodySchema,
  resolveSchema,
  SchemaObject,
  valueType,
} from './openapi';

/** A small deterministic PRNG (mulberry32): the same seed gives the same requests. */
export class Random {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  uuid(): string {
    const hex = Array.from({ length: 32 }, () => this.int(0, 15).toString(16));
    hex[12] = '4';
    hex[16] = this.pick(['8', '9', 'a', 'b']);
    const text = hex.join('');
    return `${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(12, 16)}-${text.slice(16, 20)}-${text.slice(20)}`;
  }

  word(length: number): string {
    const letters = 'abcdefghijklmnopqrstuvwxyz0123456789';
    return Array.from({ length }, () => this.pick([...letters])).join('');
  }
}

/** A body field a valid request must leave out (a rule stated only in words, e.g. one field excludes another). */
export const OMIT = Symbol('omit');

/** What the test knows about its own objects and accounts: the valid values the document cannot tell. */
export interface FuzzFixtures {
  /** A valid value for a path parameter, e.g. the id of an object the identity owns (a fresh one for a DELETE). */
  pathParameter(operation: Operation, parameter: ParameterObject, identity: string): Promise<string>;
  /**
   * A valid value for a body field when a generic one would not do (a URL, a phone number, a PIN); OMIT when a valid
   * request leaves it out; else undefined.
   */
  bodyField(operation: Operation, field: string, identity: string): unknown;
}

export interface FuzzRequest {
  operation: Operation;
  identity: string;
  /** What this request tries, e.g. `body.url: huge string`. */
  variant: string;
  /** The path with parameters and query string, ready to append to the base URL. */
  url: string;
  headers: Record<string, string>;
  body?: string;
}

const HUGE = 'x'.repeat(100_000);
const UNICODE = 'Ünïcödé ☃ עברית 中文 🙂 \u202e';
const NUL = 'a\u0000b';
const SURROGATE = 'lone \ud800 surrogate';

/** Values of the wrong type, or of the right type that no schema admits: each paired with a label for the output. */
const WRONG_VALUES: [string, unknown][] = [
  ['null', null],
  ['number', 42],
  ['negative number', -1],
  ['fraction', 1.5],
  ['boolean', true],
  ['empty string', ''],
  ['whitespace', '   '],
  ['huge string', HUGE],
  ['unicode', UNICODE],
  ['NUL character', NUL],
  ['lone surrogate', SURROGATE],
  ['array', ['a', 1, null]],
  ['object', { nested: { deeper: [1, 2, 3] } }],
  ['deep nesting', nested(40)],
  ['SQL', "' OR 1=1 --"],
  ['number beyond bigint', 100000000000000000000],
  ['date far in the past', '-100000-01-01T00:00:00Z'],
  ['impossible date', '2024-13-45T25:61:61Z'],
];

/** Query, path and header values are strings on the wire: the wrong ones, already encoded for a URL where needed. */
const WRONG_TEXT: [string, string][] = [
  ['empty', ''],
  ['word', 'abc'],
  ['negative', '-1'],
  ['fraction', '1.5'],
  ['exponent', '1e3'],
  ['hex', '0x10'],
  ['beyond bigint', '100000000000000000000'],
  ['huge', 'x'.repeat(5_000)],
  ['unicode', encodeURIComponent(UNICODE)],
  ['NUL', '%00'],
  ['malformed escape', '%E0%A4%A'],
  ['traversal', '..%2F..%2Fetc%2Fpasswd'],
  ['uuid v1', '6ba7b810-9dad-11d1-80b4-00c04fd430c8'],
  ['date far in the past', encodeURIComponent('-100000-01-01T00:00:00Z')],
  ['impossible date', '2024-13-45'],
  ['SQL', encodeURIComponent("' OR 1=1 --")],
];

function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let level = 0; level < depth; level++) value = { a: value };
  return value;
}

export class ContractFuzzer {
  constructor(
    private readonly document: OpenApiDocument,
    private readonly random: Random,
    private readonly fixtures: FuzzFixtures,
  ) {}

  /** One request for the operation as the identity: valid, or with one thing wrong, chosen by the PRNG. */
  async request(operation: Operation, identity: string): Promise<FuzzRequest> {
    const bodySchema = requestBodySchema(operation);
    const kinds = ['valid', 'path', 'query', 'header', 'body', 'content type'].filter((kind) => {
      if (kind === 'path') return parametersOf(operation, 'path').length > 0;
      if (kind === 'query') return true;
      if (kind === 'header') return parametersOf(operation, 'header').length > 0;
      if (kind === 'body') return bodySchema !== undefined || !['GET', 'HEAD'].includes(operation.method);
      return kind === 'valid' || bodySchema !== undefined;
    });
    const kind = this.random.pick(kinds);
    const path: Record<string, string> = {};
    for (const parameter of parametersOf(operation, 'path')) {
      path[parameter.name] = encodeURIComponent(await this.fixtures.pathParameter(operation, parameter, identity));
    }
    const query: string[] = [];
    for (const parameter of parametersOf(operation, 'query')) {
      if (parameter.required || this.random.chance(0.5)) {
        query.push(`${parameter.name}=${encodeURIComponent(this.validText(parameter.schema ?? {}))}`);
      }
    }
    const headers: Record<string, string> = {};
    for (const parameter of parametersOf(operation, 'header')) {
      if (parameter.required || this.random.chance(0.5)) headers[parameter.name] = this.random.word(16);
    }
    let body: unknown = bodySchema ? this.validValue(bodySchema, operation, identity) : undefined;
    let rawBody: string | undefined;
    let contentType = 'application/json';
    let variant = 'valid';

    if (kind === 'path') {
      const parameter = this.random.pick(parametersOf(operation, 'path'));
      const choices: [string, string][] = [
        ...WRONG_TEXT.filter(([, text]) => text !== ''),
        ['unknown id', this.random.uuid()],
      ];
      const [label, value] = this.random.pick(choices);
      path[parameter.name] = value;
      variant = `path ${parameter.name}: ${label}`;
    } else if (kind === 'query') {
      const parameters = parametersOf(operation, 'query');
      if (parameters.length === 0 || this.random.chance(0.15)) {
        query.push(`unexpected=${this.random.word(4)}`);
        variant = 'query: unexpected parameter';
      } else {
        const parameter = this.random.pick(parameters);
        const [label, value] = this.random.pick([...this.boundaryText(parameter.schema ?? {}), ...WRONG_TEXT]);
        const repeated = this.random.chance(0.1);
        query.push(repeated ? `${parameter.name}=${value}&${parameter.name}=${value}` : `${parameter.name}=${value}`);
        variant = `query ${parameter.name}: ${repeated ? 'repeated ' : ''}${label}`;
      }
    } else if (kind === 'header') {
      const parameter = this.random.pick(parametersOf(operation, 'header'));
      const [label, value] = this.random.pick<[string, string]>([
        ['empty', ''],
        ['huge', 'k'.repeat(4_000)],
        ['latin-1', 'clé-été'],
        ['spaces', '  padded  '],
      ]);
      headers[parameter.name] = value;
      variant = `header ${parameter.name}: ${label}`;
    } else if (kind === 'body') {
      ({ body, rawBody, variant } = this.wrongBody(bodySchema, body));
    } else if (kind === 'content type') {
      ({ contentType, rawBody, variant } = this.wrongContentType(body));
    }

    const url =
      operation.path.replace(/\{([^}]+)\}/g, (_, name: string) => path[name]) +
      (query.length > 0 ? `?${query.join('&')}` : '');
    const serialized = rawBody ?? (body === undefined ? undefined : JSON.stringify(body));
    if (serialized !== undefined) headers['content-type'] = contentType;
    return { operation, identity, variant, url, headers, body: serialized };
  }

  validValue(schema: SchemaObject, operation: Operation, identity: string, field?: string): unknown {
    const resolved = resolveSchema(this.document, schema);
    const fixed = field === undefined ? undefined : this.fixtures.bodyField(operation, field, identity);
    if (fixed !== undefined) return fixed;
    if (resolved.allOf?.length) return this.validValue(resolved.allOf[0], operation, identity, field);
    if (resolved.oneOf?.length) return this.validValue(this.random.pick(resolved.oneOf), operation, identity, field);
    const orNull = nullableMember(resolved);
    if (orNull) return this.validValue(orNull, operation, identity, field);
    if (resolved.enum) return this.random.pick(resolved.enum.filter((value) => value !== null));
    switch (valueType(resolved)) {
      case 'object': {
        const value: Record<string, unknown> = {};
        for (const [name, property] of Object.entries(resolved.properties ?? {})) {
          // A field the fixtures fill is always sent: its rule (e.g. `chat` for typing) may be stated only in words.
          const fixture = this.fixtures.bodyField(operation, name, identity);
          if (fixture === OMIT) continue;
          const fixed = fixture !== undefined;
          if (resolved.required?.includes(name) || fixed || this.random.chance(0.5)) {
            value[name] = this.validValue(property, operation, identity, name);
          }
        }
        return value;
      }
      case 'array':
        return Array.from(
          { length: this.random.int(resolved.minItems ?? 0, Math.min(resolved.maxItems ?? 2, 2)) },
          () => this.validValue(resolved.items ?? {}, operation, identity, field),
        );
      case 'boolean':
        return this.random.chance(0.5);
      case 'integer':
      case 'number':
        return this.random.int(resolved.minimum ?? 0, Math.min(resolved.maximum ?? 100, 100));
      default:
        return this.validString(resolved);
    }
  }

  private validString(schema: SchemaObject): string {
    if (schema.format === 'date-time') return new Date(Date.now() - this.random.int(0, 3_600_000)).toISOString();
    if (schema.format === 'uuid') return this.random.uuid();
    if (typeof schema.example === 'string' && schema.pattern) return schema.example;
    const length = this.random.int(
      schema.minLength ?? 1,
      Math.max(schema.minLength ?? 1, Math.min(schema.maxLength ?? 24, 24)),
    );
    return this.random.word(length);
  }

  private validText(schema: SchemaObject): string {
    if (schema.enum) return String(this.random.pick(schema.enum.filter((value) => value !== null)));
    const type = valueType(schema);
    if (type === 'integer' || type === 'number') {
      return String(this.random.int(schema.minimum ?? 0, Math.min(schema.maximum ?? 50, 50)));
    }
    return this.validString(schema);
  }

  private boundaryText(schema: SchemaObject): [string, string][] {
    const values: [string, string][] = [];
    if (schema.minimum !== undefined)
      values.push(['minimum', String(schema.minimum)], ['below minimum', String(schema.minimum - 1)]);
    if (schema.maximum !== undefined)
      values.push(['maximum', String(schema.maximum)], ['above maximum', String(schema.maximum + 1)]);
    if (schema.enum) values.push(['enum in capitals', encodeURIComponent(String(schema.enum[0]).toUpperCase())]);
    if (schema.format === 'date-time') values.push(['date only', '2024-01-01'], ['year 9999', '9999-12-31T23:59:59Z']);
    return values;
  }

  private boundaryValues(schema: SchemaObject): [string, unknown][] {
    const values: [string, unknown][] = [];
    const type = valueType(schema);
    if (type === 'string') {
      const minLength = schema.minLength ?? 0;
      values.push(['shortest string', 'm'.repeat(minLength)]);
      if (minLength > 0) values.push(['too short', 'm'.repeat(minLength - 1)]);
      if (schema.maxLength !== undefined) {
        values.push(['longest string', 'M'.repeat(schema.maxLength)], ['too long', 'M'.repeat(schema.maxLength + 1)]);
      }
    }
    if (schema.minimum !== undefined) values.push(['minimum', schema.minimum], ['below minimum', schema.minimum - 1]);
    if (schema.maximum !== undefined) values.push(['maximum', schema.maximum], ['above maximum', schema.maximum + 1]);
    if (type === 'array') {
      values.push(['empty array', []], ['long array', new Array(schema.maxItems ?? 1000).fill('15550000000')]);
      if (schema.maxItems !== undefined) values.push(['too many items', new Array(schema.maxItems + 1).fill('*')]);
    }
    if (schema.enum) values.push(['not in enum', 'not-a-choice']);
    return values;
  }

  private wrongBody(
    bodySchema: SchemaObject | undefined,
    valid: unknown,
  ): { body: unknown; rawBody?: string; variant: string } {
    const resolved = bodySchema ? resolveSchema(this.document, bodySchema) : undefined;
    const fields = Object.entries(resolved?.properties ?? {});
    const whole: [string, unknown][] = [
      ['null', null],
      ['array', [valid]],
      ['string', 'text'],
      ['number', 7],
      ['empty object', {}],
    ];
    const choice = this.random.int(0, fields.length > 0 ? 5 : 1);
    if (choice === 5 || (choice === 1 && fields.length === 0)) {
      const depth = this.random.pick([33, 200, 2000]);
      return { body: undefined, rawBody: deepJson(depth), variant: `body: nested ${depth} levels deep` };
    }
    if (choice === 0 || fields.length === 0 || typeof valid !== 'object' || valid === null) {
      const [label, body] = this.random.pick(whole);
      return { body, variant: `body: ${label}` };
    }
    const record = { ...(valid as Record<string, unknown>) };
    if (choice === 1) {
      record[this.random.pick(['unexpected', '__proto__', 'constructor', 'id', 'userId'])] = this.random.word(6);
      return { body: record, variant: 'body: extra field' };
    }
    const [name, schema] = this.random.pick(fields);
    if (choice === 2) {
      const without = Object.fromEntries(Object.entries(record).filter(([field]) => field !== name));
      return { body: without, variant: `body.${name}: missing` };
    }
    const candidates = [...this.boundaryValues(resolveSchema(this.document, schema)), ...WRONG_VALUES];
    const [label, value] = this.random.pick(candidates);
    record[name] = value;
    return { body: record, variant: `body.${name}: ${label}` };
  }

  private wrongContentType(valid: unknown): { contentType: string; rawBody: string; variant: string } {
    const json = JSON.stringify(valid ?? {});
    const [label, contentType, rawBody] = this.random.pick<[string, string, string]>([
      ['JSON as text/plain', 'text/plain', json],
      ['form-encoded', 'application/x-www-form-urlencoded', 'a=1&b=%00'],
      ['XML', 'application/xml', '<a>1</a>'],
      ['malformed JSON', 'application/json', '{"a":'],
      ['JSON in UTF-16', 'application/json; charset=utf-16', json],
      ['unknown charset', 'application/json; charset=klingon', json],
      ['number too large for JSON', 'application/json', '{"a":1e400}'],
      ['byte order mark', 'application/json', `\ufeff${json}`],
      ['huge JSON', 'application/json', JSON.stringify({ padding: 'p'.repeat(2_000_000) })],
    ]);
    return { contentType, rawBody, variant: `content type: ${label}` };
  }
}

/** JSON text nested `depth` objects deep, written without recursion so any depth is possible. */
function deepJson(depth: number): string {
  return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}
