// Calls of the fast CEL path: has(), size(), the string tests, and the all/exists macros — with
// the library's semantics (functions.js, macros.js, operators.js iterateQuantifier).
import { Unsupported, type Cell, type CompileFn, type Compiled, type Node, type Scope } from './cel-compile-types.js';
import { isScalar, scalar, typeName } from './cel-fast-types.js';
import { codePointCount, fail, guardOf, type Fn } from './cel-fast-runtime.js';

export function call(name: string, args: Node[], scope: Scope, compile: CompileFn): Compiled {
  if (name === 'has' && args.length === 1) return has(args[0], scope, compile);
  if (name === 'size' && args.length === 1) return size(compile(args[0], scope));
  throw new Unsupported(`${name}()`);
}

export function methodCall(name: string, receiver: Node, args: Node[], scope: Scope, compile: CompileFn): Compiled {
  if ((name === 'all' || name === 'exists') && args.length === 2) return quantifier(name, receiver, args, scope, compile);
  const target = compile(receiver, scope);
  if (name === 'size' && args.length === 0) return size(target);
  if ((name === 'startsWith' || name === 'endsWith' || name === 'contains') && args.length === 1) {
    return stringTest(name, target, compile(args[0], scope));
  }
  throw new Unsupported(`.${name}()`);
}

/**
 * has(a.b.f): a and a.b must exist (a missing one is an error, like any access); the last field
 * is only tested. The library looks the last step up by the value's run-time type: a declared
 * object field (type-checked), or a map key (a map is map<dyn, dyn> at run time: no value check).
 */
function has(arg: Node, scope: Scope, compile: CompileFn): Compiled {
  if (arg.op !== '.') throw new Unsupported('has() argument');
  const [targetNode, field] = arg.args as [Node, string];
  const target = compile(targetNode, scope);
  const get = target.fn;
  const bool = scalar('bool');
  if (target.type.kind === 'object') {
    const type = target.type.fields[field];
    if (!type) return { type: bool, fn: (v) => (get(v), false) };
    const ok = guardOf(type);
    return { type: bool, fn: (v) => {
      const x = (get(v) as Record<string, unknown>)[field];
      return x === undefined ? false : ok(x) || fail();
    } };
  }
  if (target.type.kind === 'map') {
    return { type: bool, fn: (v) => {
      const m = get(v) as Record<string, unknown>;
      return Object.hasOwn(m, field) && m[field] !== undefined;
    } };
  }
  throw new Unsupported(`has() on ${typeName(target.type)}`);
}

/** size(): code points of a string, elements of a list, keys of a map — an int. */
function size(target: Compiled): Compiled {
  const get = target.fn;
  const int = scalar('int');
  switch (target.type.kind) {
    case 'string': return { type: int, fn: (v) => codePointCount(get(v) as string) };
    case 'list': return { type: int, fn: (v) => BigInt((get(v) as unknown[]).length) };
    case 'map': return { type: int, fn: (v) => BigInt(Object.keys(get(v) as object).length) };
    default: throw new Unsupported(`size(${typeName(target.type)})`);
  }
}

function stringTest(name: 'startsWith' | 'endsWith' | 'contains', target: Compiled, arg: Compiled): Compiled {
  if (!isScalar(target.type, 'string') || !isScalar(arg.type, 'string')) throw new Unsupported(`.${name}()`);
  const s = target.fn as (v: Parameters<Fn>[0]) => string, a = arg.fn as (v: Parameters<Fn>[0]) => string;
  const fns = {
    startsWith: (v: Parameters<Fn>[0]) => s(v).startsWith(a(v)),
    endsWith: (v: Parameters<Fn>[0]) => s(v).endsWith(a(v)),
    contains: (v: Parameters<Fn>[0]) => s(v).includes(a(v)),
  };
  return { type: scalar('bool'), fn: fns[name] };
}

/**
 * list.all(x, p) / list.exists(x, p) (a map iterates its keys). As in the library, an error in
 * one step is held, not thrown: a later step can still decide (all: a false; exists: a true);
 * only if none does is it an error. An element not of the list's declared type is an error at once.
 */
function quantifier(name: 'all' | 'exists', receiver: Node, [iterVar, predicate]: Node[], scope: Scope, compile: CompileFn): Compiled {
  if (iterVar.op !== 'id') throw new Unsupported(`${name}() variable`);
  const range = compile(receiver, scope);
  const rt = range.type;
  const elementType = rt.kind === 'list' ? rt.of : rt.kind === 'map' ? rt.key : undefined;
  if (!elementType) throw new Unsupported(`${name}() over ${typeName(rt)}`);
  const cell: Cell = { value: undefined };
  const locals = new Map(scope.locals).set(iterVar.args as string, { type: elementType, cell });
  const body = compile(predicate, { roots: scope.roots, locals });
  if (!isScalar(body.type, 'bool')) throw new Unsupported(`${name}() predicate`);
  const ok = guardOf(elementType);
  const items: Fn = rt.kind === 'map' ? (v) => Object.keys(range.fn(v) as object) : range.fn;
  const pred = body.fn;
  const decisive = name === 'exists'; // the step result that ends the loop and is the answer
  return { type: scalar('bool'), fn: (v) => {
    const list = items(v) as unknown[];
    let held = false;
    for (let i = 0; i < list.length; i++) {
      const x = list[i];
      if (!ok(x)) return fail();
      cell.value = x;
      let r: unknown;
      try { r = pred(v); } catch { held = true; continue; }
      if (r === decisive) return decisive;
    }
    return held ? fail() : !decisive;
  } };
}
