// Validates a seccomp profile — a Docker profile file (seccomp/default.json shape) or an OCI
// `linux.seccomp` object from a bundle — into a SeccompProfile. Every error names the source
// and the JSON path: `seccomp profile /etc/p.json: syscalls[3].args[0].op: unknown operator "X"`.
import { BerthError } from '../../errors.js';
import { MAX_ERRNO } from './actions.js';
import { BIG_INTEGER_TAG, JsonTextError, parseJsonText } from './json-text.js';
import { SECCOMP_ACTIONS, SECCOMP_OPS } from './types.js';
import type { SeccompAction, SeccompArg, SeccompFilter, SeccompOp, SeccompProfile, SeccompRule } from './types.js';

const ARCHITECTURES = new Set([
  'SCMP_ARCH_NATIVE', 'SCMP_ARCH_X86', 'SCMP_ARCH_X86_64', 'SCMP_ARCH_X32', 'SCMP_ARCH_ARM', 'SCMP_ARCH_AARCH64',
  'SCMP_ARCH_MIPS', 'SCMP_ARCH_MIPS64', 'SCMP_ARCH_MIPS64N32', 'SCMP_ARCH_MIPSEL', 'SCMP_ARCH_MIPSEL64',
  'SCMP_ARCH_MIPSEL64N32', 'SCMP_ARCH_PPC', 'SCMP_ARCH_PPC64', 'SCMP_ARCH_PPC64LE', 'SCMP_ARCH_S390',
  'SCMP_ARCH_S390X', 'SCMP_ARCH_PARISC', 'SCMP_ARCH_PARISC64', 'SCMP_ARCH_RISCV64', 'SCMP_ARCH_LOONGARCH64',
  'SCMP_ARCH_M68K', 'SCMP_ARCH_SH', 'SCMP_ARCH_SHEB',
]);
const FLAGS = new Set([
  'SECCOMP_FILTER_FLAG_TSYNC', 'SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW',
  'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV',
]);
const UINT64_MAX = (1n << 64n) - 1n;

/** `json`: the parsed object (from a bundle's config.json) or the JSON text of a profile file. */
export function parseSeccompProfile(json: unknown, source: string): SeccompProfile {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = parseJsonText(json);
    } catch (err) {
      if (err instanceof JsonTextError) throw invalid(source, '', err.message);
      throw err;
    }
  }
  return readProfile(new Node(value, '', source));
}

function invalid(source: string, path: string, problem: string): BerthError {
  const where = path === '' ? '' : `${path}: `;
  return new BerthError('INVALID_SPEC', `seccomp profile ${source}: ${where}${problem}`,
    { field: 'seccomp', source, ...(path ? { path } : {}) });
}

/** A value at a JSON path; the accessors check types and throw errors naming the path. */
class Node {
  constructor(readonly value: unknown, readonly path: string, readonly source: string) {}

  fail(problem: string): never {
    throw invalid(this.source, this.path || '(top level)', problem);
  }

  get present(): boolean {
    return this.value !== undefined && this.value !== null;
  }

  field(name: string): Node {
    return new Node((this.value as Record<string, unknown>)[name], this.path ? `${this.path}.${name}` : name, this.source);
  }

  object(allowed: readonly string[]): this {
    if (typeof this.value !== 'object' || this.value === null || Array.isArray(this.value)) this.fail(`must be an object, got ${describe(this.value)}`);
    const unknown = Object.keys(this.value).filter((k) => !allowed.includes(k));
    if (unknown.length > 0) this.field(unknown[0]!).fail(`unknown field (expected one of ${allowed.join(', ')})`);
    return this;
  }

  items(): Node[] {
    if (!this.present) return [];
    if (!Array.isArray(this.value)) this.fail(`must be an array, got ${describe(this.value)}`);
    return this.value.map((v, i) => new Node(v, `${this.path}[${i}]`, this.source));
  }

  string(): string {
    if (typeof this.value !== 'string' || this.value === '') this.fail(`must be a non-empty string, got ${describe(this.value)}`);
    return this.value;
  }

  oneOf<T extends string>(choices: readonly T[], what: string): T {
    const s = this.string();
    if (!(choices as readonly string[]).includes(s)) this.fail(`unknown ${what} "${s}" (expected one of ${choices.join(', ')})`);
    return s as T;
  }

