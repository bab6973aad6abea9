// Berth's default profile compiled and run in a classic-BPF interpreter: Docker's behaviour.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AUDIT_ARCH_X86_64, compileSeccomp, compileSeccompProfile, defaultProfile, SECCOMP_RET, SYSCALLS_X86_64,
} from '../../../../agent/runtime/seccomp/index.js';
import { load } from './bpf-vm.js';

const DOCKER_CAPS = ['CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE'];
const ALLOW = SECCOMP_RET.ALLOW;
const EPERM = SECCOMP_RET.ERRNO | 1;
const ENOSYS = SECCOMP_RET.ERRNO | 38;
const AUDIT_ARCH_I386 = 0x40000003;

const CLONE_NEWUSER = 0x10000000n;
const CLONE_NEWNS = 0x00020000n;
// What glibc's pthread_create passes: VM|FS|FILES|SIGHAND|THREAD|SYSVSEM|SETTLS|PARENT_SETTID|CHILD_CLEARTID.
const CLONE_THREAD_FLAGS = 0x3d0f00n;
const SIGCHLD = 17n;

function nr(name: string): number {
  const n = SYSCALLS_X86_64.get(name);
  assert.notEqual(n, undefined, `${name} is in the x86_64 table`);
  return n!;
}

function filterFor(caps: string[]) {
  const program = compileSeccomp('default', caps);
  assert.ok(program, 'default yields a program');
  const vm = load(program);
  return (name: string | number, ...args: bigint[]) =>
    vm.eval({ nr: typeof name === 'number' ? name : nr(name), arch: AUDIT_ARCH_X86_64, args });
}

describe('default profile with Docker\'s 14 capabilities', () => {
  const call = filterFor(DOCKER_CAPS);

  it('allows ordinary syscalls', () => {
    for (const name of ['read', 'write', 'exit', 'exit_group', 'openat', 'mmap', 'futex', 'epoll_wait', 'execve', 'pipe2', 'chroot']) {
      assert.equal(call(name), ALLOW, name);
    }
  });

  it('refuses the never-allowed and the capability-gated syscalls with EPERM', () => {
    for (const name of ['mount', 'umount2', 'keyctl', 'add_key', 'request_key', 'kexec_load', 'kexec_file_load', 'pivot_root',
      'io_uring_setup', 'userfaultfd', 'swapon', 'move_pages', 'unshare', 'setns', 'bpf']) {
      assert.equal(call(name), EPERM, name);
    }
    for (const name of ['reboot', 'init_module', 'acct', 'settimeofday', 'iopl', 'kcmp', 'mbind', 'syslog', 'open_by_handle_at', 'vhangup']) {
      assert.equal(call(name), EPERM, name);
    }
  });

  it('returns ENOSYS above the highest syscall it names, and for clone3', () => {
    assert.equal(call(1000), ENOSYS);
    assert.equal(call(0x3fffffff), ENOSYS);
    assert.equal(call('clone3'), ENOSYS);
  });

  it('filters clone flags: namespaces are refused, threads and forks allowed', () => {
    assert.equal(call('clone', CLONE_THREAD_FLAGS), ALLOW);
    assert.equal(call('clone', SIGCHLD), ALLOW);
    assert.equal(call('clone', CLONE_NEWUSER | SIGCHLD), EPERM);
    assert.equal(call('clone', CLONE_NEWNS), EPERM);
    for (let bit = 17n; bit < 31n; bit++) {
      const flag = 1n << bit;
      assert.equal(call('clone', flag), (flag & 0x7e020000n) === 0n ? ALLOW : EPERM, `clone flag 0x${flag.toString(16)}`);
    }
  });

  it('allows only the listed personality values', () => {
    for (const v of [0x0n, 0x8n, 0x20000n, 0x20008n, 0xffffffffn]) assert.equal(call('personality', v), ALLOW, `0x${v.toString(16)}`);
    for (const v of [0x1n, 0x400000n, 0x40000n, 0x1_0000_0000n, 0x1_0000_0008n, 0xffff_ffff_ffff_ffffn]) {
      assert.equal(call('personality', v), EPERM, `0x${v.toString(16)}`);
    }
  });

  it('blocks socket(AF_ALG) and socket(AF_VSOCK) but allows other domains', () => {
    assert.equal(call('socket', 2n, 1n, 0n), ALLOW, 'AF_INET');
    assert.equal(call('socket', 1n, 1n, 0n), ALLOW, 'AF_UNIX');
    assert.equal(call('socket', 10n, 2n, 0n), ALLOW, 'AF_INET6');
    assert.equal(call('socket', 16n), ALLOW, 'AF_NETLINK');
    assert.equal(call('socket', 37n), ALLOW, 'AF_CAIF');
    assert.equal(call('socket', 38n), EPERM, 'AF_ALG');
    assert.equal(call('socket', 39n), ALLOW, 'AF_NFC');
    assert.equal(call('socket', 40n), EPERM, 'AF_VSOCK');
    assert.equal(call('socket', 41n), ALLOW, 'AF_KCM');
    assert.equal(call('socket', 38n | (1n << 32n)), ALLOW, 'the whole 64-bit value is compared, as libseccomp does');
  });

  it('refuses other ABIs: i386 arch and x32 syscall numbers', () => {
    const vm = load(compileSeccomp('default', DOCKER_CAPS)!);
    assert.equal(vm.eval({ nr: 0, arch: AUDIT_ARCH_I386 }), EPERM);
    assert.equal(vm.eval({ nr: 1, arch: 0 }), EPERM);
    assert.equal(vm.eval({ nr: 0x40000000 | nr('read'), arch: AUDIT_ARCH_X86_64 }), EPERM);
  });

  it('treats every syscall number 0..1023 as allowed, EPERM or ENOSYS only', () => {
    const expected = new Set<number>([ALLOW, EPERM, ENOSYS]);
    for (let n = 0; n < 1024; n++) assert.ok(expected.has(call(n)), `nr ${n}`);
  });
});

