// Load-time warnings about expressions that type-check but may not do what they read like. One
// so far: a `match` reading a map key (container.labels["tier"], container.labels.tier) with no
// `"tier" in container.labels` or has(container.labels.tier) in the same expression. For a
// container without that key the read is an error, and an erring match applies the policy under
// failurePolicy Fail (Kubernetes' matchConditions semantics): a match meant to pick a few
// containers then picks every container that lacks the key.
import type { ASTNode } from '@marcbachmann/cel-js';

export interface KeyRead { map: string; key: string; offset: number }

/** Reads of a literal key of one of `maps` (dotted paths, e.g. "container.labels") that nothing in the expression guards. */
export function unguardedKeyReads(ast: ASTNode, maps: ReadonlySet<string>): KeyRead[] {
  const reads: KeyRead[] = [];
  const guarded = new Set<string>();
  const visit = (node: ASTNode): void => {
    const key = keyRead(node, maps);
    if (key) { reads.push(key); return; }
    const guard = guardOf(node, maps);
    if (guard) { guarded.add(guard); return; }
    for (const child of children(node)) visit(child);
  };
  visit(ast);
  return reads.filter((r) => !guarded.has(`${r.map}\0${r.key}`));
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

/** `"k" in m` or `has(m.k)`: the map and key it guards, as "map\0key". */
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
