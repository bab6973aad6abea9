// Turns the schema tree of cel-schema.ts into CEL message types (one generated class per object)
// and into converters from plain JS values to instances of those classes. Conversion happens once
// per container (spec) or once per tick (sample), never per rule, so evaluation stays cheap.
import type { Environment } from '@marcbachmann/cel-js';
import type { FieldType, ObjectSchema } from './cel-schema.js';
import type { CelClasses } from './cel-fast-types.js';

type CelClass = new () => Record<string, unknown>;
export type Converter = (value: unknown) => Record<string, unknown>;

function makeClass(name: string): CelClass {
  // A named class per type: cel-js finds a value's CEL type by its constructor.
  return { [name]: class { [key: string]: unknown } }[name] as CelClass;
}

function celTypeName(type: FieldType): string {
  if (typeof type === 'string') return type;
  return 'object' in type ? type.object : `list<${type.listOf}>`;
}

function defaultOf(type: FieldType): unknown {
  switch (type) {
    case 'string': return '';
    case 'bool': return false;
    case 'int': return 0n;
    case 'double': return 0;
    case 'map<string, string>': return {};
    default: return typeof type === 'string' || 'listOf' in type ? [] : undefined;
  }
}

function toInt(v: unknown): bigint {
  const n = Number(v);
  return Number.isFinite(n) ? BigInt(Math.trunc(n)) : 0n;
}

function toDouble(v: unknown): number {
  const n = Number(v);
  return Number.isFinite(n) ? n : 0;
}

/**
 * Registers the object types of `schema` (depth first) and returns a converter for its root.
 * `classes` collects the generated class of each type (the fast path checks values by class).
 */
export function registerObjectType(env: Environment, name: string, schema: ObjectSchema, classes?: CelClasses): Converter {
  const Ctor = makeClass(name);
  classes?.set(name, Ctor);
  const fieldConverters: Array<[string, (v: unknown) => unknown]> = [];
  const celFields: Record<string, string> = {};
  for (const [field, type] of Object.entries(schema)) {
    celFields[field] = celTypeName(type);
    fieldConverters.push([field, fieldConverter(env, type, classes)]);
  }
  env.registerType(name, { ctor: Ctor, fields: celFields });
  return (value) => {
    const source = (value ?? {}) as Record<string, unknown>;
    const out = new Ctor();
    for (const [field, convert] of fieldConverters) out[field] = convert(source[field]);
    return out;
  };
}

function fieldConverter(env: Environment, type: FieldType, classes?: CelClasses): (v: unknown) => unknown {
  if (typeof type !== 'string') {
    const convert = registerObjectType(env, 'object' in type ? type.object : type.listOf, type.fields, classes);
    if ('object' in type) return (v) => convert(v);
    return (v) => (Array.isArray(v) ? v.map((item) => convert(item)) : []);
  }
  switch (type) {
    case 'string': return (v) => (v === undefined || v === null ? '' : String(v));
    case 'bool': return (v) => v === true;
    case 'int': return (v) => (v === undefined ? defaultOf(type) : toInt(v));
    case 'double': return (v) => (v === undefined ? 0 : toDouble(v));
    case 'list<string>': return (v) => (Array.isArray(v) ? v.map(String) : []);
    case 'list<int>': return (v) => (Array.isArray(v) ? v.map(toInt) : []);
    case 'map<string, string>': return (v) => stringMap(v);
  }
}

function stringMap(v: unknown): Record<string, string> {
  if (!v || typeof v !== 'object') return {};
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) out[k] = String(val);
  return out;
}
