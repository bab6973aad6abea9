// A tiny eBPF interpreter for the instructions agent/cgroups/v2/device-program.ts emits, strict
// where the kernel's verifier is: unknown opcodes, reads of unset registers, pointer arithmetic,
// context reads other than the three u32 fields, non-zero offsets on ALU ops, backward or
// out-of-range jumps and falling off the end are all errors. 64-bit registers as BigInt.

export interface DeviceAccess { type: 'b' | 'c'; major: number; minor: number; access: string }

const CTX = Symbol('ctx');
type Reg = bigint | typeof CTX | undefined;
const U32 = 0xffffffffn;

export function runDeviceProgram(bytes: Uint8Array, req: DeviceAccess): number {
  if (bytes.length === 0 || bytes.length % 8 !== 0) throw new Error(`program of ${bytes.length} bytes is not a whole number of instructions`);
  const ctx = [accessType(req), req.major, req.minor];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const regs: Reg[] = new Array(11).fill(undefined);
  regs[1] = CTX;
  const count = bytes.length / 8;
  for (let pc = 0; pc < count; pc++) {
    const at = pc * 8;
    const code = view.getUint8(at);
    const dst = view.getUint8(at + 1) & 0xf;
    const src = view.getUint8(at + 1) >> 4;
    const off = view.getInt16(at + 2, true);
    const imm = view.getInt32(at + 4, true);
    const where = `insn ${pc} (code 0x${code.toString(16)})`;
    const scalar = (r: number): bigint => {
      const v = regs[r];
      if (typeof v !== 'bigint') throw new Error(`${where}: r${r} is ${v === CTX ? 'the context pointer' : 'not initialised'}`);
      return v;
    };
    const jump = (taken: boolean): void => {
      if (off < 0) throw new Error(`${where}: backward jump`);
      if (pc + 1 + off >= count) throw new Error(`${where}: jump past the end`);
      if (taken) pc += off;
    };
    if (code !== 0x55 && code !== 0x5d && code !== 0x61 && off !== 0) throw new Error(`${where}: off ${off} on a non-jump`);
    if ((code & 0x08) === 0 && code !== 0x61 && src !== 0) throw new Error(`${where}: src register set on an immediate op`);
    switch (code) {
      case 0x61: { // ldxw
        if (regs[src] !== CTX) throw new Error(`${where}: load from r${src}, which is not the context`);
        if (off !== 0 && off !== 4 && off !== 8) throw new Error(`${where}: context offset ${off} is not a u32 field`);
        regs[dst] = BigInt(ctx[off / 4] >>> 0);
        break;
      }
      case 0x54: regs[dst] = scalar(dst) & BigInt(imm >>> 0) & U32; break;
      case 0x74: regs[dst] = (scalar(dst) & U32) >> BigInt(imm); break;
      case 0xb4: regs[dst] = BigInt(imm >>> 0); break;
      case 0xbc: regs[dst] = scalar(src) & U32; break;
      case 0x55: jump(scalar(dst) !== (BigInt(imm) & 0xffffffffffffffffn)); break; // imm sign-extends to 64 bits
      case 0x5d: jump(scalar(dst) !== scalar(src)); break;
      case 0x95: return Number(scalar(0));
      default: throw new Error(`${where}: opcode not supported by this interpreter`);
    }
  }
  throw new Error('fell off the end of the program without exit');
}

function accessType(req: DeviceAccess): number {
  let access = 0;
  if (req.access.includes('m')) access |= 1;
  if (req.access.includes('r')) access |= 2;
  if (req.access.includes('w')) access |= 4;
  return ((access << 16) | (req.type === 'b' ? 1 : 2)) >>> 0;
}
