// Device rules → a BPF_PROG_TYPE_CGROUP_DEVICE program (the bytes berth-shim loads and attaches,
// see `berth-shim devices` in agent/native/PLAN.md). The rules are first reduced to v1's state
// (device-rules.ts: an "a" rule resets, later rules add or remove exceptions), as runc does; the
// program then checks each exception and returns its action, else the default:
//
//   r2 = ctx->access_type & 0xffff   (BPF_DEVCG_DEV_BLOCK 1 / CHAR 2)
//   r3 = ctx->access_type >> 16      (BPF_DEVCG_ACC_MKNOD 1 | READ 2 | WRITE 4)
//   r4 = ctx->major; r5 = ctx->minor
//   per exception: type differs, requested access not a subset, major or minor differs → next;
//                  else return the exception's action (1 = allow, 0 = deny: EPERM)
//   return the default
import type { DeviceRule } from '../types.js';
import { encodeInsns, insn, OP, type BpfInsn } from './bpf-insn.js';
import { ACCESS_ALL, ANY, emulateDeviceRules, type DeviceException, type DeviceRuleState } from './device-rules.js';

/** struct bpf_cgroup_dev_ctx { u32 access_type; u32 major; u32 minor; } */
const CTX = { accessType: 0, major: 4, minor: 8 } as const;
const R = { ret: 0, ctx: 1, type: 2, access: 3, major: 4, minor: 5, scratch: 1 } as const;
const DEV_TYPE = { b: 1, c: 2 } as const;
const JUMPS = new Set<number>([OP.JNE_K, OP.JNE_X]);

export interface DeviceProgram {
  /** struct bpf_insn[], ready for BPF_PROG_LOAD. */
  bytes: Uint8Array;
  instructions: number;
  state: DeviceRuleState;
}

export function compileDeviceProgram(rules: readonly DeviceRule[]): DeviceProgram {
  const state = emulateDeviceRules(rules);
  const insns = [...loadContext()];
  for (const exception of state.exceptions) insns.push(...exceptionBlock(exception, !state.defaultAllow));
  insns.push(...returnVerdict(state.defaultAllow));
  return { bytes: encodeInsns(insns), instructions: insns.length, state };
}

function loadContext(): BpfInsn[] {
  return [
    insn.loadWord(R.type, R.ctx, CTX.accessType),
    insn.and32(R.type, 0xffff),
    insn.loadWord(R.access, R.ctx, CTX.accessType),
    insn.rsh32(R.access, 16),
    insn.loadWord(R.major, R.ctx, CTX.major),
    insn.loadWord(R.minor, R.ctx, CTX.minor),
  ];
}

/** Every jump in the block goes to the instruction after it (the next exception or the default). */
function exceptionBlock(e: DeviceException, allow: boolean): BpfInsn[] {
  const tests: BpfInsn[] = [insn.jneImm(R.type, DEV_TYPE[e.type])];
  if (e.access !== ACCESS_ALL) {
    // (requested & covered) != requested: something asked for is not covered by this exception.
    tests.push(insn.mov32Reg(R.scratch, R.access), insn.and32(R.scratch, e.access), insn.jneReg(R.scratch, R.access));
  }
  if (e.major !== ANY) tests.push(insn.jneImm(R.major, e.major));
  if (e.minor !== ANY) tests.push(insn.jneImm(R.minor, e.minor));
  const block = [...tests, ...returnVerdict(allow)];
  // Only the conditional jumps get an offset: a non-zero off on an ALU op means something else
  // (BPF_MOVSX), and it counts from the instruction after the jump.
  return block.map((ins, i) => (JUMPS.has(ins.code) ? { ...ins, off: block.length - i - 1 } : ins));
}

function returnVerdict(allow: boolean): BpfInsn[] {
  return [insn.mov32(R.ret, allow ? 1 : 0), insn.exit()];
}
