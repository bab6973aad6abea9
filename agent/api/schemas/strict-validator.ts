// A strict validator for request bodies. Fastify's ajv coerces types (`"cmd": "sh"` would become
// ["sh"], `"memoryBytes": "64"` 64), which is right for query strings and wrong for a JSON body
// that a program wrote: a wrong type there is a bug to report, not to repair. This checks the
// small JSON-schema subset our body schemas use, never changes the data, and reports errors in
// ajv's shape so the error handler names the field the same way for every part.
import type { FastifySchema, FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify';

type Schema = Record<string, unknown>;
type Check = (data: unknown) => { value: unknown } | { error: Error & { validation: FastifySchemaValidationError[] } };

const KNOWN = new Set(['type', 'properties', 'additionalProperties', 'required', 'items', 'enum', 'minItems',
  'minLength', 'pattern', 'minimum', 'maximum', 'description', '$id', 'default']);

export function compileStrict(schema: Schema): Check {
  assertSubset(schema, '#');
  return (data) => {
    const error = firstError(schema, data, '');
    if (!error) return { value: data };
    return { error: Object.assign(new Error(`${error.instancePath || '/'} ${error.message}`), { validation: [error] }) };
  };
}

/** Fastify route option: `validatorCompiler: strictValidatorCompiler`. */
export const strictValidatorCompiler: FastifySchemaCompiler<FastifySchema> = ({ schema }) => compileStrict(schema as Schema);

function assertSubset(schema: Schema, at: string): void {
  for (const key of Object.keys(schema)) if (!KNOWN.has(key)) throw new Error(`strict validator: unsupported keyword ${key} at ${at}`);
  for (const [name, sub] of Object.entries((schema.properties ?? {}) as Record<string, Schema>)) assertSubset(sub, `${at}/properties/${name}`);
  if (isSchema(schema.additionalProperties)) assertSubset(schema.additionalProperties, `${at}/additionalProperties`);
  if (isSchema(schema.items)) assertSubset(schema.items, `${at}/items`);
}

function firstError(schema: Schema, data: unknown, path: string): FastifySchemaValidationError | undefined {
  const fail = (keyword: string, message: string, params: Record<string, unknown> = {}) =>
    ({ keyword, instancePath: path, schemaPath: '', params, message }) as FastifySchemaValidationError;
  if (schema.type !== undefined && !typeMatches(schema.type as string | string[], data)) {
    return fail('type', `must be ${[schema.type].flat().join(',')}`, { type: schema.type });
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(data)) return fail('enum', 'must be equal to one of the allowed values', { allowedValues: schema.enum });
  if (typeof data === 'string' && typeof schema.minLength === 'number' && data.length < schema.minLength) return fail('minLength', `must NOT have fewer than ${schema.minLength} characters`);
  if (typeof data === 'string' && typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(data)) {
    return fail('pattern', `must match pattern "${schema.pattern}"`, { pattern: schema.pattern });
  }
  if (typeof data === 'number' && typeof schema.minimum === 'number' && data < schema.minimum) return fail('minimum', `must be >= ${schema.minimum}`);
  if (typeof data === 'number' && typeof schema.maximum === 'number' && data > schema.maximum) return fail('maximum', `must be <= ${schema.maximum}`);
  if (Array.isArray(data)) return arrayError(schema, data, path, fail);
  if (isPlainObject(data)) return objectError(schema, data, path, fail);
  return undefined;
}

function arrayError(schema: Schema, data: unknown[], path: string, fail: (k: string, m: string) => FastifySchemaValidationError) {
  if (typeof schema.minItems === 'number' && data.length < schema.minItems) return fail('minItems', `must NOT have fewer than ${schema.minItems} items`);
  if (!isSchema(schema.items)) return undefined;
  for (let i = 0; i < data.length; i++) {
    const e = firstError(schema.items, data[i], `${path}/${i}`);
    if (e) return e;
  }
  return undefined;
}

function objectError(schema: Schema, data: Record<string, unknown>, path: string,
  fail: (k: string, m: string, p: Record<string, unknown>) => FastifySchemaValidationError) {
  const props = (schema.properties ?? {}) as Record<string, Schema>;
  for (const name of (schema.required ?? []) as string[]) {
    if (data[name] === undefined) return fail('required', `must have required property '${name}'`, { missingProperty: name });
  }
  for (const [name, value] of Object.entries(data)) {
    const sub = props[name] ?? (isSchema(schema.additionalProperties) ? schema.additionalProperties : undefined);
    if (!sub && schema.additionalProperties === false) return fail('additionalProperties', 'must NOT have additional properties', { additionalProperty: name });
    const e = sub ? firstError(sub, value, `${path}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`) : undefined;
    if (e) return e;
  }
  return undefined;
}

function typeMatches(type: string | string[], data: unknown): boolean {
  return [type].flat().some((t) => {
    switch (t) {
      case 'integer': return Number.isInteger(data);
      case 'number': return typeof data === 'number' && Number.isFinite(data);
      case 'array': return Array.isArray(data);
      case 'object': return isPlainObject(data);
      case 'null': return data === null;
      default: return typeof data === t;
    }
  });
}

function isPlainObject(x: unknown): x is Record<string, unknown> { return typeof x === 'object' && x !== null && !Array.isArray(x); }
function isSchema(x: unknown): x is Schema { return isPlainObject(x); }
