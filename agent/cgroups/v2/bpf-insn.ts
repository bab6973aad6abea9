// The few eBPF instructions the device program needs, encoded as struct bpf_insn
// (include/uapi/linux/bpf.h): u8 code, u8 dst_reg:4 | src_reg:4, s16 off, s32 imm, little-endian.
// Only 32-bit ALU ops, word loads from the context, conditional jumps and exit: no helpers, no
// maps, so the program needs no GPL-compatible license.

export interface BpfInsn { code: number; dst: number; src: number; off: number; imm: number }

const INSN_SIZE = 8;

/** Opcodes: class | operation | source (BPF_K = immediate, BPF_X = register). */
export const OP = {
  LDX_MEM_W: 0x61,   // BPF_LDX | BPF_MEM | BPF_W: dst = *(u32 *)(src + off)
  ALU32_AND_K: 0x54, // BPF_ALU | BPF_AND | BPF_K: dst = (u32)dst & imm
  ALU32_RSH_K: 0x74, // BPF_ALU | BPF_RSH | BPF_K: dst = (u32)dst >> imm
  ALU32_MOV_K: 0xb4, // BPF_ALU | BPF_MOV | BPF_K: dst = (u32)imm
  ALU32_MOV_X: 0xbc, // BPF_ALU | BPF_MOV | BPF_X: dst = (u32)src
  JNE_K: 0x55,       // BPF_JMP | BPF_JNE | BPF_K: if dst != imm: pc += off
  JNE_X: 0x5d,       // BPF_JMP | BPF_JNE | BPF_X: if dst != src: pc += off
  EXIT: 0x95,        // BPF_JMP | BPF_EXIT: return r0
} as const;

export const insn = {
  loadWord: (dst: number, src: number, off: number): BpfInsn => ({ code: OP.LDX_MEM_W, dst, src, off, imm: 0 }),
  and32: (dst: number, imm: number): BpfInsn => ({ code: OP.ALU32_AND_K, dst, src: 0, off: 0, imm }),
  rsh32: (dst: number, imm: number): BpfInsn => ({ code: OP.ALU32_RSH_K, dst, src: 0, off: 0, imm }),
  mov32: (dst: number, imm: number): BpfInsn => ({ code: OP.ALU32_MOV_K, dst, src: 0, off: 0, imm }),
  mov32Reg: (dst: number, src: number): BpfInsn => ({ code: OP.ALU32_MOV_X, dst, src, off: 0, imm: 0 }),
  /** `off` is filled in once the jump target is known. */
  jneImm: (dst: number, imm: number): BpfInsn => ({ code: OP.JNE_K, dst, src: 0, off: 0, imm }),
  jneReg: (dst: number, src: number): BpfInsn => ({ code: OP.JNE_X, dst, src, off: 0, imm: 0 }),
  exit: (): BpfInsn => ({ code: OP.EXIT, dst: 0, src: 0, off: 0, imm: 0 }),
};

export function encodeInsns(insns: readonly BpfInsn[]): Uint8Array {
  const bytes = new Uint8Array(insns.length * INSN_SIZE);
  const view = new DataView(bytes.buffer);
  insns.forEach((ins, i) => {
    const at = i * INSN_SIZE;
    view.setUint8(at, ins.code);
    view.setUint8(at + 1, ((ins.src & 0xf) << 4) | (ins.dst & 0xf));
    view.setInt16(at + 2, ins.off, true);
    view.setInt32(at + 4, ins.imm, true);
  });
  return bytes;
}
