// The compiler against an independent reference: for generated profiles, the BPF program run in
// the interpreter must return what the profile's rules say, for every operator and action.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AUDIT_ARCH_X86_64, compileSeccompProfile, parseSeccompProfile, SECCOMP_RET, SYSCALLS_X86_64,
  type SeccompArg, type SeccompProfile,
} from '../../../../agent/runtime/seccomp/index.js';
import { load } from './bpf-vm.js';

const KERNEL: [number, number] = [6, 18];
const ERRNO = (e: number) => (SECCOMP_RET.ERRNO | e) >>> 0;
const nr = (name: string) => SYSCALLS_X86_64.get(name)!;

function compile(profile: object, caps: string[] = []) {
  const compiled = compileSeccompProfile(parseSeccompProfile(profile, 'test'), caps, { kernel: KERNEL });
  return { ...compiled, vm: load(compiled.program) };
}

/** What a rule's comparison means, written with bigint arithmetic instead of BPF. */
function holds(arg: SeccompArg, args: bigint[]): boolean {
  const v = args[arg.index] ?? 0n;
  switch (arg.op) {
    case 'SCMP_CMP_EQ': return v === arg.value;
    case 'SCMP_CMP_NE': return v !== arg.value;
    case 'SCMP_CMP_LT': return v < arg.value;
    case 'SCMP_CMP_LE': return v <= arg.value;
    case 'SCMP_CMP_GT': return v > arg.value;
    case 'SCMP_CMP_GE': return v >= arg.value;
    case 'SCMP_CMP_MASKED_EQ': return (v & arg.value) === arg.valueTwo;
  }
}

const U64 = (1n << 64n) - 1n;
/** Values that sit on both sides of v in each 32-bit half. */
function around(v: bigint): bigint[] {
  const out = [0n, 1n, U64, 0xffffffffn, 0x1_0000_0000n];
  for (const d of [-(1n << 32n), -1n, 0n, 1n, 1n << 32n]) out.push(v + d);
  return out.filter((x) => x >= 0n && x <= U64);
}

describe('argument comparisons (64-bit values as two 32-bit halves)', () => {
  // Values a JSON object can carry exactly; larger ones are covered through JSON text below.
  const values = [0n, 5n, 0xffffffffn, 0x1_0000_0000n, 0x1_0000_0005n, 0x7e020000n, BigInt(Number.MAX_SAFE_INTEGER)];
  for (const op of ['SCMP_CMP_EQ', 'SCMP_CMP_NE', 'SCMP_CMP_LT', 'SCMP_CMP_LE', 'SCMP_CMP_GT', 'SCMP_CMP_GE'] as const) {
    it(op, () => {
      for (const value of values) {
        const arg: SeccompArg = { index: 2, op, value, valueTwo: 0n };
        const { vm } = compile({
          defaultAction: 'SCMP_ACT_ERRNO',
          syscalls: [{ names: ['write'], action: 'SCMP_ACT_ALLOW', args: [{ index: 2, op, value: Number(value) }] }],
        });
        for (const x of around(value)) {
          const args = [0n, 0n, x];
          assert.equal(vm.eval({ nr: nr('write'), arch: AUDIT_ARCH_X86_64, args }) === SECCOMP_RET.ALLOW, holds(arg, args),
            `${op} ${value} on ${x}`);
        }
      }
    });
  }

  it('keeps uint64 values above 2^53 exact when read from JSON text', () => {
    for (const op of ['SCMP_CMP_EQ', 'SCMP_CMP_LT', 'SCMP_CMP_GT', 'SCMP_CMP_MASKED_EQ'] as const) {
      for (const value of [0x8000_0000_0000_0001n, U64, 0x1234_5678_9abc_def0n]) {
        const text = `{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW",
          "args":[{"index":0,"value":${value},"valueTwo":${value & 0xffff_0000_ffffn},"op":"${op}"}]}]}`;
        const profile = parseSeccompProfile(text, 'text');
        const arg = profile.syscalls[0]!.args[0]!;
        assert.equal(arg.value, value);
        const vm = load(compileSeccompProfile(profile, [], { kernel: KERNEL }).program);
        for (const x of [...around(value), value & 0xffff_0000_ffffn]) {
          assert.equal(vm.eval({ nr: 0, arch: AUDIT_ARCH_X86_64, args: [x] }) === SECCOMP_RET.ALLOW, holds(arg, [x]), `${op} ${value} on ${x}`);
        }
      }
    }
  });

  it('MASKED_EQ compares (arg & value) with valueTwo', () => {
    const { vm } = compile({
      defaultAction: 'SCMP_ACT_ERRNO',
      syscalls: [{ names: ['ioctl'], action: 'SCMP_ACT_ALLOW', args: [{ index: 1, op: 'SCMP_CMP_MASKED_EQ', value: 0xff00, valueTwo: 0x5400 }] }],
    });
    const call = (x: bigint) => vm.eval({ nr: nr('ioctl'), arch: AUDIT_ARCH_X86_64, args: [0n, x] });
    assert.equal(call(0x5401n), SECCOMP_RET.ALLOW);
    assert.equal(call(0x1_0000_54ffn), SECCOMP_RET.ALLOW, 'bits outside the mask do not matter');
    assert.equal(call(0x5501n), ERRNO(1));
  });

  it('ANDs comparisons of different arguments, ORs repeated comparisons of one argument (runc)', () => {
    const { vm } = compile({
      defaultAction: 'SCMP_ACT_ERRNO',
      syscalls: [
        { names: ['read'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, op: 'SCMP_CMP_EQ', value: 3 }, { index: 2, op: 'SCMP_CMP_LE', value: 100 }] },
        { names: ['write'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, op: 'SCMP_CMP_EQ', value: 1 }, { index: 0, op: 'SCMP_CMP_EQ', value: 2 }] },
      ],
    });
    const call = (name: string, ...args: bigint[]) => vm.eval({ nr: nr(name), arch: AUDIT_ARCH_X86_64, args });
    assert.equal(call('read', 3n, 0n, 100n), SECCOMP_RET.ALLOW);
    assert.equal(call('read', 3n, 0n, 101n), ERRNO(1));
    assert.equal(call('read', 4n, 0n, 1n), ERRNO(1));
    assert.equal(call('write', 1n), SECCOMP_RET.ALLOW);
    assert.equal(call('write', 2n), SECCOMP_RET.ALLOW);
    assert.equal(call('write', 3n), ERRNO(1));
  });
});

