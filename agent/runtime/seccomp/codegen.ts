// Filter plan → classic BPF. Layout:
//   1. arch != AUDIT_ARCH_X86_64 → ERRNO(EPERM). berth filters only the 64-bit ABI; i386 (int 0x80)
//      and x32 callers are refused outright instead of being filtered with a second syscall table.
//   2. nr & __X32_SYSCALL_BIT → ERRNO(EPERM) (x32 numbers arrive with the x86_64 arch value).
//   3. nr > highest syscall the profile names → ERRNO(ENOSYS), like runc, so libc falls back from
//      syscalls newer than the profile (clone3 → clone, fchmodat2 → fchmodat, …).
//   4. A balanced binary search over syscall-number ranges (jge), whose leaves return directly or
//      run the argument checks of one syscall. A lookup costs O(log ranges) jumps.
import { BPF, BpfAssembler, type Label } from './bpf.js';
import { EPERM, ENOSYS, errnoRet } from './actions.js';
import type { FilterPlan, PlannedRule, SyscallPlan } from './select.js';
import type { SeccompArg } from './types.js';

export const AUDIT_ARCH_X86_64 = 0xc000003e;
export const X32_SYSCALL_BIT = 0x40000000;

/** struct seccomp_data offsets; args are u64, little-endian: low word first. */
const OFFSET_NR = 0;
const OFFSET_ARCH = 4;
const argLow = (index: number): number => 16 + 8 * index;
const argHigh = (index: number): number => 16 + 8 * index + 4;

/** A run of syscall numbers [start, end] that behaves the same: one return value, or one syscall's rules. */
type Interval = { start: number; end: number; ret: number } | { start: number; end: number; syscall: SyscallPlan };

export interface Generated {
  program: Uint8Array;
  searchDepth: number;
  intervals: number;
}

export function generate(plan: FilterPlan): Generated {
  const asm = new BpfAssembler();
  emitPrologue(asm, plan);
  const intervals = toIntervals(plan);
  const searchDepth = emitSearch(asm, intervals, 0, intervals.length - 1, plan.defaultRet);
  return { program: asm.assemble(), searchDepth, intervals: intervals.length };
}

function emitPrologue(asm: BpfAssembler, plan: FilterPlan): void {
  asm.load(OFFSET_ARCH);
  emitGuard(asm, BPF.JEQ_K, AUDIT_ARCH_X86_64, 'pass-if-true', errnoRet(EPERM));
  asm.load(OFFSET_NR);
  emitGuard(asm, BPF.JSET_K, X32_SYSCALL_BIT, 'fail-if-true', errnoRet(EPERM));
  if (plan.enosysAbove !== undefined) emitGuard(asm, BPF.JGT_K, plan.enosysAbove, 'fail-if-true', errnoRet(ENOSYS));
}

/** `jcond k` that either continues or returns `failRet`. */
function emitGuard(asm: BpfAssembler, code: number, k: number, mode: 'pass-if-true' | 'fail-if-true', failRet: number): void {
  const pass = asm.label();
  if (mode === 'pass-if-true') asm.jump(code, k, pass, undefined);
  else asm.jump(code, k, undefined, pass);
  asm.ret(failRet);
  asm.place(pass);
}

/** Splits 0..highest into ranges; neighbouring numbers with the same unconditional result merge. */
function toIntervals(plan: FilterPlan): Interval[] {
  const end = plan.enosysAbove ?? 0xffffffff;
  const out: Interval[] = [];
  const pushRet = (start: number, last: number, ret: number): void => {
    if (start > last) return;
    const prev = out.at(-1);
    if (prev && 'ret' in prev && prev.ret === ret && prev.end === start - 1) prev.end = last;
    else out.push({ start, end: last, ret });
  };
  let next = 0;
  for (const syscall of plan.syscalls) {
    pushRet(next, syscall.nr - 1, plan.defaultRet);
    const always = syscall.rules.length > 0 && syscall.rules[0]!.conditions.length === 0;
    if (always) pushRet(syscall.nr, syscall.nr, syscall.rules[0]!.ret);
    else out.push({ start: syscall.nr, end: syscall.nr, syscall });
    next = syscall.nr + 1;
  }
  pushRet(next, end, plan.defaultRet);
  return out;
}

