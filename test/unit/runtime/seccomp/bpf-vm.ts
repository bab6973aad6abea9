// A small classic-BPF interpreter for seccomp programs (tests only): checks the program the way
// the kernel's verifier would (length, jump targets, final return, load offsets) and runs it on a
// struct seccomp_data.

export const SECCOMP_DATA_SIZE = 64;
const MAX_INSNS = 4096;

export interface Insn { code: number; jt: number; jf: number; k: number }
export interface SeccompData { nr: number; arch: number; args?: bigint[]; instructionPointer?: bigint }
export interface RunResult { ret: number; executed: number }

export function decode(program: Uint8Array): Insn[] {
  if (program.length === 0 || program.length % 8 !== 0) throw new Error(`program length ${program.length} is not a positive multiple of 8`);
  const view = new DataView(program.buffer, program.byteOffset, program.byteLength);
  const insns: Insn[] = [];
  for (let off = 0; off < program.length; off += 8) {
    insns.push({ code: view.getUint16(off, true), jt: view.getUint8(off + 2), jf: view.getUint8(off + 3), k: view.getUint32(off + 4, true) });
  }
  return insns;
}

/** The kernel's static checks (bpf_check_classic + seccomp_check_filter) for the opcodes berth emits. */
export function verify(insns: Insn[]): void {
  if (insns.length > MAX_INSNS) throw new Error(`${insns.length} instructions > BPF_MAXINSNS`);
  insns.forEach((insn, pc) => {
    const next = pc + 1;
    switch (insn.code) {
      case 0x20:
        if (insn.k % 4 !== 0 || insn.k >= SECCOMP_DATA_SIZE) throw new Error(`pc ${pc}: load offset ${insn.k} outside seccomp_data`);
        break;
      case 0x54: case 0x06: break;
      case 0x05:
        if (next + insn.k >= insns.length) throw new Error(`pc ${pc}: ja ${insn.k} leaves the program`);
        break;
      case 0x15: case 0x25: case 0x35: case 0x45:
        if (next + insn.jt >= insns.length || next + insn.jf >= insns.length) throw new Error(`pc ${pc}: jump leaves the program`);
        break;
      default:
        throw new Error(`pc ${pc}: opcode 0x${insn.code.toString(16)} not expected`);
    }
  });
  if (insns.at(-1)!.code !== 0x06) throw new Error('the last instruction is not a return');
}

export function run(insns: Insn[], data: SeccompData): RunResult {
  const bytes = new DataView(new ArrayBuffer(SECCOMP_DATA_SIZE));
  bytes.setUint32(0, data.nr >>> 0, true);
  bytes.setUint32(4, data.arch >>> 0, true);
  bytes.setBigUint64(8, data.instructionPointer ?? 0n, true);
  (data.args ?? []).forEach((a, i) => bytes.setBigUint64(16 + 8 * i, BigInt.asUintN(64, a), true));
  let a = 0;
  let pc = 0;
  let executed = 0;
  for (;;) {
    const insn = insns[pc];
    if (!insn) throw new Error(`pc ${pc} is past the end`);
    executed++;
    const cond = (c: boolean): void => { pc += 1 + (c ? insn.jt : insn.jf); };
    switch (insn.code) {
      case 0x20: a = bytes.getUint32(insn.k, true); pc++; break;
      case 0x54: a = (a & insn.k) >>> 0; pc++; break;
      case 0x05: pc += 1 + insn.k; break;
      case 0x15: cond(a === insn.k); break;
      case 0x25: cond(a > insn.k); break;
      case 0x35: cond(a >= insn.k); break;
      case 0x45: cond((a & insn.k) !== 0); break;
      case 0x06: return { ret: insn.k >>> 0, executed };
      default: throw new Error(`pc ${pc}: opcode 0x${insn.code.toString(16)} not expected`);
    }
  }
}

/** Decodes, verifies and returns a runner. */
export function load(program: Uint8Array): { insns: Insn[]; eval: (data: SeccompData) => number; exec: (data: SeccompData) => RunResult } {
  const insns = decode(program);
  verify(insns);
  return { insns, eval: (data) => run(insns, data).ret, exec: (data) => run(insns, data) };
}
