// How Go's fmt prints template values (Sprint, Sprintln, Sprintf), for values decoded from JSON:
// strings as they are, arrays as [a b], objects as map[k:v] with sorted keys, a missing value as
// <no value> and null as <nil>. Numbers print as JavaScript does (integers without exponent).
import { TemplateError } from './lex.js';

export function show(v: unknown): string {
  if (v === undefined) return '<no value>';
  return nested(v);
}

function nested(v: unknown): string {
  if (v === undefined || v === null) return '<nil>';
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return `[${v.map(nested).join(' ')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `map[${Object.keys(o).sort().map((k) => `${k}:${nested(o[k])}`).join(' ')}]`;
  }
  return String(v);
}

/** A value as error messages name it: strings quoted, so "1" and 1 differ. */
export const describeValue = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : show(v));

/** fmt.Sprint: a space between operands when neither is a string. */
export function sprint(args: unknown[]): string {
  let out = '';
  args.forEach((a, i) => {
    if (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += show(a);
  });
  return out;
}

export const sprintln = (args: unknown[]): string => `${args.map(show).join(' ')}\n`;

const VERB = /%([-+ 0#]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])/g;

/** fmt.Sprintf for the verbs templates use: %v %s %q %d %f %g %e %x %X %t %c %%, with flags, width and precision. */
export function sprintf(format: unknown, args: unknown[], pos: number): string {
  if (typeof format !== 'string') throw new TemplateError(`printf: the format must be a string, got ${describeValue(format)}`, pos);
  let next = 0;
  const out = format.replace(VERB, (_m, flags: string, width: string | undefined, precision: string | undefined, verb: string) => {
    if (verb === '%') return '%';
    if (next >= args.length) return `%!${verb}(MISSING)`;
    const text = formatOne(verb, args[next++], precision === undefined ? undefined : Number(precision));
    return pad(text, flags, width === undefined ? 0 : Number(width), verb);
  });
  return next < args.length ? `${out}%!(EXTRA ${args.slice(next).map(show).join(', ')})` : out;
}

function formatOne(verb: string, arg: unknown, precision: number | undefined): string {
  const isNumber = typeof arg === 'number';
  switch (verb) {
    case 'v': case 's': {
      const s = show(arg);
      return precision === undefined ? s : [...s].slice(0, precision).join('');
    }
    case 'q': return JSON.stringify(typeof arg === 'string' ? arg : show(arg));
    case 'd': return isNumber && Number.isInteger(arg) ? String(arg) : bad(verb, arg);
    case 'f': case 'F': return isNumber ? arg.toFixed(precision ?? 6) : bad(verb, arg);
    case 'e': return isNumber ? goExponent(arg.toExponential(precision ?? 6)) : bad(verb, arg);
    case 'g': return isNumber ? (precision === undefined ? String(arg) : String(Number(arg.toPrecision(precision)))) : bad(verb, arg);
    case 'x': case 'X': {
      const hex = isNumber && Number.isInteger(arg) ? arg.toString(16)
        : typeof arg === 'string' ? Buffer.from(arg).toString('hex') : undefined;
      if (hex === undefined) return bad(verb, arg);
      return verb === 'X' ? hex.toUpperCase() : hex;
    }
    case 't': return typeof arg === 'boolean' ? String(arg) : bad(verb, arg);
    case 'c': return isNumber && Number.isInteger(arg) ? String.fromCodePoint(arg) : bad(verb, arg);
    default: return bad(verb, arg);
  }
}

const bad = (verb: string, arg: unknown): string => `%!${verb}(${typeof arg}=${show(arg)})`;

/** Go writes at least two exponent digits: 1.5e+06. */
const goExponent = (s: string): string => s.replace(/e([+-])(\d)$/, 'e$10$2');

function pad(text: string, flags: string, width: number, verb: string): string {
  const missing = width - [...text].length;
  if (missing <= 0) return text;
  if (flags.includes('-')) return text + ' '.repeat(missing);
  if (flags.includes('0') && 'dfFeEgxX'.includes(verb)) {
    const sign = /^[+-]/.test(text) ? text[0] : '';
    return sign + '0'.repeat(missing) + text.slice(sign.length);
  }
  return ' '.repeat(missing) + text;
}
