// The server's OpenAPI 3.1 document as tests read it: its operations, and a validator for the JSON Schema subset it uses.

export type SchemaType = 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null';

export interface SchemaObject {
  $ref?: string;
  /** One type, or several (`['string', 'null']`: a nullable string). */
  type?: SchemaType | SchemaType[];
  format?: string;
  const?: unknown;
  enum?: unknown[];
  properties?: Record<string, SchemaObject>;
  required?: string[];
  additionalProperties?: boolean | SchemaObject;
  items?: SchemaObject;
  allOf?: SchemaObject[];
  oneOf?: SchemaObject[];
  anyOf?: SchemaObject[];
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  default?: unknown;
  example?: unknown;
}

export interface ParameterObject {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: SchemaObject;
}

interface MediaTypeObject {
  schema?: SchemaObject;
}

export interface OperationObject {
  operationId?: string;
  parameters?: ParameterObject[];
  requestBody?: { required?: boolean; content: Record<string, MediaTypeObject> };
  responses: Record<string, { description?: string; content?: Record<string, MediaTypeObject> }>;
  security?: Record<string, string[]>[];
  /** The API key scope the operation needs (`any`: any key); absent where no key may call it. */
  'x-required-scope'?: string;
}

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, OperationObject>>;
  components: { schemas: Record<string, SchemaObject> };
}

export interface Operation {
  method: string;
  /** The path template, e.g. `/api/v1/sessions/{id}`. */
  path: string;
  /** `METHOD /path`, to name the operation in test output. */
  name: string;
  definition: OperationObject;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

export async function readOpenApiDocument(baseUrl: string): Promise<OpenApiDocument> {
  const response = await fetch(`${baseUrl}/api/docs-json`);
  if (response.status !== 200) throw new Error(`/api/docs-json answered ${response.status}`);
  return (await response.json()) as OpenApiDocument;
}

export function operationsOf(document: OpenApiDocument): Operation[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, definition]) => ({
        method: method.toUpperCase(),
        path,
        name: `${method.toUpperCase()} ${path}`,
        definition,
      })),
  );
}

export function parametersOf(operation: Operation, location: ParameterObject['in']): ParameterObject[] {
  return (operation.definition.parameters ?? []).filter((parameter) => parameter.in === location);
}

/** The kind of object a path parameter names: the path segment before it, e.g. `sessions` for `/sessions/{id}`. */
export function resourceOf(operation: Operation, parameter: ParameterObject): string {
  const segments = operation.path.split('/');
  return segments[segments.indexOf(`{${parameter.name}}`) - 1];
}

/** The JSON schema of the request body, when the operation takes one. */
export function requestBodySchema(operation: Operation): SchemaObject | undefined {
  return operation.definition.requestBody?.content['application/json']?.schema;
}

/** The schema the document declares for an answer, by status and content type; undefined when it declares none. */
export function responseSchema(operation: Operation, status: number, contentType: string): SchemaObject | undefined {
  const content = operation.definition.responses[String(status)]?.content;
  if (!content) return undefined;
  const mediaType = Object.keys(content).find((type) => contentType.startsWith(type));
  return mediaType ? content[mediaType].schema : undefined;
}

export function isDeclaredStatus(operation: Operation, status: number): boolean {
  return String(status) in operation.definition.responses;
}

export function resolveSchema(document: OpenApiDocument, schema: SchemaObject): SchemaObject {
  if (!schema.$ref) return schema;
  const name = schema.$ref.replace('#/components/schemas/', '');
  const target = document.components.schemas[name];
  if (!target) throw new Error(`Unresolved ${schema.$ref}`);
  return resolveSchema(document, target);
}

// RFC 3339 date-time, as JSON.stringify(Date) writes it and the document promises.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** The schema's types, as a list (empty when it does not say). */
export function typesOf(schema: SchemaObject): SchemaType[] {
  if (schema.type === undefined) return [];
  return Array.isArray(schema.type) ? schema.type : [schema.type];
}

/** The type of a value the schema describes, null left aside: `string` for `['string', 'null']`. */
export function valueType(schema: SchemaObject): SchemaType | undefined {
  return typesOf(schema).find((type) => type !== 'null');
}