  integer(max: number): number {
    const v = this.value;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) this.fail(`must be an integer 0..${max}, got ${describe(v)}`);
    return v;
  }

  uint64(): bigint {
    const v = this.value;
    if (typeof v === 'string' && v.startsWith(BIG_INTEGER_TAG)) {
      const big = BigInt(v.slice(BIG_INTEGER_TAG.length));
      if (big > UINT64_MAX) this.fail(`must be at most 2^64 − 1, got ${big}`);
      return big;
    }
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && !Number.isSafeInteger(v)) {
      this.fail(`${BigInt(v)} is above 2^53 − 1 and lost precision when the JSON was parsed (give such values in a profile file)`);
    }
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) this.fail(`must be an unsigned 64-bit integer, got ${describe(v)}`);
    return BigInt(v);
  }
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'string' && v.startsWith(BIG_INTEGER_TAG)) return v.slice(BIG_INTEGER_TAG.length);
  const text = JSON.stringify(v);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function readProfile(top: Node): SeccompProfile {
  top.object(['defaultAction', 'defaultErrnoRet', 'architectures', 'archMap', 'flags', 'listenerPath', 'listenerMetadata', 'syscalls']);
  const defaultAction = readAction(top.field('defaultAction'));
  const listener = top.field('listenerPath');
  if (listener.present && listener.value !== '') listener.fail('seccomp user notification (a listener) is not supported by berth');
  return {
    source: top.source,
    defaultAction,
    defaultErrnoRet: readErrnoRet(top.field('defaultErrnoRet'), defaultAction),
    architectures: readArchitectures(top),
    flags: top.field('flags').items().map((n) => n.oneOf([...FLAGS], 'flag')),
    syscalls: top.field('syscalls').items().map(readRule),
  };
}

function readAction(node: Node): SeccompAction {
  if (node.value === 'SCMP_ACT_NOTIFY') node.fail('SCMP_ACT_NOTIFY (user notification) is not supported by berth');
  return node.oneOf(SECCOMP_ACTIONS, 'action');
}

function readErrnoRet(node: Node, action: SeccompAction): number | undefined {
  if (!node.present) return undefined;
  if (action === 'SCMP_ACT_ERRNO') return node.integer(MAX_ERRNO);
  if (action === 'SCMP_ACT_TRACE') return node.integer(0xffff);
  return node.fail(`only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take an errno, the action is ${action}`);
}

/** OCI `architectures` and Docker's `archMap` entries: checked for known names, informational only. */
function readArchitectures(top: Node): string[] {
  const arches = top.field('architectures').items().map((n) => n.oneOf([...ARCHITECTURES], 'architecture'));
  for (const entry of top.field('archMap').items()) {
    entry.object(['architecture', 'subArchitectures']);
    arches.push(entry.field('architecture').oneOf([...ARCHITECTURES], 'architecture'));
    arches.push(...entry.field('subArchitectures').items().map((n) => n.oneOf([...ARCHITECTURES], 'architecture')));
  }
  return [...new Set(arches)];
}

function readRule(node: Node): SeccompRule {
  node.object(['names', 'name', 'action', 'errnoRet', 'args', 'comment', 'includes', 'excludes']);
  const names = node.field('names').items().map((n) => n.string());
  if (node.field('name').present) names.push(node.field('name').string()); // Docker's pre-1.12 single-name form
  if (names.length === 0) node.field('names').fail('must list at least one syscall name');
  const action = readAction(node.field('action'));
  return {
    names,
    action,
    errnoRet: readErrnoRet(node.field('errnoRet'), action),
    args: node.field('args').items().map(readArg),
    includes: readFilter(node.field('includes'), true),
    excludes: readFilter(node.field('excludes'), false),
  };
}

function readArg(node: Node): SeccompArg {
  node.object(['index', 'value', 'valueTwo', 'op']);
  const valueTwo = node.field('valueTwo');
  return {
    index: node.field('index').integer(5),
    value: node.field('value').uint64(),
    valueTwo: valueTwo.present ? valueTwo.uint64() : 0n,
    op: node.field('op').oneOf<SeccompOp>(SECCOMP_OPS, 'operator'),
  };
}

function readFilter(node: Node, isIncludes: boolean): SeccompFilter {
  if (!node.present) return { caps: [], arches: [] };
  node.object(isIncludes ? ['caps', 'arches', 'minKernel'] : ['caps', 'arches']);
  const filter: SeccompFilter = {
    caps: node.field('caps').items().map((n) => normalizeCapability(n.string())),
    arches: node.field('arches').items().map((n) => n.string()),
  };
  const minKernel = node.field('minKernel');
  if (minKernel.present) {
    const match = /^(\d+)\.(\d+)$/.exec(minKernel.string()) ?? minKernel.fail(`must be "major.minor" like "4.8", got ${describe(minKernel.value)}`);
    filter.minKernel = [Number(match[1]), Number(match[2])];
  }
  return filter;
}

/** "sys_admin", "SYS_ADMIN" and "CAP_SYS_ADMIN" all mean CAP_SYS_ADMIN. */
export function normalizeCapability(name: string): string {
  const upper = name.toUpperCase();
  return upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
}
