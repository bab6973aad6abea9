// Random, well-typed CEL expressions over the policy environment (`container`, `sample`), for the
// differential test of the compiled evaluator (cel-compile.test.ts). Seeded, so a failure is
// reproducible from the seed it prints. The atoms include accesses that fail at run time on some
// values (a missing label, an index past the end) and arithmetic that can overflow or divide by
// zero, so error propagation through && || ?: and the macros gets exercised too.

export type Rng = () => number;

/** mulberry32: a tiny deterministic PRNG. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SAMPLE_DOUBLES = ['sample.cpu.cores', 'sample.cpu.throttledRatio', 'sample.cpu.quotaCores', 'sample.cpu.usageSeconds',
  'sample.memory.workingSetBytes', 'sample.memory.limitBytes', 'sample.memory.usageBytes', 'sample.pids.current',
  'sample.pids.limit', 'sample.oomKills', 'sample.processes', 'sample.io.writeBytes', 'sample.network.rxBytes', 'sample.time'];
const DOUBLES = [...SAMPLE_DOUBLES, 'container.resources.memoryBytes', 'container.resources.cpus', 'container.resources.pidsLimit'];
const DOUBLE_LITERALS = ['0.0', '1.0', '-1.5', '0.9', '1e300', '1073741824.0', '9007199254740993.0', '0.1'];
const INTS = ['container.user.uid', 'container.user.gid', 'container.stopTimeout', 'size(container.env)', 'size(container.name)',
  'container.capabilities.size()', 'size(container.labels)', 'container.user.additionalGids[0]', 'container.uidMappings[0].hostId'];
const INT_LITERALS = ['0', '1', '-1', '2', '1000', '9223372036854775807', '4611686018427387904', '9007199254740993'];
const STRINGS = ['container.name', 'container.image', 'container.seccomp', 'container.namespaces.net', 'container.namespaces.user',
  'container.user.name', 'container.labels["tier"]', 'container.labels.owner', 'container.cmd[0]', 'container.capabilities[0]',
  'container.mounts[0].source', 'container.resources.cpusetCpus'];
const STRING_LITERALS = ['""', '"batch"', '"/etc"', '"private"', '"default"', '"CAP_NET_RAW"', '"é🙂x"', '"web"'];
const BOOLS = ['container.privileged', 'container.readOnlyRootfs', 'container.noNewPrivileges', 'container.mounts[0].readOnly',
  'has(container.labels.tier)', 'has(container.labels.owner)', 'has(container.user.name)', 'has(sample.cpu.cores)', 'true', 'false'];
const STRING_LISTS = ['container.capabilities', 'container.cmd', '["CAP_CHOWN", "CAP_NET_RAW", "CAP_KILL"]', '["/etc", "/usr"]'];

type Kind = 'bool' | 'int' | 'double' | 'string';
/** Extra atoms per kind (the iteration variable of an enclosing macro). */
type Locals = Partial<Record<Kind, string[]>>;

export class ExpressionGenerator {
  constructor(private readonly r: Rng) {}

  private pick<T>(xs: readonly T[]): T { return xs[Math.floor(this.r() * xs.length)]; }
  private chance(p: number): boolean { return this.r() < p; }

  private atom(kind: Kind, locals: Locals): string {
    const own = locals[kind] ?? [];
    if (own.length && this.chance(0.5)) return this.pick(own);
    switch (kind) {
      case 'double': return this.chance(0.6) ? this.pick(DOUBLES) : this.pick(DOUBLE_LITERALS);
      case 'int': return this.chance(0.6) ? this.pick(INTS) : this.pick(INT_LITERALS);
      case 'string': return this.chance(0.6) ? this.pick(STRINGS) : this.pick(STRING_LITERALS);
      case 'bool': return this.pick(BOOLS);
    }
  }