/** `anyOf: [X, {type: 'null'}]`, OpenAPI 3.1's nullable reference: X, else undefined. */
export function nullableMember(schema: SchemaObject): SchemaObject | undefined {
  if (schema.anyOf?.length !== 2) return undefined;
  const others = schema.anyOf.filter((member) => !(member.type === 'null' && Object.keys(member).length === 1));
  return others.length === 1 ? others[0] : undefined;
}

function matchesType(types: SchemaType[], value: unknown): boolean {
  const actual = typeOf(value);
  return types.some((type) => actual === type || (type === 'number' && actual === 'integer'));
}

/**
 * Validates a value against a schema with JSON Schema 2020-12 semantics (as OpenAPI 3.1 reads it) and returns what is
 * wrong, one line per finding (empty when it conforms). Null is a value like any other: admitted only where a type
 * array, an enum or an `anyOf` says so.
 */
export function validateAgainstSchema(
  document: OpenApiDocument,
  schema: SchemaObject,
  value: unknown,
  at = '$',
): string[] {
  if (schema.$ref) return validateAgainstSchema(document, resolveSchema(document, schema), value, at);
  const findings: string[] = [];
  const types = typesOf(schema);
  if (types.length > 0 && !matchesType(types, value)) {
    return [`${at}: expected ${types.join(' or ')}, got ${typeOf(value)}`];
  }
  if (schema.const !== undefined && schema.const !== value) {
    findings.push(`${at}: ${JSON.stringify(value)} is not ${JSON.stringify(schema.const)}`);
  }
  if (schema.enum && !schema.enum.includes(value)) {
    findings.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  }
  for (const member of schema.allOf ?? []) findings.push(...validateAgainstSchema(document, member, value, at));
  if (schema.oneOf) {
    const matching = schema.oneOf.filter((member) => validateAgainstSchema(document, member, value, at).length === 0);
    if (matching.length !== 1) findings.push(`${at}: matches ${matching.length} of the oneOf alternatives, not 1`);
  }
  if (schema.anyOf && schema.anyOf.every((member) => validateAgainstSchema(document, member, value, at).length > 0)) {
    findings.push(`${at}: matches none of the anyOf alternatives`);
  }
  if (value === null) return findings;
  if (typeof value === 'string') findings.push(...validateString(schema, value, at));
  const items = schema.items;
  if (Array.isArray(value) && items) {
    value.forEach((item, index) => findings.push(...validateAgainstSchema(document, items, item, `${at}[${index}]`)));
  }
  if (typeOf(value) === 'object')
    findings.push(...validateObject(document, schema, value as Record<string, unknown>, at));
  return findings;
}

function validateString(schema: SchemaObject, value: string, at: string): string[] {
  if (schema.format === 'date-time' && (!DATE_TIME.test(value) || Number.isNaN(Date.parse(value)))) {
    return [`${at}: ${JSON.stringify(value)} is not a date-time`];
  }
  if (schema.format === 'uuid' && !UUID.test(value)) return [`${at}: ${JSON.stringify(value)} is not a uuid`];
  return [];
}

function validateObject(
  document: OpenApiDocument,
  schema: SchemaObject,
  value: Record<string, unknown>,
  at: string,
): string[] {
  const findings: string[] = [];
  for (const name of schema.required ?? []) {
    if (!(name in value)) findings.push(`${at}.${name}: required but missing`);
  }
  const properties = schema.properties ?? {};
  for (const [name, field] of Object.entries(value)) {
    const declared = properties[name];
    if (declared) findings.push(...validateAgainstSchema(document, declared, field, `${at}.${name}`));
    else if (
      schema.additionalProperties === false ||
      (schema.properties && schema.additionalProperties === undefined && !schema.allOf && !schema.oneOf)
    ) {
      findings.push(`${at}.${name}: not declared`);
    } else if (typeof schema.additionalProperties === 'object') {
      findings.push(...validateAgainstSchema(document, schema.additionalProperties, field, `${at}.${name}`));
    }
  }
  return findings;
}
