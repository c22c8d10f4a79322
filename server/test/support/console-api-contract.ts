// Compares the console's API types (TypeScript, read with the compiler) with the server's documents, shape by shape:
// REST against the OpenAPI document, realtime events against the AsyncAPI document (both JSON Schema 2020-12).
import path from 'node:path';
import ts from 'typescript';

/**
 * A type reduced to what both sides can say: primitives, string enums, arrays, objects with their properties, free-form
 * maps (`Record<string, unknown>`) and unions of those.
 */
export type Shape =
  | { kind: 'primitive'; name: 'string' | 'number' | 'boolean' | 'unknown' }
  | { kind: 'enum'; values: string[] }
  | { kind: 'array'; items: Shape }
  | { kind: 'object'; name: string; properties: Map<string, Property> }
  | { kind: 'map' }
  | { kind: 'union'; members: Shape[] };

export interface Property {
  shape: Shape;
  optional: boolean;
  nullable: boolean;
}

/**
 * How the console uses a shape: it reads every field of a response; it sends a request body (every field the server
 * requires, none the server does not know); it sends query parameters the server knows.
 */
export type Direction = 'response' | 'request' | 'query';

// The console's side

/**
 * The shapes of TypeScript type expressions (`Page<Session>`, `Partial<WebhookSettings>`) written against the exports
 * of `typesFile`, read with the compiler in strict mode so `| null` and `?` mean what they say.
 */
export function consoleShapes(typesFile: string, expressions: string[]): Map<string, Shape> {
  const directory = path.dirname(typesFile);
  const probeFile = path.join(directory, '__api-contract-probe__.ts');
  const names = new Set(expressions.flatMap((expression) => expression.match(/\b[A-Z]\w*/g) ?? []));
  const builtIns = new Set(['Partial', 'Record']);
  const imported = [...names].filter((name) => !builtIns.has(name));
  const probe = [
    `import type { ${imported.join(', ')} } from './${path.basename(typesFile, '.ts')}';`,
    ...expressions.map((expression, index) => `export type Probe${index} = ${expression};`),
  ].join('\n');

  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts'],
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (file) => (file === probeFile ? probe : readFile(file));
  host.fileExists = (file) => file === probeFile || fileExists(file);
  host.getSourceFile = (file, language, ...rest) =>
    file === probeFile ? ts.createSourceFile(file, probe, language, true) : getSourceFile(file, language, ...rest);
  const program = ts.createProgram([probeFile], options, host);
  const problems = ts.getPreEmitDiagnostics(program);
  if (problems.length > 0) {
    throw new Error(ts.formatDiagnostics(problems, { ...host, getNewLine: () => '\n' }));
  }

  const checker = program.getTypeChecker();
  const source = program.getSourceFile(probeFile) as ts.SourceFile;
  const shapes = new Map<string, Shape>();
  source.statements.filter(ts.isTypeAliasDeclaration).forEach((alias, index) => {
    shapes.set(expressions[index], typeShape(checker, checker.getTypeAtLocation(alias.name), expressions[index]));
  });
  return shapes;
}

