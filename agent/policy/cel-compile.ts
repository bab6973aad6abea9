// Compiles a type-checked CEL AST (from @marcbachmann/cel-js) to plain JS closures, for the subset
// policy rules use: literals, variables, field/index access, has(), arithmetic, comparisons,
// equality, `in`, && || ! ?:, size(), startsWith/endsWith/contains and the all/exists macros.
// Anything else makes compileFast() return undefined and the expression keeps the library's
// evaluator — decided once per expression at load time, never per evaluation.
//
// Semantics are the library's, operator by operator (cel-compile-ops.ts, cel-compile-calls.ts):
// same values, and an error exactly when the library errs (signalled by CEL_ERROR; the caller then
// asks the library for its exact error). test/unit/policy/cel-compile.test.ts checks both
// evaluators against each other over the presets, examples and generated expressions.
import { binary, logical } from './cel-compile-ops.js';
import { call, methodCall } from './cel-compile-calls.js';
import { isScalar, scalar, sameType, typeName, type FastType, type ObjectFastType } from './cel-fast-types.js';
import { fail, guardOf, type FastVars, type Fn } from './cel-fast-runtime.js';
import { Unsupported, type Compiled, type Node, type Scope } from './cel-compile-types.js';

/**
 * The closure for `ast`, or undefined when the expression is outside the subset or its inferred
 * type is not `checkedType` (the library's `check()` result, as a cross-check of our inference).
 * The closure throws CEL_ERROR exactly when the library's evaluation would throw.
 */
export function compileFast(ast: Node, roots: Scope['roots'], checkedType: string): ((vars: FastVars) => unknown) | undefined {
  try {
    const compiled = compileNode(ast, { roots, locals: new Map() });
    return typeName(compiled.type) === checkedType ? compiled.fn : undefined;
  } catch {
    // Unsupported, or any surprise in our compiler: the library's evaluator is always correct.
    return undefined;
  }
}

function compileNode(node: Node, scope: Scope): Compiled {
  switch (node.op) {
    case 'value': return literal(node.args);
    case 'id': return identifier(node.args, scope);
    case '.': return access(compileNode(node.args[0], scope), literal(node.args[1]));
    case '[]': return access(compileNode(node.args[0], scope), compileNode(node.args[1], scope));
    case '&&': case '||': return logical(node.op, compileNode(node.args[0], scope), compileNode(node.args[1], scope));
    case '!_': case '-_': return unary(node.op, compileNode(node.args, scope));
    case '?:': return ternary(node.args.map((n) => compileNode(n, scope)) as [Compiled, Compiled, Compiled]);
    case 'list': return listLiteral(node.args.map((n) => compileNode(n, scope)));
    case 'call': return call(node.args[0], node.args[1], scope, compileNode);
    case 'rcall': return methodCall(node.args[0], node.args[1], node.args[2], scope, compileNode);
    case '==': case '!=': case 'in': case '+': case '-': case '*': case '/': case '%':
    case '<': case '<=': case '>': case '>=':
      return binary(node.op, compileNode(node.args[0], scope), compileNode(node.args[1], scope));
    default: throw new Unsupported(node.op);
  }
}

function literal(value: unknown): Compiled {
  const type = typeof value === 'bigint' ? scalar('int') : typeof value === 'number' ? scalar('double')
    : typeof value === 'string' ? scalar('string') : typeof value === 'boolean' ? scalar('bool')
      : value === null ? scalar('null') : undefined;
  if (!type) throw new Unsupported('literal'); // bytes, uint (neither is used by rules)
  return { type, fn: () => value, constant: { value } };
}

function identifier(name: string, scope: Scope): Compiled {
  const local = scope.locals.get(name);
  if (local) { const cell = local.cell; return { type: local.type, fn: () => cell.value }; }
  const type = scope.roots[name];
  if (!type) throw new Unsupported(`identifier ${name}`);
  const ctor = type.ctor;
  // The library reads the variable and checks its type (a plain object is not a Container).
  return { type, fn: (vars) => { const v = vars[name]; return v !== undefined && v !== null && (v as object).constructor === ctor ? v : fail(); } };
}

