// Reading YAML nodes with positions: every accessor knows its path (`spec.runtime[0].for`) and
// its place in the file, so each problem is reported as `file:line:col: path: message`.
// Problems are collected, not thrown, so one load reports every mistake in a file.
import { isMap, isScalar, isSeq, Scalar, type LineCounter, type Node, type Pair, type YAMLMap } from 'yaml';
import type { SourcePos } from './schema.js';

export interface LoadIssue { file: string; line: number; col: number; path: string; message: string }

export function formatIssue(i: LoadIssue): string {
  return `${i.file}:${i.line}:${i.col}: ${i.path ? `${i.path}: ` : ''}${i.message}`;
}

export class YamlReader {
  readonly issues: LoadIssue[] = [];
  /** What loads but probably is a mistake (cel-lint.ts): reported, never a reason to reject. */
  readonly warnings: LoadIssue[] = [];
  /** Mappings read so far by path: a missing field is reported at the mapping that lacks it. */
  private readonly owners = new Map<string, Node>();
  constructor(readonly file: string, readonly source: string, private readonly lines: LineCounter) {}

  pos(offset: number): SourcePos {
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, col };
  }

  posOf(node: Node | null | undefined): SourcePos {
    return this.pos(node?.range?.[0] ?? 0);
  }

  issue(node: Node | null | undefined, path: string, message: string, offset?: number): void {
    this.issues.push(this.at(node, path, message, offset));
  }

  warn(node: Node | null | undefined, path: string, message: string, offset?: number): void {
    this.warnings.push(this.at(node, path, message, offset));
  }

  private at(node: Node | null | undefined, path: string, message: string, offset?: number): LoadIssue {
    const p = offset !== undefined ? this.pos(offset) : this.posOf(node ?? this.owner(path));
    return { file: this.file, line: p.line, col: p.col, path, message };
  }

  /** A mapping's entries by key; unknown keys are reported. */
  map(node: Node | null | undefined, path: string, allowed: readonly string[]): Map<string, Node | null> | undefined {
    if (!isMap(node)) {
      this.issue(node, path, `expected a mapping, got ${describe(node)}`);
      return undefined;
    }
    this.owners.set(path, node);
    const out = new Map<string, Node | null>();
    for (const pair of (node as YAMLMap).items as Pair<Node, Node | null>[]) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      const keyPath = join(path, key ?? '?');
      if (key === undefined) this.issue(pair.key, path, 'keys must be plain strings');
      else if (!allowed.includes(key)) this.issue(pair.key, keyPath, `unknown field (allowed: ${allowed.join(', ')})`);
      else if (out.has(key)) this.issue(pair.key, keyPath, 'duplicate field');
      else out.set(key, pair.value ?? null);
    }
    return out;
  }

  private owner(path: string): Node | undefined {
    for (let p = path; p !== ''; p = p.replace(/(\.[^.[\]]*|\[\d+\])$/, '')) {
      const parent = p.replace(/(\.[^.[\]]*|\[\d+\])$/, '');
      const found = this.owners.get(parent);
      if (found) return found;
      if (parent === p) break;
    }
    return this.owners.get('');
  }

  seq(node: Node | null | undefined, path: string): Node[] | undefined {
    if (node === undefined) return [];
    if (!isSeq(node)) {
      this.issue(node, path, `expected a list, got ${describe(node)}`);
      return undefined;
    }
    return node.items as Node[];
  }

  string(node: Node | null | undefined, path: string, required: boolean): string | undefined {
    if (node === undefined || node === null) {
      if (required) this.issue(node, path, 'is required');
      return undefined;
    }
    if (!isScalar(node) || typeof node.value !== 'string' || node.value === '') {
      this.issue(node, path, `expected a non-empty string, got ${describe(node)}`);
      return undefined;
    }
    return node.value;
  }

  number(node: Node | null | undefined, path: string): number | undefined {
    if (node === undefined || node === null) return undefined;
    if (!isScalar(node) || typeof node.value !== 'number' || !Number.isFinite(node.value)) {
      this.issue(node, path, `expected a number, got ${describe(node)}`);
      return undefined;
    }
    return node.value;
  }

  oneOf<T extends string>(node: Node | null | undefined, path: string, values: readonly T[], fallback: T): T {
    if (node === undefined || node === null) return fallback;
    const v = isScalar(node) ? node.value : undefined;
    if (typeof v === 'string' && (values as readonly string[]).includes(v)) return v as T;
    this.issue(node, path, `must be one of ${values.join(' | ')}, got ${describe(node)}`);
    return fallback;
  }

  stringList(node: Node | null | undefined, path: string): string[] {
    const items = this.seq(node, path) ?? [];
    return items.map((n, i) => this.string(n, `${path}[${i}]`, true)).filter((s): s is string => s !== undefined);
  }

  stringMap(node: Node | null | undefined, path: string): Record<string, string> {
    if (node === undefined || node === null) return {};
    if (!isMap(node)) {
      this.issue(node, path, `expected a mapping of strings, got ${describe(node)}`);
      return {};
    }
    const out: Record<string, string> = {};
    for (const pair of node.items as Pair<Node, Node | null>[]) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '?';
      const value = isScalar(pair.value) ? pair.value.value : undefined;
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out[key] = String(value);
      else this.issue(pair.value ?? pair.key, join(path, key), 'expected a string value');
    }
    return out;
  }

  /** File offset of `offset` within a scalar's value, when the source maps 1:1 (else the scalar's start). */
  offsetInScalar(node: Node, offset: number): number {
    const start = node.range?.[0] ?? 0;
    if (!isScalar(node) || typeof node.value !== 'string') return start;
    const raw = this.source.slice(start, node.range?.[1] ?? start);
    const value = node.value;
    if (node.type === Scalar.PLAIN && raw === value) return start + offset;
    if ((node.type === Scalar.QUOTE_SINGLE || node.type === Scalar.QUOTE_DOUBLE) && raw.slice(1, -1) === value) {
      return start + 1 + offset;
    }
    if (node.type === Scalar.BLOCK_LITERAL) return this.offsetInBlock(start, value, offset) ?? start;
    return start;
  }

  private offsetInBlock(start: number, value: string, offset: number): number | undefined {
    const before = value.slice(0, offset).split('\n');
    const lineIndex = before.length - 1;
    const col = before[lineIndex].length;
    // The block's content starts on the line after its `|` header.
    const lines = this.source.slice(start).split('\n');
    if (lines[1 + lineIndex] === undefined) return undefined;
    // Block indentation is set by the first content line; deeper lines keep theirs in the value.
    const indent = lines[1].length - lines[1].trimStart().length;
    const lineStart = start + lines.slice(0, 1 + lineIndex).reduce((n, l) => n + l.length + 1, 0);
    return lineStart + indent + col;
  }
}

export function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function describe(node: Node | null | undefined): string {
  if (node === undefined || node === null) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) return node.value === null ? 'null' : `${typeof node.value} ${JSON.stringify(node.value)}`;
  return 'an unsupported node';
}
