// Profile → BPF program for the x86_64 ABI, with figures about the result. Pure: the caller
// supplies the capabilities and the running kernel's version.
import { BerthError } from '../../errors.js';
import { BpfProgramTooLong } from './bpf.js';
import { generate, type Generated } from './codegen.js';
import { normalizeCapability } from './parse.js';
import { planFilter, type FilterPlan } from './select.js';
import type { CompiledSeccomp, SeccompProfile } from './types.js';

export interface CompileOptions {
  /** Running kernel [major, minor], for Docker's `includes.minKernel`. */
  kernel: [number, number];
}

export function compileSeccompProfile(profile: SeccompProfile, capabilities: readonly string[], options: CompileOptions): CompiledSeccomp {
  const plan = planFilter(profile, {
    capabilities: new Set(capabilities.map(normalizeCapability)),
    kernel: options.kernel,
  });
  const { program, searchDepth, intervals } = generateFor(profile, plan);
  return {
    program,
    stats: {
      instructions: program.length / 8,
      searchDepth,
      intervals,
      syscalls: plan.syscalls.length,
      highestSyscall: plan.enosysAbove ?? -1,
      skippedNames: plan.skippedNames,
    },
  };
}

function generateFor(profile: SeccompProfile, plan: FilterPlan): Generated {
  try {
    return generate(plan);
  } catch (err) {
    if (!(err instanceof BpfProgramTooLong)) throw err;
    throw new BerthError('INVALID_SPEC', `seccomp profile ${profile.source}: ${err.message}; the kernel refuses longer filters`,
      { field: 'seccomp', source: profile.source, instructions: err.instructions });
  }
}

/** "6.18.44-fc-v769" → [6, 18]; os.release() is the usual input. */
export function parseKernelRelease(release: string): [number, number] {
  const match = /^(\d+)\.(\d+)/.exec(release);
  if (!match) throw new Error(`parse kernel release "${release}": expected "major.minor…"`);
  return [Number(match[1]), Number(match[2])];
}
