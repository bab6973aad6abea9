// Load-time warnings about expressions that type-check but may not do what they read like. One
// so far: a `match` that errs for a container without a label (or sysctl) it reads —
// container.labels["tier"] or container.labels.tier with no `"tier" in container.labels` or
// has(container.labels.tier) that keeps the read from mattering. An erring match applies the
// policy under failurePolicy Fail (Kubernetes' matchConditions semantics): a match meant to pick
// a few containers then picks every container that lacks the key.
//
// How: for each key read, the expression is evaluated abstractly with that key missing: the read
// is an error, its `in`/has() guards are false, every other leaf may be anything. Outcomes are sets
// of {true, false, error, other value}, combined with CEL's rules, in which && and || absorb an
// error when the other side decides (so `m.k == "x" && "k" in m` is as safe as the reverse).
import type { ASTNode } from '@marcbachmann/cel-js';

export interface KeyRead { map: string; key: string; offset: number }

/** Possible outcomes, as bits. */
const T = 1, F = 2, ERR = 4, VALUE = 8;
const ANY = T | F | VALUE;

/** Reads of a literal key of one of `maps` (dotted paths, e.g. "container.labels") after which the expression may err when that key is missing. */
export function unguardedKeyReads(ast: ASTNode, maps: ReadonlySet<string>): KeyRead[] {
  const reads: KeyRead[] = [];
  const collect = (node: ASTNode): void => {
    const read = keyRead(node, maps);
    if (read) reads.push(read);
    else for (const child of children(node)) collect(child);
  };
  collect(ast);
  const seen = new Set<string>();
  return reads.filter((r) => {
    const id = `${r.map}\0${r.key}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return (outcomes(ast, id, maps) & ERR) !== 0;
  });
}

/** What `node` may evaluate to when the key `missing` ("map\0key") is absent. */
function outcomes(node: ASTNode, missing: string, maps: ReadonlySet<string>): number {
  const read = keyRead(node, maps);
  if (read) return `${read.map}\0${read.key}` === missing ? ERR : ANY;
  const guard = guardOf(node, maps);
  if (guard !== undefined) return guard === missing ? F : T | F;
  const sub = (n: ASTNode) => outcomes(n, missing, maps);
  switch (node.op) {
    case 'value': return node.args === true ? T : node.args === false ? F : VALUE;
    case '&&': return combine(sub((node.args as ASTNode[])[0]!), sub((node.args as ASTNode[])[1]!), and);
    case '||': return combine(sub((node.args as ASTNode[])[0]!), sub((node.args as ASTNode[])[1]!), or);
    case '!_': return each(sub(node.args as ASTNode), (x) => (x === T ? F : x === F ? T : ERR));
    case '?:': {
      const [c, then, otherwise] = node.args as ASTNode[];
      const cond = sub(c!);
      return (cond & T ? sub(then!) : 0) | (cond & F ? sub(otherwise!) : 0) | (cond & (ERR | VALUE) ? ERR : 0);
    }
    default: // any other operator or call: an error below it may come out (macros included)
      return children(node).some((c) => (sub(c) & ERR) !== 0) ? ANY | ERR : ANY;
  }
}

function and(x: number, y: number): number {
  if (x === F || y === F) return F;
  if (x === T && y === T) return T;
  return ERR; // an error or a non-bool on either side, and nothing false
}

function or(x: number, y: number): number {
  if (x === T || y === T) return T;
  if (x === F && y === F) return F;
  return ERR;
}

function combine(a: number, b: number, op: (x: number, y: number) => number): number {
  let out = 0;
  for (const x of bits(a)) for (const y of bits(b)) out |= op(x, y);
  return out;
}

function each(a: number, op: (x: number) => number): number {
  let out = 0;
  for (const x of bits(a)) out |= op(x);
  return out;
}

function bits(set: number): number[] {
  return [T, F, ERR, VALUE].filter((b) => (set & b) !== 0);
}

/** `m["k"]` or `m.k` where m is one of the maps. */
function keyRead(node: ASTNode, maps: ReadonlySet<string>): KeyRead | undefined {
  if (node.op !== '[]' && node.op !== '.') return undefined;
  const [target, key] = node.args as [ASTNode, ASTNode | string];
  const map = pathOf(target);
  if (map === undefined || !maps.has(map)) return undefined;
  const name = typeof key === 'string' ? key : key.op === 'value' && typeof key.args === 'string' ? key.args : undefined;
  return name === undefined ? undefined : { map, key: name, offset: (node as { start?: number }).start ?? 0 }; // where `container…` begins
}

/** `"k" in m` or `has(m.k)`: the map and key it tests, as "map\0key". */
function guardOf(node: ASTNode, maps: ReadonlySet<string>): string | undefined {
  if (node.op === 'in') {
    const [key, target] = node.args as [ASTNode, ASTNode];
    const map = pathOf(target);
    if (map !== undefined && maps.has(map) && key.op === 'value' && typeof key.args === 'string') return `${map}\0${key.args}`;
  }
  if (node.op === 'call') {
    const [name, args] = node.args as [string, ASTNode[]];
    const read = name === 'has' && args.length === 1 ? keyRead(args[0]!, maps) : undefined;
    if (read) return `${read.map}\0${read.key}`;
  }
  return undefined;
}

/** "container.labels" for the AST of `container.labels`; undefined for anything but ids and field selections. */
function pathOf(node: ASTNode): string | undefined {
  if (node.op === 'id') return typeof node.args === 'string' ? node.args : undefined;
  if (node.op !== '.') return undefined;
  const [target, field] = node.args as [ASTNode, string];
  const parent = pathOf(target);
  return parent === undefined ? undefined : `${parent}.${field}`;
}

function children(node: ASTNode): ASTNode[] {
  const out: ASTNode[] = [];
  const collect = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(collect);
    else if (v && typeof v === 'object' && 'op' in v) out.push(v as ASTNode);
  };
  collect(node.args);
  return out;
}
