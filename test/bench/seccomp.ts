// Seccomp compile cost: the default profile with Docker's 14 capabilities, uncached (parse-free
// compile of berth's table) and through a SeccompCompiler cache (what the launch path pays on
// every create), plus the program's size, search depth and worst-case path through the filter.
// Run: node --import tsx test/bench/seccomp.ts
import { performance } from 'node:perf_hooks';
import {
  AUDIT_ARCH_X86_64, compileSeccomp, compileSeccompProfile, defaultProfile, parseKernelRelease, SeccompCompiler,
} from '../../agent/runtime/seccomp/index.js';
import { load } from '../unit/runtime/seccomp/bpf-vm.js';
import { release } from 'node:os';

const CAPS = ['CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE'];

function perCall(rounds: number, fn: () => unknown): number {
  const start = performance.now();
  for (let i = 0; i < rounds; i++) fn();
  return (performance.now() - start) / rounds;
}

const firstStart = performance.now();
compileSeccomp('default', CAPS);
const first = performance.now() - firstStart;
perCall(300, () => compileSeccomp('default', CAPS)); // warm the JIT
const uncached = perCall(2000, () => compileSeccomp('default', CAPS));
const compiler = new SeccompCompiler();
compiler.compile('default', CAPS);
perCall(2000, () => compiler.compile('default', CAPS));
const cached = perCall(20000, () => compiler.compile('default', CAPS));

const { program, stats } = compileSeccompProfile(defaultProfile(), CAPS, { kernel: parseKernelRelease(release()) });
const vm = load(program);
let worst = 0;
for (let nr = 0; nr < 512; nr++) worst = Math.max(worst, vm.exec({ nr, arch: AUDIT_ARCH_X86_64, args: [0x3d0f00n] }).executed);

console.log(`seccomp default profile (Docker's 14 caps):`);
console.log(`  first compile (cold JIT)   ${first.toFixed(2)} ms`);
console.log(`  uncached compile (warm)    ${(uncached * 1000).toFixed(1)} µs`);
console.log(`  cached compile             ${(cached * 1000).toFixed(2)} µs   (ratio uncached/cached ${(uncached / cached).toFixed(0)}x)`);
console.log(`  program                    ${stats.instructions} instructions, ${stats.intervals} ranges, search depth ${stats.searchDepth}, worst path ${worst} instructions`);
console.log(`  syscalls with rules        ${stats.syscalls}; ENOSYS above ${stats.highestSyscall}; skipped (newer than table) ${stats.skippedNames.length}`);