function typeShape(checker: ts.TypeChecker, type: ts.Type, name: string): Shape {
  const members = type.isUnion() ? type.types : [type];
  const literals = members.filter((member): member is ts.StringLiteralType => member.isStringLiteral());
  if (type.flags & ts.TypeFlags.Boolean || members.every((member) => member.flags & ts.TypeFlags.BooleanLiteral)) {
    return { kind: 'primitive', name: 'boolean' };
  }
  if (literals.length > 0 && literals.length === members.length) {
    return { kind: 'enum', values: literals.map((literal) => literal.value).sort() };
  }
  if (type.isUnion()) {
    return { kind: 'union', members: members.map((member) => typeShape(checker, member, name)) };
  }
  if (type.flags & ts.TypeFlags.String) return { kind: 'primitive', name: 'string' };
  if (type.flags & ts.TypeFlags.Number) return { kind: 'primitive', name: 'number' };
  if (type.flags & ts.TypeFlags.Unknown) return { kind: 'primitive', name: 'unknown' };
  if (checker.isArrayType(type)) {
    return { kind: 'array', items: typeShape(checker, checker.getTypeArguments(type as ts.TypeReference)[0], name) };
  }
  const symbols = checker.getPropertiesOfType(type);
  if (symbols.length === 0 && checker.getIndexInfoOfType(type, ts.IndexKind.String)) return { kind: 'map' };
  const properties = new Map<string, Property>();
  for (const symbol of symbols) {
    const type = checker.getTypeOfSymbol(symbol);
    const nullable = (type.isUnion() ? type.types : [type]).some((member) => member.flags & ts.TypeFlags.Null);
    properties.set(symbol.name, {
      shape: typeShape(checker, checker.getNonNullableType(type), `${name}.${symbol.name}`),
      optional: (symbol.flags & ts.SymbolFlags.Optional) !== 0,
      nullable,
    });
  }
  return { kind: 'object', name, properties };
}

// The server's side

interface SchemaObject {
  $ref?: string;
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  items?: SchemaObject;
  properties?: Record<string, SchemaObject>;
  required?: string[];
  allOf?: SchemaObject[];
  oneOf?: SchemaObject[];
  anyOf?: SchemaObject[];
  additionalProperties?: unknown;
}

/** What both documents share: their schemas under `#/components/schemas`. */
interface SchemaDocument {
  components: { schemas: Record<string, SchemaObject> };
}

interface Operation {
  parameters?: { name: string; in: string; required?: boolean }[];
  requestBody?: { content?: Record<string, { schema?: SchemaObject }> };
  responses?: Record<string, { content?: Record<string, { schema?: SchemaObject }> }>;
}

export interface OpenApiDocument extends SchemaDocument {
  paths: Record<string, Record<string, Operation>>;
}

export interface AsyncApiDocument extends SchemaDocument {
  channels: Record<string, { messages: Record<string, { $ref: string }> }>;
  components: SchemaDocument['components'] & { messages: Record<string, { name: string; payload: SchemaObject }> };
}

/** `GET /api/v1/sessions/{id}`: the operation, or an error naming what is missing. */
export function operation(document: OpenApiDocument, route: string): Operation {
  const [method, routePath] = route.split(' ');
  const found = document.paths[routePath]?.[method.toLowerCase()];
  if (!found) throw new Error(`The server's OpenAPI document has no ${route}`);
  return found;
}

/** The JSON schemas a route answers with, or accepts: one, or the alternatives of a `oneOf`. */
export function routeSchemas(document: OpenApiDocument, route: string, direction: 'response' | 'request'): Shape[] {
  const [method, routePath, status] = route.split(' ');
  const found = operation(document, `${method} ${routePath}`);
  const content = direction === 'request' ? found.requestBody?.content : found.responses?.[status]?.content;
  const schema = content?.['application/json']?.schema;
  if (!schema) throw new Error(`${route} has no JSON ${direction} schema in the server's OpenAPI document`);
  const alternatives = schema.oneOf ?? [schema];
  return alternatives.map((alternative) => schemaShape(document, alternative, route));
}

/** The payload schema of a channel's message, by the message's name: `socketIo session.status`. */
export function messageSchema(document: AsyncApiDocument, message: string): Shape {
  const [channel, ...name] = message.split(' ');
  const references = Object.values(document.channels[channel]?.messages ?? {});
  const found = references
    .map((reference) => document.components.messages[reference.$ref.replace('#/components/messages/', '')])
    .find((candidate) => candidate?.name === name.join(' '));
  if (!found) throw new Error(`The server's AsyncAPI document has no message ${message}`);
  return schemaShape(document, found.payload, message);
}