describe('actions', () => {
  const cases: [string, number | undefined, number][] = [
    ['SCMP_ACT_KILL', undefined, SECCOMP_RET.KILL_THREAD],
    ['SCMP_ACT_KILL_THREAD', undefined, SECCOMP_RET.KILL_THREAD],
    ['SCMP_ACT_KILL_PROCESS', undefined, SECCOMP_RET.KILL_PROCESS],
    ['SCMP_ACT_TRAP', undefined, SECCOMP_RET.TRAP],
    ['SCMP_ACT_ERRNO', undefined, ERRNO(1)],
    ['SCMP_ACT_ERRNO', 13, ERRNO(13)],
    ['SCMP_ACT_TRACE', 7, (SECCOMP_RET.TRACE | 7) >>> 0],
    ['SCMP_ACT_LOG', undefined, SECCOMP_RET.LOG],
    ['SCMP_ACT_ALLOW', undefined, SECCOMP_RET.ALLOW],
  ];
  for (const [action, errnoRet, ret] of cases) {
    it(`${action}${errnoRet === undefined ? '' : `(${errnoRet})`} as rule and as default`, () => {
      const rule = { names: ['getppid'], action, ...(errnoRet === undefined ? {} : { errnoRet }) };
      const asRule = compile({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [rule, { names: ['getpid'], action: 'SCMP_ACT_ALLOW' }] }).vm;
      assert.equal(asRule.eval({ nr: nr('getppid'), arch: AUDIT_ARCH_X86_64 }), ret);
      const asDefault = compile({ defaultAction: action, ...(errnoRet === undefined ? {} : { defaultErrnoRet: errnoRet }),
        // exit_group (231) lies above getppid (110), so getppid meets the default, not the ENOSYS stub.
        syscalls: [{ names: ['getpid', 'exit_group'], action: 'SCMP_ACT_ERRNO', errnoRet: 99 }] }).vm;
      assert.equal(asDefault.eval({ nr: nr('getppid'), arch: AUDIT_ARCH_X86_64 }), ret);
      assert.equal(asDefault.eval({ nr: nr('getpid'), arch: AUDIT_ARCH_X86_64 }), ERRNO(99));
    });
  }

  it('adds the ENOSYS stub only when the default refuses (not for ALLOW, LOG or ERRNO(ENOSYS))', () => {
    const high = { nr: 1000, arch: AUDIT_ARCH_X86_64 };
    const rules = [{ names: ['read'], action: 'SCMP_ACT_ERRNO' }];
    assert.equal(compile({ defaultAction: 'SCMP_ACT_KILL_PROCESS', syscalls: rules }).vm.eval(high), ERRNO(38));
    assert.equal(compile({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: rules }).vm.eval(high), SECCOMP_RET.ALLOW);
    assert.equal(compile({ defaultAction: 'SCMP_ACT_LOG', syscalls: rules }).vm.eval(high), SECCOMP_RET.LOG);
    const enosys = compile({ defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 38, syscalls: rules });
    assert.equal(enosys.stats.highestSyscall, -1);
    assert.equal(enosys.vm.eval(high), ERRNO(38));
    assert.equal(compile({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [] }).vm.eval({ nr: 0, arch: AUDIT_ARCH_X86_64 }), ERRNO(1));
  });

  it('lets the first matching rule decide and ignores rules behind an unconditional one', () => {
    const { vm } = compile({
      defaultAction: 'SCMP_ACT_ERRNO',
      syscalls: [
        { names: ['kill'], action: 'SCMP_ACT_ERRNO', errnoRet: 3, args: [{ index: 1, op: 'SCMP_CMP_EQ', value: 9 }] },
        { names: ['kill'], action: 'SCMP_ACT_ALLOW' },
        { names: ['kill'], action: 'SCMP_ACT_KILL_PROCESS' },
      ],
    });
    assert.equal(vm.eval({ nr: nr('kill'), arch: AUDIT_ARCH_X86_64, args: [1n, 9n] }), ERRNO(3));
    assert.equal(vm.eval({ nr: nr('kill'), arch: AUDIT_ARCH_X86_64, args: [1n, 15n] }), SECCOMP_RET.ALLOW);
  });

  it('honours includes/excludes: caps, arches and minKernel', () => {
    const profile = {
      defaultAction: 'SCMP_ACT_ERRNO',
      syscalls: [
        { names: ['read'], action: 'SCMP_ACT_ALLOW', includes: { arches: ['s390x'] } },
        { names: ['write'], action: 'SCMP_ACT_ALLOW', includes: { arches: ['amd64', 'x32'] } },
        { names: ['close'], action: 'SCMP_ACT_ALLOW', excludes: { arches: ['amd64'] } },
        { names: ['dup'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_NET_ADMIN', 'CAP_NET_RAW'] } },
        { names: ['dup2'], action: 'SCMP_ACT_ALLOW', excludes: { caps: ['CAP_NET_ADMIN', 'CAP_SYS_ADMIN'] } },
        { names: ['dup3'], action: 'SCMP_ACT_ALLOW', includes: { minKernel: '99.0' } },
      ],
    };
    const allowed = (caps: string[]) => ['read', 'write', 'close', 'dup', 'dup2', 'dup3']
      .filter((n) => compile(profile, caps).vm.eval({ nr: nr(n), arch: AUDIT_ARCH_X86_64 }) === SECCOMP_RET.ALLOW);
    assert.deepEqual(allowed([]), ['write', 'dup2']);
    assert.deepEqual(allowed(['CAP_NET_RAW']), ['write', 'dup2']);
    assert.deepEqual(allowed(['CAP_NET_RAW', 'cap_net_admin']), ['write', 'dup']);
  });
});

describe('large programs', () => {
  /** Every syscall with its own argument filter: hundreds of conditional leaves, far jumps everywhere. */
  function everySyscallFiltered(): { profile: SeccompProfile; expect: (n: number, a0: bigint) => number } {
    const names = [...SYSCALLS_X86_64.keys()];
    const json = {
      defaultAction: 'SCMP_ACT_ERRNO',
      syscalls: names.map((name, i) => ({ names: [name], action: 'SCMP_ACT_ERRNO', errnoRet: (i % 200) + 1,
        args: [{ index: 0, op: 'SCMP_CMP_EQ', value: i }] })),
    };
    const byNr = new Map(names.map((name, i) => [nr(name), i]));
    return {
      profile: parseSeccompProfile(json, 'generated'),
      expect: (n, a0) => {
        const i = byNr.get(n);
        if (i === undefined) return n > Math.max(...byNr.keys()) ? ERRNO(38) : ERRNO(1);
        return a0 === BigInt(i) ? ERRNO((i % 200) + 1) : ERRNO(1);
      },
    };
  }

  it('relaxes far jumps into trampolines and stays correct', () => {
    const { profile, expect } = everySyscallFiltered();
    const { program, stats } = compileSeccompProfile(profile, [], { kernel: KERNEL });
    const vm = load(program);
    assert.ok(stats.instructions > 1000 && stats.instructions <= 4096, `${stats.instructions} instructions`);
    assert.ok(vm.insns.some((insn) => insn.code === 0x05), 'uses ja trampolines');
    for (let n = 0; n < 460; n++) {
      const i = [...SYSCALLS_X86_64.values()].indexOf(n);
      for (const a0 of [BigInt(Math.max(i, 0)), 100000n]) {
        assert.equal(vm.eval({ nr: n, arch: AUDIT_ARCH_X86_64, args: [a0] }), expect(n, a0), `nr ${n} arg ${a0}`);
      }
    }
    const worst = Math.max(...Array.from({ length: 460 }, (_, n) => vm.exec({ nr: n, arch: AUDIT_ARCH_X86_64 }).executed));
    assert.ok(worst <= 3 * stats.searchDepth + 12, `worst path ${worst} for depth ${stats.searchDepth}`);
  });

  it('refuses a program longer than BPF_MAXINSNS with a clear error', () => {
    const json = {
      defaultAction: 'SCMP_ACT_ERRNO',
      syscalls: [...SYSCALLS_X86_64.keys()].map((name) => ({ names: [name], action: 'SCMP_ACT_ALLOW',
        args: [0, 1, 2, 3, 4, 5].map((index) => ({ index, op: 'SCMP_CMP_GE', value: 7 })) })),
    };
    assert.throws(() => compileSeccompProfile(parseSeccompProfile(json, 'huge'), [], { kernel: KERNEL }), /seccomp profile huge: the program has \d+ instructions, more than BPF_MAXINSNS \(4096\); the kernel refuses longer filters$/);
  });
});
