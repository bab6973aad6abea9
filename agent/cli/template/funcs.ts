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
  return (args, pos) => {
    arity(name, args, 2, 2, pos);
    const [a, b] = args;
    comparable(name, a, b, pos);
    if ((typeof a !== 'number' && typeof a !== 'string') || (typeof b !== 'number' && typeof b !== 'string')) {
      throw new TemplateError(`${name}: invalid type for comparison: ${describeValue(a)}`, pos);
    }
    return test(a, b);
  };
}

function index(args: unknown[], pos: number): unknown {
  arity('index', args, 1, Infinity, pos);
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

const FUNCTIONS: Record<string, Fn> = {
  and: (args, pos) => { arity('and', args, 1, Infinity, pos); return args.find((a) => !truthy(a)) ?? args[args.length - 1]; },
  or: (args, pos) => { arity('or', args, 1, Infinity, pos); return args.find(truthy) ?? args[args.length - 1]; },
  not: (args, pos) => { arity('not', args, 1, 1, pos); return !truthy(args[0]); },
  len: (args, pos) => {
    arity('len', args, 1, 1, pos);
    const v = args[0];
    if (typeof v === 'string') return Buffer.byteLength(v); // Go counts bytes
    if (Array.isArray(v)) return v.length;
    if (v !== null && typeof v === 'object') return Object.keys(v).length;
    throw new TemplateError(`len of ${describeValue(v)}`, pos);
  },
  index,
  eq: (args, pos) => {
    arity('eq', args, 2, Infinity, pos);
    return args.slice(1).some((b) => { comparable('eq', args[0], b, pos); return (args[0] ?? null) === (b ?? null); });
  },
  ne: (args, pos) => { arity('ne', args, 2, 2, pos); comparable('ne', args[0], args[1], pos); return (args[0] ?? null) !== (args[1] ?? null); },
  lt: ordered('lt', (a, b) => a < b),
  le: ordered('le', (a, b) => a <= b),
  gt: ordered('gt', (a, b) => a > b),
  ge: ordered('ge', (a, b) => a >= b),
  print: (args) => sprint(args),
  println: (args) => sprintln(args),
  printf: (args, pos) => { arity('printf', args, 1, Infinity, pos); return sprintf(args[0], args.slice(1), pos); },
  json: (args, pos) => { arity('json', args, 1, 1, pos); return JSON.stringify(args[0]) ?? 'null'; },
  join: (args, pos) => {
    arity('join', args, 2, 2, pos);
    if (!Array.isArray(args[0])) throw new TemplateError(`join: expected a list, got ${describeValue(args[0])}`, pos);
    return args[0].map(show).join(str('join', args[1], pos));
  },
  split: (args, pos) => {
    arity('split', args, 2, 2, pos);
    const [s, sep] = [str('split', args[0], pos), str('split', args[1], pos)];
    return sep === '' ? [...s] : s.split(sep);
  },
  upper: (args, pos) => { arity('upper', args, 1, 1, pos); return str('upper', args[0], pos).toUpperCase(); },
  lower: (args, pos) => { arity('lower', args, 1, 1, pos); return str('lower', args[0], pos).toLowerCase(); },
  title: (args, pos) => {
    arity('title', args, 1, 1, pos);
    return str('title', args[0], pos).replace(/(^|[^\p{L}\p{N}_'])(\p{L})/gu, (_m, before: string, letter: string) => before + letter.toUpperCase());
  },
  truncate: (args, pos) => {
    arity('truncate', args, 2, 2, pos);
    const chars = [...str('truncate', args[0], pos)];
    return chars.slice(0, Math.max(0, int('truncate', args[1], pos))).join('');
  },
  pad: (args, pos) => {
    arity('pad', args, 3, 3, pos);
    return ' '.repeat(Math.max(0, int('pad', args[1], pos))) + show(args[0]) + ' '.repeat(Math.max(0, int('pad', args[2], pos)));
  },
};

export const FUNCTION_NAMES: ReadonlySet<string> = new Set(Object.keys(FUNCTIONS));

/** docker's functions leave a table's header as it is: `table {{.Name | upper}}` is headed NAME. */
const HEADER_AS_IS = new Set(['json', 'join', 'split', 'upper', 'lower', 'title', 'truncate', 'pad']);

export function callFunction(name: string, args: unknown[], pos: number, header = false): unknown {
  if (header && HEADER_AS_IS.has(name)) return args[0];
  return FUNCTIONS[name]!(args, pos);
}