/** The query parameters of a route, as an object whose properties are the parameters. */
export function queryShape(document: OpenApiDocument, route: string): Shape {
  const properties = new Map<string, Property>();
  for (const parameter of operation(document, route).parameters ?? []) {
    if (parameter.in !== 'query') continue;
    properties.set(parameter.name, {
      shape: { kind: 'primitive', name: 'unknown' },
      optional: !parameter.required,
      nullable: false,
    });
  }
  return { kind: 'object', name: `${route} query`, properties };
}

const isNull = (schema: SchemaObject): boolean => schema.type === 'null';

/** Null is among the values: a type array with null, or (a nullable reference) `anyOf` with `{type: 'null'}`. */
function isNullable(schema: SchemaObject): boolean {
  return (Array.isArray(schema.type) && schema.type.includes('null')) || (schema.anyOf ?? []).some(isNull);
}

/** The schema's type other than null (`string` for `['string', 'null']`). */
function valueType(schema: SchemaObject): string | undefined {
  return Array.isArray(schema.type) ? schema.type.find((type) => type !== 'null') : schema.type;
}

function resolve(document: SchemaDocument, schema: SchemaObject): { schema: SchemaObject; name?: string } {
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    const target = document.components.schemas[name];
    if (!target) throw new Error(`Unresolved ${schema.$ref}`);
    return { schema: target, name };
  }
  // A reference Nest's swagger writes with a description beside it: `{ allOf: [{ $ref }] }`.
  if (schema.allOf?.length === 1) return resolve(document, schema.allOf[0]);
  // A nullable reference: `{ anyOf: [{ $ref }, { type: 'null' }] }` (its nullability is its property's).
  const others = (schema.anyOf ?? []).filter((member) => !isNull(member));
  if (schema.anyOf && others.length === 1) return resolve(document, others[0]);
  return { schema };
}

function schemaShape(document: SchemaDocument, original: SchemaObject, context: string): Shape {
  const { schema, name } = resolve(document, original);
  if (schema.oneOf) {
    return { kind: 'union', members: schema.oneOf.map((member) => schemaShape(document, member, context)) };
  }
  const type = valueType(schema);
  if (typeof schema.const === 'string') return { kind: 'enum', values: [schema.const] };
  if (schema.enum) {
    const values = schema.enum.filter((value) => value !== null).map(String);
    return type === 'boolean' ? { kind: 'primitive', name: 'boolean' } : { kind: 'enum', values: values.sort() };
  }
  if (type === 'array') {
    return { kind: 'array', items: schemaShape(document, schema.items ?? {}, context) };
  }
  if (type === 'string') return { kind: 'primitive', name: 'string' };
  if (type === 'number' || type === 'integer') return { kind: 'primitive', name: 'number' };
  if (type === 'boolean') return { kind: 'primitive', name: 'boolean' };
  if (schema.properties) {
    const required = new Set(schema.required ?? []);
    const properties = new Map<string, Property>();
    for (const [property, propertySchema] of Object.entries(schema.properties)) {
      properties.set(property, {
        shape: schemaShape(document, propertySchema, `${context}.${property}`),
        optional: !required.has(property),
        nullable: isNullable(propertySchema),
      });
    }
    return { kind: 'object', name: name ?? context, properties };
  }
  if (type === 'object' && schema.additionalProperties) return { kind: 'map' };
  return { kind: 'primitive', name: 'unknown' };
}

// The comparison

/** Every way the console's shape and the server's differ, one sentence each; empty when they agree. */
export function differences(consoleShape: Shape, serverShape: Shape, direction: Direction, at: string): string[] {
  if (consoleShape.kind === 'primitive' && consoleShape.name === 'unknown') return [];
  if (serverShape.kind === 'primitive' && serverShape.name === 'unknown') return [];
  if (direction === 'response' && serverShape.kind === 'union' && consoleShape.kind === 'object') {
    return serverShape.members.flatMap((member) => coveringDifferences(consoleShape, member, at));
  }
  if (consoleShape.kind !== serverShape.kind) {
    return [`${at}: the console has ${describe(consoleShape)}, the server ${describe(serverShape)}`];
  }
  switch (consoleShape.kind) {
    case 'primitive':
    case 'enum':
    case 'map':
    case 'union':
      return describe(consoleShape) === describe(serverShape)
        ? []
        : [`${at}: the console has ${describe(consoleShape)}, the server ${describe(serverShape)}`];
    case 'array':
      return differences(consoleShape.items, (serverShape as typeof consoleShape).items, direction, `${at}[]`);
    case 'object':
      return objectDifferences(consoleShape, serverShape as typeof consoleShape, direction, at);
  }
}

