// Small typed checkers for validating untrusted input field by field. Every failure is a
// BerthError INVALID_SPEC whose message starts with the field's path ("mounts[1].source: …")
// and whose details carry the same path, so API clients can point at the field.
import { BerthError } from '../errors.js';

export type Obj = Record<string, unknown>;

export function invalid(field: string, problem: string): BerthError {
  return new BerthError('INVALID_SPEC', `${field}: ${problem}`, { field });
}

/** A short, unambiguous rendering of a bad value for error messages. */
export function shown(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  return String(value);
}

export function join(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent ? `${parent}.${key}` : key;
}

export function object(value: unknown, field: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(field || 'spec', `must be an object, got ${shown(value)}`);
  }
  return value as Obj;
}

export function noUnknownKeys(obj: Obj, known: readonly string[], field: string): void {
  for (const key of Object.keys(obj)) {
    if (!known.includes(key)) throw invalid(join(field, key), `unknown field (known: ${known.join(', ')})`);
  }
}

export function string(value: unknown, field: string): string {
  if (typeof value !== 'string') throw invalid(field, `must be a string, got ${shown(value)}`);
  // Every string ends up NUL-terminated in the shim's plan: an embedded NUL would cut it short.
  if (value.includes('\0')) throw invalid(field, 'must not contain a NUL character');
  return value;
}

export function nonEmptyString(value: unknown, field: string): string {
  const s = string(value, field);
  if (s === '') throw invalid(field, 'must not be empty');
  return s;
}

export function absolutePath(value: unknown, field: string): string {
  const s = nonEmptyString(value, field);
  if (!s.startsWith('/')) throw invalid(field, `must be an absolute path, got ${shown(s)}`);
  if (s.split('/').includes('..')) throw invalid(field, `must not contain "..", got ${shown(s)}`);
  return s;
}

export function boolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw invalid(field, `must be true or false, got ${shown(value)}`);
  return value;
}

export function integer(value: unknown, field: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? (min === 0 ? 'a non-negative integer' : `an integer ≥ ${min}`) : `an integer in ${min}..${max}`;
    throw invalid(field, `must be ${range}, got ${shown(value)}`);
  }
  return value;
}

export function array(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) throw invalid(field, `must be an array, got ${shown(value)}`);
  return value;
}

export function stringArray(value: unknown, field: string): string[] {
  return array(value, field).map((item, i) => string(item, join(field, i)));
}

export function stringRecord(value: unknown, field: string): Record<string, string> {
  const obj = object(value, field);
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(obj)) out[key] = string(item, join(field, key));
  return out;
}

/** The same object without its undefined fields (an optional field that was absent stays absent). */
export function dropUndefined<T extends object>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;
}

/** Copies `key` through `check` when present (undefined stays absent). */
export function optional<T>(obj: Obj, key: string, field: string, check: (value: unknown, field: string) => T): T | undefined {
  return obj[key] === undefined ? undefined : check(obj[key], join(field, key));
}