  /** A number: int or double, mixing both in arithmetic like rules do. */
  num(depth: number, locals: Locals = {}): { src: string; kind: 'int' | 'double' } {
    if (depth <= 0 || this.chance(0.35)) {
      const kind = this.chance(0.6) ? 'double' : 'int';
      return { src: this.atom(kind, locals), kind };
    }
    const a = this.num(depth - 1, locals), b = this.num(depth - 1, locals);
    const both = a.kind === 'int' && b.kind === 'int';
    const op = this.pick(both ? ['+', '-', '*', '/', '%'] : ['+', '-', '*', '/']);
    if (this.chance(0.1)) return { src: `-(${a.src})`, kind: a.kind };
    if (this.chance(0.1)) return { src: `(${this.bool(depth - 1, locals)} ? ${a.src} : ${a.src} ${op === '%' ? '+' : op} ${a.src})`, kind: a.kind };
    return { src: `(${a.src} ${op} ${b.src})`, kind: both ? 'int' : 'double' };
  }

  str(depth: number, locals: Locals = {}): string {
    if (depth <= 0 || this.chance(0.5)) return this.atom('string', locals);
    if (this.chance(0.5)) return `(${this.str(depth - 1, locals)} + ${this.str(depth - 1, locals)})`;
    return `(${this.bool(depth - 1, locals)} ? ${this.str(depth - 1, locals)} : ${this.str(depth - 1, locals)})`;
  }

  bool(depth: number, locals: Locals = {}): string {
    if (depth <= 0 || this.chance(0.15)) return this.atom('bool', locals);
    const d = depth - 1;
    switch (Math.floor(this.r() * 10)) {
      case 0: case 1: {
        const a = this.num(d, locals), b = this.num(d, locals);
        const ops = a.kind !== b.kind && this.chance(0.5) ? ['==', '!='] : ['<', '<=', '>', '>=', '==', '!='];
        return `(${a.src} ${this.pick(ops)} ${b.src})`;
      }
      case 2: return `(${this.str(d, locals)} ${this.pick(["==", "!=", "<", ">="])} ${this.str(d, locals)})`;
      case 3: return `(${this.bool(d, locals)} ${this.pick(['&&', '||'])} ${this.bool(d, locals)})`;
      case 4: return this.chance(0.5) ? `!(${this.bool(d, locals)})` : `(${this.bool(d, locals)} ? ${this.bool(d, locals)} : ${this.bool(d, locals)})`;
      case 5: return `${this.str(d, locals)}.${this.pick(['startsWith', 'endsWith', 'contains'])}(${this.str(d, locals)})`;
      case 6: return this.membership(d, locals);
      case 7: return this.macro(d, locals);
      case 8: return `(${this.bool(d, locals)} == ${this.bool(d, locals)})`;
      default: return `(${this.bool(d, locals)} && ${this.bool(d, locals)} || ${this.bool(d, locals)})`;
    }
  }

  private membership(d: number, locals: Locals): string {
    switch (Math.floor(this.r() * 4)) {
      case 0: return `${this.str(d, locals)} in ${this.pick(STRING_LISTS)}`;
      case 1: return `${this.str(d, locals)} in container.labels`;
      case 2: return `${this.atom('int', locals)} in [0, 1000, 9223372036854775807]`;
      default: return `${this.atom('int', locals)} in container.user.additionalGids`;
    }
  }

  private macro(d: number, locals: Locals): string {
    const q = this.pick(['all', 'exists']);
    switch (Math.floor(this.r() * 4)) {
      case 0: return `container.mounts.${q}(m, ${this.bool(d, { ...locals, string: ['m.source', 'm.type', 'm.target'], bool: ['m.readOnly'] })})`;
      case 1: return `${this.pick(STRING_LISTS)}.${q}(c, ${this.bool(d, { ...locals, string: ['c'] })})`;
      case 2: return `container.uidMappings.${q}(u, ${this.bool(d, { ...locals, int: ['u.hostId', 'u.containerId', 'u.size'] })})`;
      default: return `container.labels.${q}(k, ${this.bool(d, { ...locals, string: ['k', 'container.labels[k]'] })})`;
    }
  }
}
