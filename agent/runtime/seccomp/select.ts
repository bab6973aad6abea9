// Profile + the container's capabilities + the running kernel → the x86_64 filter plan:
// which syscall numbers have rules, in which order, returning what. Pure.
import { actionRet, ENOSYS, isPermissive } from './actions.js';
import { SYSCALLS_X86_64 } from './syscalls-x86_64.js';
import type { SeccompArg, SeccompFilter, SeccompProfile, SeccompRule } from './types.js';

/** Docker's name for this architecture in `includes.arches` / `excludes.arches`. */
const ARCH = 'amd64';

export interface PlannedRule {
  conditions: SeccompArg[]; // all must hold; empty = always
  ret: number;
}

export interface SyscallPlan {
  nr: number;
  rules: PlannedRule[]; // tried in order, the first whose conditions all hold decides; none → the default
}

export interface FilterPlan {
  defaultRet: number;
  /** Numbers above this get ENOSYS; undefined when the profile needs no ENOSYS stub. */
  enosysAbove: number | undefined;
  syscalls: SyscallPlan[]; // sorted by nr
  skippedNames: string[];
}

export interface SelectContext {
  capabilities: ReadonlySet<string>; // "CAP_*"
  kernel: [number, number];          // running kernel [major, minor], for includes.minKernel
}

export function planFilter(profile: SeccompProfile, ctx: SelectContext): FilterPlan {
  const byNr = new Map<number, PlannedRule[]>();
  const skipped = new Set<string>();
  for (const rule of profile.syscalls.filter((r) => applies(r, ctx))) {
    const planned = splitConditions(rule.args).map((conditions) => ({ conditions, ret: actionRet(rule.action, rule.errnoRet) }));
    for (const name of rule.names) {
      const nr = SYSCALLS_X86_64.get(name);
      if (nr === undefined) { skipped.add(name); continue; }
      const rules = byNr.get(nr);
      if (rules) rules.push(...planned);
      else byNr.set(nr, [...planned]);
    }
  }
  const syscalls = [...byNr.entries()].sort(([a], [b]) => a - b).map(([nr, rules]) => ({ nr, rules: reachable(rules) }));
  return {
    defaultRet: actionRet(profile.defaultAction, profile.defaultErrnoRet),
    enosysAbove: needsEnosysStub(profile) ? syscalls.at(-1)?.nr : undefined,
    syscalls,
    skippedNames: [...skipped].sort(),
  };
}

function applies(rule: SeccompRule, ctx: SelectContext): boolean {
  return included(rule.includes, ctx) && !excluded(rule.excludes, ctx);
}

function included(filter: SeccompFilter, ctx: SelectContext): boolean {
  if (filter.arches.length > 0 && !filter.arches.includes(ARCH)) return false;
  if (!filter.caps.every((cap) => ctx.capabilities.has(cap))) return false;
  return filter.minKernel === undefined || compareVersions(ctx.kernel, filter.minKernel) >= 0;
}

function excluded(filter: SeccompFilter, ctx: SelectContext): boolean {
  return filter.arches.includes(ARCH) || filter.caps.some((cap) => ctx.capabilities.has(cap));
}

function compareVersions(a: [number, number], b: [number, number]): number {
  return a[0] !== b[0] ? a[0] - b[0] : a[1] - b[1];
}

/**
 * runc's rule (libcontainer/seccomp): when one argument index is compared more than once in a rule,
 * each comparison becomes a rule of its own (OR) instead of all of them together (AND). Profiles
 * are written against that behaviour (Docker's socket and personality rules), so berth keeps it.
 */
function splitConditions(args: SeccompArg[]): SeccompArg[][] {
  const indexes = new Set(args.map((a) => a.index));
  return indexes.size === args.length ? [args] : args.map((a) => [a]);
}

/** Rules behind an unconditional one can never match. */
function reachable(rules: PlannedRule[]): PlannedRule[] {
  const firstAlways = rules.findIndex((r) => r.conditions.length === 0);
  return firstAlways === -1 ? rules : rules.slice(0, firstAlways + 1);
}

/** Like runc: permissive defaults and a default of ENOSYS already behave as the stub would. */
function needsEnosysStub(profile: SeccompProfile): boolean {
  if (isPermissive(profile.defaultAction)) return false;
  return !(profile.defaultAction === 'SCMP_ACT_ERRNO' && profile.defaultErrnoRet === ENOSYS);
}
