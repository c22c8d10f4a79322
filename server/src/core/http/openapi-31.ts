// Nest's swagger writes OpenAPI 3.0 (`nullable: true`); the published document is OpenAPI 3.1, whose schemas are
// JSON Schema 2020-12: this rewrites every schema in the one step, so strict readers (ajv, code generators, the
// contract fuzzer) see null exactly where the API sends it.
import type { OpenAPIObject } from '@nestjs/swagger';
import type { JsonSchema } from './typed-schema';

/** A schema as Nest writes it: JSON Schema plus OpenAPI 3.0's `nullable`. */
interface Schema30 extends JsonSchema {
  nullable?: boolean;
  allOf?: JsonSchema[];
  [keyword: string]: unknown;
}

const NESTED_LISTS = ['allOf', 'oneOf', 'anyOf'] as const;

/**
 * One schema in 3.1 form. `nullable` beside a type becomes a type array (and null joins an enum's values); a nullable
 * reference (`{nullable, allOf: [{$ref}]}`, Nest's way) becomes `anyOf: [{$ref}, {type: 'null'}]`.
 */
export function schemaTo31(schema: Schema30): JsonSchema {
  const { nullable, ...rest } = schema;
  const result: Schema30 = { ...rest };
  if (result.properties) {
    result.properties = Object.fromEntries(
      Object.entries(result.properties).map(([name, property]) => [name, schemaTo31(property as Schema30)]),
    );
  }
  if (result.items) result.items = schemaTo31(result.items as Schema30);
  if (typeof result.additionalProperties === 'object') {
    result.additionalProperties = schemaTo31(result.additionalProperties as Schema30);
  }
  for (const key of NESTED_LISTS) {
    const members = result[key];
    if (members) result[key] = members.map((member) => schemaTo31(member as Schema30));
  }
  if (!nullable) return result;
  const only = result.allOf?.length === 1 ? result.allOf[0] : undefined;
  if (only?.$ref) {
    const annotations = { ...result };
    delete annotations.allOf;
    delete annotations.type;
    return { ...annotations, anyOf: [only, { type: 'null' }] };
  }
  if (typeof result.type === 'string') {
    result.type = [result.type, 'null'];
    if (result.enum && !result.enum.includes(null)) result.enum = [...result.enum, null];
    return result;
  }
  return { anyOf: [result, { type: 'null' }] };
}

interface Content {
  schema?: Schema30;
}

/** The whole document in 3.1 form: components, parameters, request bodies and responses. */
export function toOpenApi31(document: OpenAPIObject): OpenAPIObject {
  const content = (media: Record<string, Content> | undefined): Record<string, Content> | undefined =>
    media &&
    Object.fromEntries(
      Object.entries(media).map(([type, entry]) => [
        type,
        entry.schema ? { ...entry, schema: schemaTo31(entry.schema) as Schema30 } : entry,
      ]),
    );
  const paths = Object.fromEntries(
    Object.entries(document.paths).map(([path, item]) => [
      path,
      Object.fromEntries(
        Object.entries(item as Record<string, unknown>).map(([method, operation]) => {
          if (typeof operation !== 'object' || operation === null || !('responses' in operation)) {
            return [method, operation];
          }
          const { parameters, requestBody, responses } = operation as {
            parameters?: (Content & Record<string, unknown>)[];
            requestBody?: { content?: Record<string, Content> };
            responses: Record<string, { content?: Record<string, Content> }>;
          };
          return [
            method,
            {
              ...operation,
              ...(parameters && {
                parameters: parameters.map((parameter) =>
                  parameter.schema ? { ...parameter, schema: schemaTo31(parameter.schema) } : parameter,
                ),
              }),
              ...(requestBody && { requestBody: { ...requestBody, content: content(requestBody.content) } }),
              responses: Object.fromEntries(
                Object.entries(responses).map(([status, response]) => [
                  status,
                  response.content ? { ...response, content: content(response.content) } : response,
                ]),
              ),
            },
          ];
        }),
      ),
    ]),
  );
  const schemas = document.components?.schemas ?? {};
  return {
    ...document,
    openapi: '3.1.0',
    paths: paths as OpenAPIObject['paths'],
    components: {
      ...document.components,
      schemas: Object.fromEntries(
        Object.entries(schemas).map(([name, schema]) => [name, schemaTo31(schema as Schema30) as object]),
      ),
    },
  };
}