/** `a.f`, `a["k"]`, `l[i]`: an object's declared field, a map's key, a list's element. */
export function access(target: Compiled, key: Compiled): Compiled {
  const t = target.type;
  const get = target.fn;
  if (t.kind === 'object' && key.constant && typeof key.constant.value === 'string') {
    const field = key.constant.value;
    const type = t.fields[field];
    if (!type) throw new Unsupported(`field ${field}`);
    return { type, fn: fieldReader(get, field, type) };
  }
  if (t.kind === 'map' && isScalar(t.key, 'string') && isScalar(key.type, 'string')) {
    const ok = guardOf(t.value);
    const k = key.fn;
    return { type: t.value, fn: (vars) => {
      const m = get(vars) as Record<string, unknown>;
      const name = k(vars) as string;
      const v = Object.hasOwn(m, name) ? m[name] : undefined;
      return ok(v) ? v : fail();
    } };
  }
  if (t.kind === 'list' && isScalar(key.type, 'int')) {
    const ok = guardOf(t.of);
    const i = key.fn;
    return { type: t.of, fn: (vars) => { const v = (get(vars) as unknown[])[Number(i(vars))]; return ok(v) ? v : fail(); } };
  }
  throw new Unsupported(`access on ${typeName(t)}`);
}

type Obj = Record<string, unknown>;

/**
 * obj.field with the library's check that the value is of the field's declared type. The common
 * kinds get their own closure so each hot call site sees one shape (and V8 can inline the test).
 */
function fieldReader(get: Fn, field: string, type: FastType): Fn {
  switch (type.kind) {
    case 'double': return (vars) => { const v = (get(vars) as Obj)[field]; return typeof v === 'number' ? v : fail(); };
    case 'int': return (vars) => { const v = (get(vars) as Obj)[field]; return typeof v === 'bigint' ? v : fail(); };
    case 'string': return (vars) => { const v = (get(vars) as Obj)[field]; return typeof v === 'string' ? v : fail(); };
    case 'bool': return (vars) => { const v = (get(vars) as Obj)[field]; return typeof v === 'boolean' ? v : fail(); };
    case 'object': {
      const ctor = type.ctor;
      return (vars) => { const v = (get(vars) as Obj)[field]; return v !== undefined && v !== null && (v as object).constructor === ctor ? v : fail(); };
    }
    default: {
      const ok = guardOf(type);
      return (vars) => { const v = (get(vars) as Obj)[field]; return ok(v) ? v : fail(); };
    }
  }
}

function unary(op: '!_' | '-_', operand: Compiled): Compiled {
  const f = operand.fn;
  if (op === '!_' && isScalar(operand.type, 'bool')) return { type: operand.type, fn: (v) => !f(v) };
  if (op === '-_' && isScalar(operand.type, 'int')) return { type: operand.type, fn: (v) => -(f(v) as bigint) };
  if (op === '-_' && isScalar(operand.type, 'double')) return { type: operand.type, fn: (v) => -(f(v) as number) };
  throw new Unsupported(`unary ${op}`);
}

function ternary([cond, then, otherwise]: [Compiled, Compiled, Compiled]): Compiled {
  if (!isScalar(cond.type, 'bool') || !sameType(then.type, otherwise.type)) throw new Unsupported('?:');
  const c = cond.fn, a = then.fn, b = otherwise.fn;
  return { type: then.type, fn: (v) => (c(v) ? a(v) : b(v)) };
}

/** `[a, b, ...]` of one scalar type; a list of literals is built once (CEL values are immutable). */
function listLiteral(items: Compiled[]): Compiled {
  const first = items[0]?.type;
  if (!first || !isScalar(first, 'string', 'int', 'double', 'bool') || !items.every((i) => i.type.kind === first.kind)) {
    throw new Unsupported('list literal');
  }
  const type: FastType = { kind: 'list', of: first };
  if (items.every((i) => i.constant)) {
    const value = items.map((i) => i.constant!.value);
    return { type, fn: () => value, constant: { value } };
  }
  const fns = items.map((i) => i.fn);
  return { type, fn: (v) => fns.map((f) => f(v)) };
}
