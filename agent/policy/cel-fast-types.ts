// Static types of the fast CEL path (cel-compile.ts): the few shapes rule expressions use,
// derived from the same schema tree (cel-schema.ts) the library's environment is declared from,
// and bound to the generated classes (cel-types.ts) so a value's object type is checked by
// constructor identity, exactly as the library does.
import type { FieldType, ObjectSchema } from './cel-schema.js';

export type ScalarKind = 'int' | 'double' | 'string' | 'bool' | 'null'; // no uint: rules do not use it
export interface ScalarFastType { kind: ScalarKind }
export interface ListFastType { kind: 'list'; of: FastType }
export interface MapFastType { kind: 'map'; key: FastType; value: FastType }
export interface ObjectFastType {
  kind: 'object';
  name: string;
  ctor: abstract new () => unknown;
  fields: Record<string, FastType>;
}
export type FastType = ScalarFastType | ListFastType | MapFastType | ObjectFastType;

/** The generated class of each registered object type, by CEL type name (filled by cel-types.ts). */
export type CelClasses = Map<string, abstract new () => unknown>;

export function scalar(kind: ScalarKind): ScalarFastType {
  return { kind };
}

/** The library's spelling of a type (what `check()` reports), to cross-check our inference. */
export function typeName(t: FastType): string {
  switch (t.kind) {
    case 'list': return `list<${typeName(t.of)}>`;
    case 'map': return `map<${typeName(t.key)}, ${typeName(t.value)}>`;
    case 'object': return t.name;
    default: return t.kind;
  }
}

export function sameType(a: FastType, b: FastType): boolean {
  return typeName(a) === typeName(b);
}

export function isScalar(t: FastType, ...kinds: ScalarKind[]): t is ScalarFastType {
  return (kinds as string[]).includes(t.kind);
}

/** The object type `name` with fields from `schema`; throws if a class was not registered. */
export function objectType(name: string, schema: ObjectSchema, classes: CelClasses): ObjectFastType {
  const ctor = classes.get(name);
  if (!ctor) throw new Error(`cel fast path: no registered class for CEL type ${name}`);
  const fields: Record<string, FastType> = {};
  for (const [field, type] of Object.entries(schema)) fields[field] = fieldType(type, classes);
  return { kind: 'object', name, ctor, fields };
}

function fieldType(type: FieldType, classes: CelClasses): FastType {
  if (typeof type !== 'string') {
    if ('object' in type) return objectType(type.object, type.fields, classes);
    return { kind: 'list', of: objectType(type.listOf, type.fields, classes) };
  }
  switch (type) {
    case 'list<string>': return { kind: 'list', of: scalar('string') };
    case 'list<int>': return { kind: 'list', of: scalar('int') };
    case 'map<string, string>': return { kind: 'map', key: scalar('string'), value: scalar('string') };
    default: return scalar(type);
  }
}
