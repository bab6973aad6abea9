// The seccomp profile vocabulary: one normalised shape for Docker-format profile files, OCI
// `linux.seccomp` objects and berth's built-in default profile. Values are bigint because the
// runtime spec makes them uint64 and JSON numbers lose precision above 2^53.

export const SECCOMP_ACTIONS = [
  'SCMP_ACT_KILL', // = KILL_THREAD (libseccomp's historical name)
  'SCMP_ACT_KILL_THREAD',
  'SCMP_ACT_KILL_PROCESS',
  'SCMP_ACT_TRAP',
  'SCMP_ACT_ERRNO',
  'SCMP_ACT_TRACE',
  'SCMP_ACT_LOG',
  'SCMP_ACT_ALLOW',
] as const;
export type SeccompAction = (typeof SECCOMP_ACTIONS)[number];

export const SECCOMP_OPS = [
  'SCMP_CMP_NE',
  'SCMP_CMP_LT',
  'SCMP_CMP_LE',
  'SCMP_CMP_EQ',
  'SCMP_CMP_GE',
  'SCMP_CMP_GT',
  'SCMP_CMP_MASKED_EQ',
] as const;
export type SeccompOp = (typeof SECCOMP_OPS)[number];

/** One argument comparison. MASKED_EQ: (arg & value) == valueTwo; the others compare arg with value. */
export interface SeccompArg {
  index: number; // 0..5
  value: bigint;
  valueTwo: bigint;
  op: SeccompOp;
}

/** Docker's `includes` / `excludes`: which capability sets, architectures and kernels a rule is for. */
export interface SeccompFilter {
  caps: string[];        // "CAP_*"; includes: all must be held; excludes: none may be held
  arches: string[];      // Go arch names: "amd64", "x32", "arm64", …
  minKernel?: [number, number]; // includes only: [major, minor]
}

export interface SeccompRule {
  names: string[];
  action: SeccompAction;
  errnoRet?: number;     // ERRNO: the errno (default EPERM); TRACE: the tracer's message number
  args: SeccompArg[];    // all must hold (but see select.ts: a repeated index makes them alternatives, like runc)
  includes: SeccompFilter;
  excludes: SeccompFilter;
}

export interface SeccompProfile {
  /** Where the profile came from, for error messages: a file path, "default", "inline", a bundle. */
  source: string;
  defaultAction: SeccompAction;
  defaultErrnoRet?: number;
  /** SCMP_ARCH_* names; informational: berth filters only the x86_64 ABI and refuses i386/x32 (see codegen.ts). */
  architectures: string[];
  /** SECCOMP_FILTER_FLAG_* names: accepted but not applied (the shim loads the program without flags). */
  flags: string[];
  syscalls: SeccompRule[];
}

/** Figures about one compiled program, for logs, tests and benchmarks. */
export interface SeccompProgramStats {
  instructions: number;  // program length (≤ 4096, BPF_MAXINSNS)
  searchDepth: number;   // conditional jumps of the binary search on the longest path
  intervals: number;     // syscall-number ranges the search distinguishes
  syscalls: number;      // syscalls with their own rule
  highestSyscall: number; // numbers above it return ENOSYS (−1: no ENOSYS stub)
  skippedNames: string[]; // rule names unknown on x86_64 (newer than the table, or another arch's)
}

export interface CompiledSeccomp {
  program: Uint8Array;   // struct sock_filter[]: u16 code, u8 jt, u8 jf, u32 k, little-endian
  stats: SeccompProgramStats;
}
