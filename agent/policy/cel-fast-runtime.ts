// Run-time helpers of the fast CEL path: the error signal, value guards and the few operations
// whose exact semantics are the library's (integer overflow, element equality, string size).
//
// Errors: a compiled closure never builds the library's error. Any CEL error (missing key,
// division by zero, overflow, a value not of its declared type) throws the CEL_ERROR sentinel;
// the caller (cel.ts) then evaluates the same expression with the library, which throws its own
// exact error (message and all). Errors are the rare path, so their cost does not matter, and a
// sentinel allocates nothing (no stack trace per error).
import type { FastType } from './cel-fast-types.js';

/** Variables as handed to a compiled closure (CelVars). */
export type FastVars = Readonly<Record<string, unknown>>;
export type Fn = (vars: FastVars) => unknown;

export const CEL_ERROR: Error = Object.freeze(new Error('CEL evaluation error (fast path)'));

export function fail(): never {
  throw CEL_ERROR;
}

const MAX_INT = 9223372036854775807n;
const MIN_INT = -9223372036854775808n;

/** The library's verifyInteger: int + - * results outside int64 are an error. */
export function checkedInt(v: bigint): bigint {
  return v <= MAX_INT && v >= MIN_INT ? v : fail();
}

/** The library's isEqual for scalars (`in` on lists); an object element takes the library path. */
export function sameScalar(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  switch (typeof a) {
    // bigint == number compares mathematically: the library's loose ==, kept as is.
    case 'bigint': return typeof b === 'number' && (a as unknown) == b; // eslint-disable-line eqeqeq
    case 'number': return typeof b === 'bigint' && (a as unknown) == b; // eslint-disable-line eqeqeq
    case 'object': return a === null ? false : fail();
    default: return false;
  }
}

/** CEL string size counts code points, not UTF-16 units. */
export function codePointCount(s: string): bigint {
  let n = 0;
  for (const _ of s) n++;
  return BigInt(n);
}

/**
 * Whether `v` is a value of static type `t` by the library's own test (matchesValueType), except
 * that a JS Map or Set (which the library also accepts) answers false: those take the library path.
 */
export function guardOf(t: FastType): (v: unknown) => boolean {
  switch (t.kind) {
    case 'int': return (v) => typeof v === 'bigint';
    case 'double': return (v) => typeof v === 'number';
    case 'string': return (v) => typeof v === 'string';
    case 'bool': return (v) => typeof v === 'boolean';
    case 'null': return (v) => v === null;
    case 'list': return (v) => Array.isArray(v);
    case 'map': return isPlainObject;
    case 'object': { const ctor = t.ctor; return (v) => v !== null && v !== undefined && (v as object).constructor === ctor; }
  }
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const ctor = (v as object).constructor;
  return ctor === Object || ctor === undefined;
}