/** Emits the search over intervals[lo..hi] with A = nr; returns the depth in conditional jumps. */
function emitSearch(asm: BpfAssembler, intervals: Interval[], lo: number, hi: number, defaultRet: number): number {
  if (lo === hi) {
    emitLeaf(asm, intervals[lo]!, defaultRet);
    return 0;
  }
  const mid = (lo + hi + 1) >> 1;
  const upper = asm.label();
  asm.jump(BPF.JGE_K, intervals[mid]!.start, upper, undefined);
  const left = emitSearch(asm, intervals, lo, mid - 1, defaultRet);
  asm.place(upper);
  const right = emitSearch(asm, intervals, mid, hi, defaultRet);
  return 1 + Math.max(left, right);
}

function emitLeaf(asm: BpfAssembler, interval: Interval, defaultRet: number): void {
  if ('ret' in interval) {
    asm.ret(interval.ret);
    return;
  }
  for (const rule of interval.syscall.rules) emitRule(asm, rule);
  asm.ret(defaultRet);
}

/** Conditions in order; any failing one jumps to the next rule, all holding returns the rule's value. */
function emitRule(asm: BpfAssembler, rule: PlannedRule): void {
  const nextRule = asm.label();
  for (const condition of rule.conditions) emitCondition(asm, condition, nextRule);
  asm.ret(rule.ret);
  asm.place(nextRule);
}

/**
 * Compares the 64-bit argument as two 32-bit halves, high word first: the high word decides
 * unless it is equal, then the low word decides. Falls through when the condition holds.
 */
function emitCondition(asm: BpfAssembler, arg: SeccompArg, fail: Label): void {
  const pass = asm.label();
  const [valueHigh, valueLow] = halves(arg.value);
  switch (arg.op) {
    case 'SCMP_CMP_EQ':
      asm.load(argHigh(arg.index));
      asm.jump(BPF.JEQ_K, valueHigh, undefined, fail);
      asm.load(argLow(arg.index));
      asm.jump(BPF.JEQ_K, valueLow, undefined, fail);
      break;
    case 'SCMP_CMP_NE':
      asm.load(argHigh(arg.index));
      asm.jump(BPF.JEQ_K, valueHigh, undefined, pass);
      asm.load(argLow(arg.index));
      asm.jump(BPF.JEQ_K, valueLow, fail, undefined);
      break;
    case 'SCMP_CMP_MASKED_EQ': {
      const [maskHigh, maskLow] = halves(arg.value);
      const [wantHigh, wantLow] = halves(arg.valueTwo);
      asm.load(argHigh(arg.index));
      asm.and(maskHigh);
      asm.jump(BPF.JEQ_K, wantHigh, undefined, fail);
      asm.load(argLow(arg.index));
      asm.and(maskLow);
      asm.jump(BPF.JEQ_K, wantLow, undefined, fail);
      break;
    }
    case 'SCMP_CMP_GT':
    case 'SCMP_CMP_GE':
      asm.load(argHigh(arg.index));
      asm.jump(BPF.JGT_K, valueHigh, pass, undefined);
      asm.jump(BPF.JEQ_K, valueHigh, undefined, fail);
      asm.load(argLow(arg.index));
      asm.jump(arg.op === 'SCMP_CMP_GT' ? BPF.JGT_K : BPF.JGE_K, valueLow, undefined, fail);
      break;
    case 'SCMP_CMP_LT':
    case 'SCMP_CMP_LE':
      // LT is "not GE" and LE is "not GT": the same jumps with the outcomes swapped.
      asm.load(argHigh(arg.index));
      asm.jump(BPF.JGT_K, valueHigh, fail, undefined);
      asm.jump(BPF.JEQ_K, valueHigh, undefined, pass);
      asm.load(argLow(arg.index));
      asm.jump(arg.op === 'SCMP_CMP_LT' ? BPF.JGE_K : BPF.JGT_K, valueLow, fail, undefined);
      break;
  }
  asm.place(pass);
}

function halves(value: bigint): [number, number] {
  return [Number((value >> 32n) & 0xffffffffn), Number(value & 0xffffffffn)];
}
