// A tiny classic-BPF assembler: instructions with symbolic forward labels, resolved into
// struct sock_filter bytes. Conditional jumps have 8-bit offsets (at most 255 instructions
// forward); a jump that lands further away is relaxed into a short jump to an unconditional
// `ja` trampoline right behind it (32-bit offset).

export const BPF = {
  LD_W_ABS: 0x20,  // A = *(u32 *)(seccomp_data + k)
  ALU_AND_K: 0x54, // A &= k
  JA: 0x05,        // pc += k
  JEQ_K: 0x15,     // pc += (A == k) ? jt : jf
  JGT_K: 0x25,     // unsigned A > k
  JGE_K: 0x35,     // unsigned A >= k
  JSET_K: 0x45,    // (A & k) != 0
  RET_K: 0x06,     // return k
} as const;

export const BPF_MAXINSNS = 4096;
const MAX_SHORT_JUMP = 255;

export class BpfProgramTooLong extends Error {
  constructor(readonly instructions: number) {
    super(`the program has ${instructions} instructions, more than BPF_MAXINSNS (${BPF_MAXINSNS})`);
  }
}

/** A forward jump target; `undefined` in a jump means "the next instruction". */
export type Label = { readonly id: number };

interface Plain { kind: 'plain'; code: number; k: number }
interface Cond { kind: 'cond'; code: number; k: number; jt?: Label; jf?: Label }
interface Always { kind: 'ja'; target: Label }
interface Place { kind: 'label'; label: Label }
type Item = Plain | Cond | Always | Place;

export class BpfAssembler {
  private readonly items: Item[] = [];
  private labelCount = 0;

  label(): Label {
    return { id: this.labelCount++ };
  }

  place(label: Label): void {
    this.items.push({ kind: 'label', label });
  }

  load(offset: number): void {
    this.items.push({ kind: 'plain', code: BPF.LD_W_ABS, k: offset });
  }

  and(mask: number): void {
    this.items.push({ kind: 'plain', code: BPF.ALU_AND_K, k: mask });
  }

  ret(value: number): void {
    this.items.push({ kind: 'plain', code: BPF.RET_K, k: value });
  }

  jump(code: number, k: number, jt?: Label, jf?: Label): void {
    this.items.push({ kind: 'cond', code, k, jt, jf });
  }

  goto(target: Label): void {
    this.items.push({ kind: 'ja', target });
  }

  /** Resolves labels (with trampolines where needed) and encodes the program. */
  assemble(): Uint8Array {
    const far = this.relax();
    const { positions, size } = this.layout(far);
    if (size > BPF_MAXINSNS) throw new BpfProgramTooLong(size);
    const out = new Uint8Array(size * 8);
    const view = new DataView(out.buffer);
    let pc = 0;
    const put = (code: number, jt: number, jf: number, k: number): void => {
      view.setUint16(pc * 8, code, true);
      view.setUint8(pc * 8 + 2, jt);
      view.setUint8(pc * 8 + 3, jf);
      view.setUint32(pc * 8 + 4, k >>> 0, true);
      pc++;
    };
    this.items.forEach((item, i) => {
      if (item.kind === 'plain') put(item.code, 0, 0, item.k);
      else if (item.kind === 'ja') put(BPF.JA, 0, 0, positions.labels[item.target.id]! - (pc + 1));
      else if (item.kind === 'cond') this.encodeCond(item, far[i]!, pc, positions.labels, put);
    });
    return out;
  }

  private encodeCond(item: Cond, far: Far, pc: number, labels: number[],
    put: (code: number, jt: number, jf: number, k: number) => void): void {
    const offset = (target: Label | undefined): number => target === undefined ? 0 : labels[target.id]! - (pc + 1);
    const trampolines = (far.jt ? 1 : 0) + (far.jf ? 1 : 0);
    // Near targets skip the trampolines; a far target goes through its own trampoline.
    const near = (target: Label | undefined): number => target === undefined ? trampolines : offset(target);
    const jt = far.jt ? 0 : near(item.jt);
    const jf = far.jf ? (far.jt ? 1 : 0) : near(item.jf);
    put(item.code, jt, jf, item.k);
    const at = pc + 1;
    if (far.jt) put(BPF.JA, 0, 0, labels[item.jt!.id]! - (at + 1));
    if (far.jf) put(BPF.JA, 0, 0, labels[item.jf!.id]! - (at + (far.jt ? 1 : 0) + 1));
  }

  /** Marks far jumps until the layout is stable; marks only grow, so this terminates. */
  private relax(): Far[] {
    const far: Far[] = this.items.map(() => ({ jt: false, jf: false }));
    for (;;) {
      const { positions } = this.layout(far);
      let changed = false;
      this.items.forEach((item, i) => {
        if (item.kind !== 'cond') return;
        const from = positions.items[i]! + 1;
        for (const side of ['jt', 'jf'] as const) {
          const target = item[side];
          if (target === undefined || far[i]![side]) continue;
          const at = positions.labels[target.id];
          if (at === undefined) throw new Error(`BPF label ${target.id} is never placed`);
          if (at < from) throw new Error(`BPF label ${target.id} is behind its jump (classic BPF jumps only forward)`);
          if (at - from > MAX_SHORT_JUMP) { far[i]![side] = true; changed = true; }
        }
      });
      if (!changed) return far;
    }
  }

  private layout(far: Far[]): { positions: { items: number[]; labels: number[] }; size: number } {
    const items: number[] = [];
    const labels: number[] = [];
    let pc = 0;
    this.items.forEach((item, i) => {
      items.push(pc);
      if (item.kind === 'label') labels[item.label.id] = pc;
      else pc += 1 + (item.kind === 'cond' ? (far[i]!.jt ? 1 : 0) + (far[i]!.jf ? 1 : 0) : 0);
    });
    return { positions: { items, labels }, size: pc };
  }
}

interface Far { jt: boolean; jf: boolean }
