// JSON Schemas (draft 2020-12, as OpenAPI 3.1 and AsyncAPI 3 read them) built so the compiler checks each one
// against the TypeScript type it describes: a field added, removed, renamed, made nullable or optional on one side
// and not the other fails the build.

export type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null';

export interface JsonSchema {
  $ref?: string;
  type?: JsonType | JsonType[];
  const?: unknown;
  enum?: unknown[];
  format?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  description?: string;
  examples?: unknown[];
}

/**
 * A schema of values of type T. `T` is invariant (the phantom is a function of T to T), so a schema of `string` is
 * not one of `string | null`, nor the other way round.
 */
export interface Schema<T> {
  readonly json: JsonSchema;
  readonly type?: (value: T) => T;
}

/** A property that may be left out. */
export interface OptionalProperty<T> {
  readonly optional: Schema<T>;
}

/** Documentation for a schema: what it means, and an example value. */
export interface Annotations<T> {
  description?: string;
  example?: T;
}

/** One schema per property of T: required properties need a Schema, optional ones an `optional(…)`. */
export type PropertySchemas<T> = {
  [K in keyof T]-?: object extends Pick<T, K> ? OptionalProperty<Exclude<T[K], undefined>> : Schema<T[K]>;
};

function annotate<T>(json: JsonSchema, annotations: Annotations<T> = {}): JsonSchema {
  const result = { ...json };
  if (annotations.description !== undefined) result.description = annotations.description;
  if (annotations.example !== undefined) result.examples = [annotations.example];
  return result;
}

export function string(annotations?: Annotations<string> & { format?: 'date-time' | 'uuid' | 'uri' }): Schema<string> {
  const json: JsonSchema = { type: 'string' };
  if (annotations?.format) json.format = annotations.format;
  return { json: annotate(json, annotations) };
}

/** An ISO 8601 instant, as `Date.toISOString()` writes it. */
export function dateTime(annotations?: Annotations<string>): Schema<string> {
  return string({ ...annotations, format: 'date-time' });
}

export function number(annotations?: Annotations<number>): Schema<number> {
  return { json: annotate({ type: 'number' }, annotations) };
}

export function integer(annotations?: Annotations<number>): Schema<number> {
  return { json: annotate({ type: 'integer' }, annotations) };
}

export function boolean(annotations?: Annotations<boolean>): Schema<boolean> {
  return { json: annotate({ type: 'boolean' }, annotations) };
}

/** Exactly this value. */
export function literal<const V extends string | number | boolean>(value: V, annotations?: Annotations<V>): Schema<V> {
  const type = typeof value === 'number' ? (Number.isInteger(value) ? 'integer' : 'number') : typeof value;
  return { json: annotate({ type: type as JsonType, const: value }, annotations) };
}

/** One of these strings. */
export function oneOfValues<const V extends string>(values: readonly V[], annotations?: Annotations<V>): Schema<V> {
  return { json: annotate({ type: 'string', enum: [...values] }, annotations) };
}

export function arrayOf<T>(items: Schema<T>, annotations?: Annotations<T[]>): Schema<T[]> {
  return { json: annotate({ type: 'array', items: items.json }, annotations) };
}

/** The value, or null: a type array for a plain type (with null among an enum's values), else `anyOf` with null. */
export function nullable<T>(schema: Schema<T>, annotations?: Annotations<T | null>): Schema<T | null> {
  const { json } = schema;
  const { description, examples, ...rest } = json;
  const inner = { ...(description === undefined ? {} : { description }), ...(examples ? { examples } : {}) };
  let result: JsonSchema;
  if (typeof rest.type === 'string' && rest.$ref === undefined) {
    result = { ...json, type: [rest.type, 'null'] };
    if (json.enum) result.enum = [...json.enum, null];
  } else {
    result = { ...inner, anyOf: [rest, { type: 'null' }] };
  }
  return { json: annotate(result, annotations) };
}

export function optional<T>(schema: Schema<T>): OptionalProperty<T> {
  return { optional: schema };
}

/**
 * An object with exactly the properties of T (`object<ChatRef>({...})`); no others are allowed, so a receiver's
 * validator notices a field the type does not declare.
 */
export function object<T>(properties: PropertySchemas<T>, annotations?: Annotations<T>): Schema<T> {
  const entries = Object.entries(properties as Record<string, Schema<unknown> | OptionalProperty<unknown>>);
  const json: JsonSchema = {
    type: 'object',
    properties: Object.fromEntries(
      entries.map(([name, property]) => [name, 'optional' in property ? property.optional.json : property.json]),
    ),
    required: entries.filter(([, property]) => !('optional' in property)).map(([name]) => name),
    additionalProperties: false,
  };
  return { json: annotate(json, annotations) };
}

/** Exactly one of these shapes: `oneOf<[A, B]>(a, b)` is a schema of `A | B`. */
export function oneOf<T extends unknown[]>(...alternatives: { [I in keyof T]: Schema<T[I]> }): Schema<T[number]> {
  return { json: { oneOf: alternatives.map((alternative) => alternative.json) } };
}

/** A set of named schemas (`#/components/schemas/<name>`), referenced where they are used. */
export class SchemaComponents {
  private readonly definitions = new Map<string, JsonSchema>();

  /** Registers the schema under `name` and returns a reference to it, of the same type. */
  define<T>(name: string, schema: Schema<T>): Schema<T> {
    if (this.definitions.has(name)) throw new Error(`Schema ${name} is defined twice`);
    this.definitions.set(name, schema.json);
    return { json: { $ref: `#/components/schemas/${name}` } };
  }

  all(): Record<string, JsonSchema> {
    return Object.fromEntries(this.definitions);
  }
}

/** Named schemas from several sets in one; two schemas of one name would make a reference ambiguous. */
export function mergeComponents(...sets: Record<string, JsonSchema>[]): Record<string, JsonSchema> {
  const merged: Record<string, JsonSchema> = {};
  for (const set of sets) {
    for (const [name, schema] of Object.entries(set)) {
      if (name in merged) throw new Error(`Schema ${name} is defined twice`);
      merged[name] = schema;
    }
  }
  return merged;
}
