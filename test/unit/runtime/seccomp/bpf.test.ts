// The assembler on its own: 8-bit conditional jumps relaxed into `ja` trampolines wherever a
// target lies more than 255 instructions ahead, on either or both sides.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BPF, BpfAssembler } from '../../../../agent/runtime/seccomp/bpf.js';
import { load } from './bpf-vm.js';

/** `jeq nr == 7` with its true and false targets `gapTrue` / `gapFalse` filler instructions away. */
function program(gapTrue: number, gapFalse: number): Uint8Array {
  const asm = new BpfAssembler();
  const yes = asm.label();
  const no = asm.label();
  asm.load(0);
  asm.jump(BPF.JEQ_K, 7, yes, no);
  asm.ret(0xdead); // never reached: both sides jump
  const fill = (n: number) => { for (let i = 0; i < n; i++) asm.ret(0xbad); };
  if (gapTrue <= gapFalse) {
    fill(gapTrue); asm.place(yes); asm.ret(1);
    fill(gapFalse - gapTrue); asm.place(no); asm.ret(2);
  } else {
    fill(gapFalse); asm.place(no); asm.ret(2);
    fill(gapTrue - gapFalse); asm.place(yes); asm.ret(1);
  }
  return asm.assemble();
}

describe('BpfAssembler', () => {
  // [true gap, false gap, trampolines]. 254/254: the false side is 256 away and gets a trampoline,
  // which pushes the true side from 255 to 256 away, so it needs one too (relaxation iterates).
  const cases: [number, number, number][] = [[3, 10, 0], [300, 10, 1], [10, 300, 1], [300, 600, 2], [600, 300, 2],
    [253, 253, 0], [254, 254, 2], [1000, 2000, 2]];
  for (const [gapTrue, gapFalse, trampolines] of cases) {
    it(`jumps ${gapTrue} / ${gapFalse} instructions ahead`, () => {
      const vm = load(program(gapTrue, gapFalse));
      assert.equal(vm.eval({ nr: 7, arch: 0 }), 1);
      assert.equal(vm.eval({ nr: 8, arch: 0 }), 2);
      assert.equal(vm.insns.filter((i) => i.code === BPF.JA).length, trampolines, 'a trampoline only for a far side');
    });
  }

  it('refuses a label that is never placed or lies behind its jump', () => {
    const unplaced = new BpfAssembler();
    unplaced.load(0);
    unplaced.jump(BPF.JEQ_K, 1, unplaced.label());
    unplaced.ret(0);
    assert.throws(() => unplaced.assemble(), /label 0 is never placed/);
    const backwards = new BpfAssembler();
    const top = backwards.label();
    backwards.place(top);
    backwards.load(0);
    backwards.jump(BPF.JEQ_K, 1, top);
    backwards.ret(0);
    assert.throws(() => backwards.assemble(), /behind its jump/);
  });
});
