// The functions a --format template can call: Go's text/template builtins (and, or, not, len,
// index, eq…, print…) and docker's own (json, join, split, upper, lower, title, truncate, pad).
import { TemplateError } from './lex.js';
import { describeValue, show, sprint, sprintf, sprintln } from './fmt.js';

type Fn = (args: unknown[], pos: number) => unknown;

/** Go's truth: false, 0, "", nil, and empty lists and maps are false. */
export function truthy(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

function arity(name: string, args: unknown[], min: number, max: number, pos: number): void {
  if (args.length < min || args.length > max) {
    const want = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    throw new TemplateError(`wrong number of args for ${name}: want ${want} got ${args.length}`, pos);
  }
}

function str(name: string, v: unknown, pos: number): string {
  if (typeof v !== 'string') throw new TemplateError(`${name}: expected a string, got ${describeValue(v)}`, pos);
  return v;
}

function int(name: string, v: unknown, pos: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new TemplateError(`${name}: expected an integer, got ${describeValue(v)}`, pos);
  return v;
}

/** eq/lt/…: basic values only, of one kind (Go refuses to compare 1 with "1"). */
function comparable(name: string, a: unknown, b: unknown, pos: number): void {
  for (const v of [a, b]) {
    if (v !== null && v !== undefined && typeof v === 'object') throw new TemplateError(`${name}: cannot compare ${describeValue(v)}`, pos);
  }
  if (a !== null && b !== null && a !== undefined && b !== undefined && typeof a !== typeof b) {
    throw new TemplateError(`${name}: incompatible types for comparison: ${describeValue(a)} and ${describeValue(b)}`, pos);
  }
}

function ordered(name: string, test: (a: number | string, b: number | string) => boolean): Fn {
  return ([a, b], pos) => {
    comparable(name, a, b, pos);
    if ((typeof a !== 'number' && typeof a !== 'string') || (typeof b !== 'number' && typeof b !== 'string')) {
      throw new TemplateError(`${name}: invalid type for comparison: ${describeValue(a)}`, pos);
    }
    return test(a, b);
  };
}

function index(args: unknown[], pos: number): unknown {
  let v = args[0];
  for (const key of args.slice(1)) {
    if (Array.isArray(v)) {
      const i = int('index', key, pos);
      if (i < 0 || i >= v.length) throw new TemplateError(`index out of range: ${i}`, pos);
      v = v[i];
    } else if (v !== null && typeof v === 'object') {
      v = (v as Record<string, unknown>)[str('index', key, pos)];
    } else {
      throw new TemplateError(`can't index item of type ${v === null || v === undefined ? 'nil' : typeof v}`, pos);
    }
  }
  return v;
}

/** Each function with the number of arguments it takes (min, max), checked once in callFunction. */
const FUNCTIONS: Record<string, [min: number, max: number, Fn]> = {
  and: [1, Infinity, (args) => args.find((a) => !truthy(a)) ?? args[args.length - 1]],
  or: [1, Infinity, (args) => args.find(truthy) ?? args[args.length - 1]],
  not: [1, 1, (args) => !truthy(args[0])],
  len: [1, 1, ([v], pos) => {
    if (typeof v === 'string') return Buffer.byteLength(v); // Go counts bytes
    if (Array.isArray(v)) return v.length;
    if (v !== null && typeof v === 'object') return Object.keys(v).length;
    throw new TemplateError(`len of ${describeValue(v)}`, pos);
  }],
  index: [1, Infinity, index],
  eq: [2, Infinity, (args, pos) => args.slice(1).some((b) => { comparable('eq', args[0], b, pos); return (args[0] ?? null) === (b ?? null); })],
  ne: [2, 2, ([a, b], pos) => { comparable('ne', a, b, pos); return (a ?? null) !== (b ?? null); }],
  lt: [2, 2, ordered('lt', (a, b) => a < b)],
  le: [2, 2, ordered('le', (a, b) => a <= b)],
  gt: [2, 2, ordered('gt', (a, b) => a > b)],
  ge: [2, 2, ordered('ge', (a, b) => a >= b)],
  print: [0, Infinity, (args) => sprint(args)],
  println: [0, Infinity, (args) => sprintln(args)],
  printf: [1, Infinity, (args, pos) => sprintf(args[0], args.slice(1), pos)],
  json: [1, 1, ([v]) => JSON.stringify(v) ?? 'null'],
  join: [2, 2, ([list, sep], pos) => {
    if (!Array.isArray(list)) throw new TemplateError(`join: expected a list, got ${describeValue(list)}`, pos);
    return list.map(show).join(str('join', sep, pos));
  }],
  split: [2, 2, ([s, sep], pos) => {
    const [text, by] = [str('split', s, pos), str('split', sep, pos)];
    return by === '' ? [...text] : text.split(by);
  }],
  upper: [1, 1, ([s], pos) => str('upper', s, pos).toUpperCase()],
  lower: [1, 1, ([s], pos) => str('lower', s, pos).toLowerCase()],
  title: [1, 1, ([s], pos) => str('title', s, pos).replace(/(^|[^\p{L}\p{N}_'])(\p{L})/gu, (_m, before: string, letter: string) => before + letter.toUpperCase())],
  truncate: [2, 2, ([s, n], pos) => [...str('truncate', s, pos)].slice(0, Math.max(0, int('truncate', n, pos))).join('')],
  pad: [3, 3, ([s, left, right], pos) => ' '.repeat(Math.max(0, int('pad', left, pos))) + show(s) + ' '.repeat(Math.max(0, int('pad', right, pos)))],
};

export const FUNCTION_NAMES: ReadonlySet<string> = new Set(Object.keys(FUNCTIONS));

/** docker's functions leave a table's header as it is: `table {{.Name | upper}}` is headed NAME. */
const HEADER_AS_IS = new Set(['json', 'join', 'split', 'upper', 'lower', 'title', 'truncate', 'pad']);

export function callFunction(name: string, args: unknown[], pos: number, header = false): unknown {
  if (header && HEADER_AS_IS.has(name)) return args[0];
  const [min, max, run] = FUNCTIONS[name]!;
  arity(name, args, min, max, pos);
  return run(args, pos);
}
