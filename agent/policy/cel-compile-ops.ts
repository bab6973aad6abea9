// Operators of the fast CEL path, each restricted to the operand types whose library overload is
// known exactly (node_modules/@marcbachmann/cel-js/lib/overloads.js, and the mixed int/double
// overloads cel.ts registers). Any other type pair is Unsupported: the library keeps it.
import { Unsupported, type Compiled } from './cel-compile-types.js';
import { isScalar, scalar, type FastType } from './cel-fast-types.js';
import { checkedInt, fail, isPlainObject, sameScalar, type Fn } from './cel-fast-runtime.js';

type Op2 = '==' | '!=' | 'in' | '+' | '-' | '*' | '/' | '%' | '<' | '<=' | '>' | '>=';
type Num = number;
type Int = bigint;

export function binary(op: Op2, l: Compiled, r: Compiled): Compiled {
  switch (op) {
    case '==': case '!=': return equality(op, l, r);
    case '<': case '<=': case '>': case '>=': return relational(op, l, r);
    case 'in': return membership(l, r);
    default: return arithmetic(op, l, r);
  }
}

/**
 * `&&` / `||` are commutative over errors, as in the library: the left side's error is held
 * while the right side is evaluated; `false && error` is false, `true || error` is true.
 */
export function logical(op: '&&' | '||', l: Compiled, r: Compiled): Compiled {
  if (!isScalar(l.type, 'bool') || !isScalar(r.type, 'bool')) throw new Unsupported(op);
  const a = l.fn, b = r.fn;
  const decisive = op === '||'; // the value that decides the result whatever the other side is
  const fn: Fn = (v) => {
    let left: unknown;
    try {
      left = a(v);
    } catch {
      return b(v) === decisive ? decisive : fail();
    }
    return left === decisive ? decisive : b(v);
  };
  return { type: scalar('bool'), fn };
}

// Relational overloads of the library (for the types we have): these pairs, all as JS `<` etc.
// (bigint and number compare exactly).
const RELATIONAL = new Set(['bool bool', 'int int', 'double double', 'string string', 'int double', 'double int']);

function relational(op: '<' | '<=' | '>' | '>=', l: Compiled, r: Compiled): Compiled {
  if (!RELATIONAL.has(`${l.type.kind} ${r.type.kind}`)) throw new Unsupported(op);
  const a = l.fn as (v: Parameters<Fn>[0]) => Num, b = r.fn as (v: Parameters<Fn>[0]) => Num;
  const fns: Record<typeof op, Fn> = {
    '<': (v) => a(v) < b(v), '<=': (v) => a(v) <= b(v), '>': (v) => a(v) > b(v), '>=': (v) => a(v) >= b(v),
  };
  return { type: scalar('bool'), fn: fns[op] };
}

function equality(op: '==' | '!=', l: Compiled, r: Compiled): Compiled {
  const eq = equalityOf(l, r);
  return { type: scalar('bool'), fn: op === '==' ? eq : (v) => !eq(v) };
}

function equalityOf(l: Compiled, r: Compiled): Fn {
  const a = l.fn, b = r.fn;
  const pair = `${l.type.kind} ${r.type.kind}`;
  if (l.type.kind === r.type.kind && isScalar(l.type, 'bool', 'string', 'int', 'double', 'null')) return (v) => a(v) === b(v);
  // cel.ts registers `double == int` as a === Number(b) (the library mirrors it for int == double).
  if (pair === 'double int') return (v) => a(v) === Number(b(v));
  if (pair === 'int double') return (v) => b(v) === Number(a(v));
  throw new Unsupported('==');
}

/** `x in list` (the library's element equality) and `k in map` (an own key with a value). */
function membership(l: Compiled, r: Compiled): Compiled {
  const x = l.fn, coll = r.fn;
  const t = r.type;
  if (t.kind === 'list' && isScalar(l.type, 'string', 'int', 'double', 'bool') && t.of.kind === l.type.kind) {
    if (r.constant && l.type.kind === 'string') {
      // A literal list of strings: string equality is ===, which is what Set.has does.
      const set = new Set(r.constant.value as string[]);
      return { type: scalar('bool'), fn: (v) => set.has(x(v) as string) };
    }
    return { type: scalar('bool'), fn: (v) => {
      const needle = x(v), list = coll(v) as unknown[];
      for (let i = 0; i < list.length; i++) if (sameScalar(needle, list[i])) return true;
      return false;
    } };
  }
  if (t.kind === 'map' && isScalar(t.key, 'string') && isScalar(l.type, 'string')) {
    return { type: scalar('bool'), fn: (v) => {
      const m = coll(v), k = x(v) as string;
      if (!isPlainObject(m)) return fail();
      return Object.hasOwn(m, k) ? m[k] !== undefined : false;
    } };
  }
  throw new Unsupported('in');
}

function arithmetic(op: '+' | '-' | '*' | '/' | '%', l: Compiled, r: Compiled): Compiled {
  const lk = l.type.kind, rk = r.type.kind;
  if (lk === 'int' && rk === 'int') return { type: l.type, fn: intOp(op, l.fn, r.fn) };
  if (op === '%') throw new Unsupported('%'); // no double % in CEL
  if (lk === 'double' && rk === 'double') return { type: l.type, fn: doubleOp(op, l.fn as NumFn, r.fn as NumFn) };
  // cel.ts: `double op int` and `int op double` convert the int with Number() and give a double.
  if (lk === 'double' && rk === 'int') { const b = r.fn; return { type: l.type, fn: doubleOp(op, l.fn as NumFn, (v) => Number(b(v))) }; }
  if (lk === 'int' && rk === 'double') { const a = l.fn; return { type: r.type, fn: doubleOp(op, (v) => Number(a(v)), r.fn as NumFn) }; }
  if (op === '+' && lk === 'string' && rk === 'string') {
    const a = l.fn as StrFn, b = r.fn as StrFn;
    return { type: l.type as FastType, fn: (v) => a(v) + b(v) };
  }
  throw new Unsupported(op);
}

type NumFn = (v: Parameters<Fn>[0]) => Num;
type IntFn = (v: Parameters<Fn>[0]) => Int;
type StrFn = (v: Parameters<Fn>[0]) => string;

function doubleOp(op: '+' | '-' | '*' | '/', a: NumFn, b: NumFn): Fn {
  switch (op) {
    case '+': return (v) => a(v) + b(v);
    case '-': return (v) => a(v) - b(v);
    case '*': return (v) => a(v) * b(v);
    case '/': return (v) => a(v) / b(v);
  }
}

/** int64 arithmetic: + - * overflow is an error, / and % by zero are errors (both truncate). */
function intOp(op: '+' | '-' | '*' | '/' | '%', fa: Fn, fb: Fn): Fn {
  const a = fa as IntFn, b = fb as IntFn;
  switch (op) {
    case '+': return (v) => checkedInt(a(v) + b(v));
    case '-': return (v) => checkedInt(a(v) - b(v));
    case '*': return (v) => checkedInt(a(v) * b(v));
    case '/': return (v) => { const x = a(v), y = b(v); return y === 0n ? fail() : x / y; };
    case '%': return (v) => { const x = a(v), y = b(v); return y === 0n ? fail() : x % y; };
  }
}
