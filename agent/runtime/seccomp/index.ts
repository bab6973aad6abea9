// Seccomp: profiles (berth's Docker-equivalent default, profile files, OCI bundle objects) compiled
// to classic BPF for the x86_64 ABI in TypeScript; the shim only loads the bytes.
import { SeccompCompiler } from './compiler.js';

export { SeccompCompiler, type SeccompCompilerOptions } from './compiler.js';
export { compileSeccompProfile, parseKernelRelease, type CompileOptions } from './compile.js';
export { parseSeccompProfile, normalizeCapability } from './parse.js';
export { defaultProfile } from './default-profile.js';
export { resolveProfileSource, type ProfileSource } from './source.js';
export { AUDIT_ARCH_X86_64, X32_SYSCALL_BIT } from './codegen.js';
export { SECCOMP_RET } from './actions.js';
export { SYSCALLS_X86_64, SYSCALL_TABLE_LINUX_VERSION } from './syscalls-x86_64.js';
export type * from './types.js';

/**
 * `profile`: "default", "unconfined" (→ undefined), an absolute path to a profile file,
 * "localhost/<path>", or the profile's JSON text. `capabilities`: the container's effective
 * "CAP_*" set, which decides the capability-gated rules. Uncached; hold a SeccompCompiler to
 * cache programs across creates.
 */
export function compileSeccomp(profile: string, capabilities: string[]): Uint8Array | undefined {
  return new SeccompCompiler({ maxEntries: 0 }).compile(profile, capabilities);
}
