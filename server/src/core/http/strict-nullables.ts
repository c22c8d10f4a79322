// OpenAPI 3.0's `nullable` only widens the `type` beside it, so two shapes Nest's swagger writes never admit null to
// a strict reader (ajv, openapi-generator, the contract fuzzer): this rewrites them to say what the API answers.
import type { OpenAPIObject, ReferenceObject, SchemaObject } from '@nestjs/swagger';

type Schema = SchemaObject | ReferenceObject;

/**
 * A nullable object property becomes `{ nullable, allOf: [{ $ref }] }`, whose referenced schema rejects null: it is
 * written inline instead, with `nullable` beside its `type`. A nullable enum gets null among its values.
 */
export function strictNullables(document: OpenAPIObject): OpenAPIObject {
  const components = document.components?.schemas ?? {};
  const rewrite = (schema: Schema): Schema => {
    if ('$ref' in schema) return schema;
    let result: SchemaObject = { ...schema };
    const only = result.allOf?.length === 1 ? result.allOf[0] : undefined;
    if (result.nullable && only && '$ref' in only) {
      const rest = { ...result };
      delete rest.allOf;
      const target = components[only.$ref.replace('#/components/schemas/', '')];
      if (!target || '$ref' in target) throw new Error(`Unresolved ${only.$ref}`);
      result = { ...target, ...rest, nullable: true };
    }
    if (result.nullable && result.enum && !result.enum.includes(null)) result.enum = [...result.enum, null];
    if (result.properties) {
      result.properties = Object.fromEntries(
        Object.entries(result.properties).map(([name, property]) => [name, rewrite(property)]),
      );
    }
    if (result.items) result.items = rewrite(result.items);
    for (const key of ['allOf', 'oneOf', 'anyOf'] as const) {
      const members = result[key];
      if (members) result[key] = members.map(rewrite);
    }
    return result;
  };
  return {
    ...document,
    components: {
      ...document.components,
      schemas: Object.fromEntries(Object.entries(components).map(([name, schema]) => [name, rewrite(schema)])),
    },
  };
}