/**
 * What keeps one console object from reading one alternative of a server union it stands for as a whole (an event
 * envelope per event type read as one `SessionEvent`): every field the alternative sends is in the console type, each
 * enum reads at least the alternative's values, and a free-form object reads any object.
 */
function coveringDifferences(consoleShape: Extract<Shape, { kind: 'object' }>, member: Shape, at: string): string[] {
  if (member.kind !== 'object')
    return [`${at}: the console has ${describe(consoleShape)}, the server ${describe(member)}`];
  const found: string[] = [];
  for (const [name, server] of member.properties) {
    const property = consoleShape.properties.get(name);
    const field = `${at}.${name} (server: ${member.name})`;
    if (!property) {
      found.push(`${field}: the server sends it, the console lacks it`);
    } else if (property.nullable !== server.nullable || property.optional !== server.optional) {
      found.push(`${field}: nullable/optional differ between the console and the server`);
    } else if (property.shape.kind === 'enum' && server.shape.kind === 'enum') {
      const consoleValues = property.shape.values;
      const unread = server.shape.values.filter((value) => !consoleValues.includes(value));
      if (unread.length > 0) found.push(`${field}: the console does not know ${unread.join(', ')}`);
    } else if (!(property.shape.kind === 'map' && server.shape.kind === 'object')) {
      found.push(...differences(property.shape, server.shape, 'response', field));
    }
  }
  return found;
}

function objectDifferences(
  consoleShape: Extract<Shape, { kind: 'object' }>,
  serverShape: Extract<Shape, { kind: 'object' }>,
  direction: Direction,
  at: string,
): string[] {
  const found: string[] = [];
  const where = `${at} (server: ${serverShape.name})`;
  for (const [name, property] of consoleShape.properties) {
    const server = serverShape.properties.get(name);
    if (!server) {
      found.push(`${where}: the console has "${name}", the server does not`);
      continue;
    }
    if (direction === 'query') continue;
    const field = `${at}.${name}`;
    if (property.nullable !== server.nullable) {
      found.push(`${field}: ${server.nullable ? 'nullable' : 'never null'} in the server, not in the console`);
    }
    if (direction === 'response' && property.optional !== server.optional) {
      found.push(`${field}: ${server.optional ? 'optional' : 'required'} in the server, not in the console`);
    }
    if (direction === 'request' && property.optional && !server.optional) {
      found.push(`${field}: required by the server, optional in the console`);
    }
    found.push(...differences(property.shape, server.shape, direction, field));
  }
  if (direction === 'response') {
    for (const name of serverShape.properties.keys()) {
      if (!consoleShape.properties.has(name)) found.push(`${where}: the server sends "${name}", the console lacks it`);
    }
  }
  if (direction === 'request') {
    for (const [name, server] of serverShape.properties) {
      if (!server.optional && !consoleShape.properties.has(name)) {
        found.push(`${where}: the server requires "${name}", the console does not send it`);
      }
    }
  }
  return found;
}

function describe(shape: Shape): string {
  switch (shape.kind) {
    case 'primitive':
      return shape.name;
    case 'enum':
      return `one of ${shape.values.join(' | ')}`;
    case 'array':
      return `an array of ${describe(shape.items)}`;
    case 'object':
      return `an object (${[...shape.properties.keys()].join(', ')})`;
    case 'map':
      return 'a free-form object';
    case 'union':
      return `either ${shape.members.map(describe).sort().join(' or ')}`;
  }
}