describe('default profile capability-gated rules', () => {
  it('CAP_SYS_ADMIN allows mount, unshare, clone with namespace flags and clone3', () => {
    const call = filterFor([...DOCKER_CAPS, 'CAP_SYS_ADMIN']);
    for (const name of ['mount', 'umount2', 'unshare', 'setns', 'sethostname', 'clone3', 'bpf', 'perf_event_open']) {
      assert.equal(call(name), ALLOW, name);
    }
    assert.equal(call('clone', CLONE_NEWUSER | SIGCHLD), ALLOW);
    assert.equal(call('keyctl'), EPERM, 'still never allowed');
  });

  it('each capability opens its own group and nothing else', () => {
    const groups: [string, string[]][] = [
      ['CAP_SYS_PTRACE', ['kcmp', 'pidfd_getfd', 'process_madvise']],
      ['CAP_SYS_MODULE', ['init_module', 'finit_module', 'delete_module']],
      ['CAP_SYS_BOOT', ['reboot']],
      ['CAP_SYS_TIME', ['settimeofday', 'clock_settime']],
      ['CAP_SYS_NICE', ['mbind', 'set_mempolicy', 'get_mempolicy']],
      ['CAP_SYSLOG', ['syslog']],
      ['CAP_BPF', ['bpf']],
      ['CAP_PERFMON', ['perf_event_open']],
      ['CAP_DAC_READ_SEARCH', ['open_by_handle_at']],
      ['SYS_TTY_CONFIG', ['vhangup']], // without the CAP_ prefix: normalised
    ];
    const base = filterFor(DOCKER_CAPS);
    for (const [cap, names] of groups) {
      const call = filterFor([...DOCKER_CAPS, cap]);
      for (const name of names) {
        assert.equal(base(name), EPERM, `${name} without ${cap}`);
        assert.equal(call(name), ALLOW, `${name} with ${cap}`);
      }
      assert.equal(call('mount'), EPERM, `mount with ${cap}`);
    }
  });

  it('chroot needs CAP_SYS_CHROOT, one of Docker\'s 14', () => {
    assert.equal(filterFor(DOCKER_CAPS.filter((c) => c !== 'CAP_SYS_CHROOT'))('chroot'), EPERM);
  });

  it('ptrace is allowed from kernel 4.8 on', () => {
    const on = (kernel: [number, number]) => load(compileSeccompProfile(defaultProfile(), DOCKER_CAPS, { kernel }).program)
      .eval({ nr: nr('ptrace'), arch: AUDIT_ARCH_X86_64 });
    assert.equal(on([4, 8]), ALLOW);
    assert.equal(on([6, 18]), ALLOW);
    assert.equal(on([4, 7]), EPERM);
  });
});

describe('default profile program shape', () => {
  it('stays small, shallow and within BPF_MAXINSNS for any capability set', () => {
    for (const caps of [[], DOCKER_CAPS, [...DOCKER_CAPS, 'CAP_SYS_ADMIN', 'CAP_SYS_PTRACE', 'CAP_SYS_NICE']]) {
      const { program, stats } = compileSeccompProfile(defaultProfile(), caps, { kernel: [6, 18] });
      assert.equal(stats.instructions * 8, program.length);
      assert.ok(stats.instructions < 400, `${stats.instructions} instructions`);
      assert.ok(stats.searchDepth <= Math.ceil(Math.log2(stats.intervals)), `depth ${stats.searchDepth} for ${stats.intervals} ranges`);
      const vm = load(program);
      let worst = 0;
      for (let n = 0; n < 512; n++) {
        worst = Math.max(worst, vm.exec({ nr: n, arch: AUDIT_ARCH_X86_64, args: [0x7e020000n, 0n] }).executed);
      }
      assert.ok(worst < 40, `worst path ${worst} instructions`);
    }
  });

  it('starts by loading and checking the architecture', () => {
    const program = compileSeccomp('default', DOCKER_CAPS)!;
    // ld [4]; jeq AUDIT_ARCH_X86_64, jt 1, jf 0 (u16 code, u8 jt, u8 jf, u32 k; little-endian)
    assert.deepEqual([...program.subarray(0, 16)], [0x20, 0, 0, 0, 4, 0, 0, 0, 0x15, 0, 1, 0, 0x3e, 0, 0, 0xc0]);
  });

  it('skips only names newer than the syscall table (they exist on x86_64 from Linux 6.5 on)', () => {
    const { stats } = compileSeccompProfile(defaultProfile(), [...DOCKER_CAPS, 'CAP_SYS_ADMIN'], { kernel: [6, 18] });
    const newer = new Set(['cachestat', 'fchmodat2', 'map_shadow_stack', 'futex_wake', 'futex_wait', 'futex_requeue',
      'statmount', 'listmount', 'lsm_get_self_attr', 'lsm_set_self_attr', 'lsm_list_modules', 'mseal', 'setxattrat',
      'getxattrat', 'listxattrat', 'removexattrat', 'uretprobe']);
    for (const name of stats.skippedNames) assert.ok(newer.has(name), `${name} skipped`);
  });
});
