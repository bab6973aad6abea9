// The fully resolved launch plan: every decision made in TypeScript, executed step by step by
// the C helper (agent/native). plan.ts builds it from a ResolvedSpec; plan-format.ts encodes it
// into the wire format described in agent/native/PLAN.md. Nothing here is a default or a guess
// left for C to make.
import type { NamespaceType, TerminalSize } from './types.js';

export const PLAN_VERSION = 1;

export interface PlanNamespace {
  type: NamespaceType | 'time';
  /** Empty: create a new namespace (clone flag). A path: join it with setns (e.g. /proc/<pid>/ns/net). */
  path: string;
}

export interface PlanMount {
  source: string;
  /** Absolute path inside the container; the shim resolves it inside the rootfs (openat2 RESOLVE_IN_ROOT). */
  target: string;
  fstype: string;          // "" for a bind mount
  flags: number;           // MS_* bits
  data: string;            // fs-specific options, e.g. "mode=755,size=65536k"
  /** What to create at the target if missing: "dir", "file" or "" (must exist). */
  create: 'dir' | 'file' | '';
  /** Bind mounts with MS_RDONLY etc. need a remount; the shim does it when this is true. */
  remount: boolean;
}

export interface PlanDevice { path: string; type: 'c' | 'b'; major: number; minor: number; mode: number; uid: number; gid: number }
export interface PlanSymlink { target: string; link: string }
export interface PlanRlimit { resource: number; soft: number | 'unlimited'; hard: number | 'unlimited' } // RLIMIT_* number
export interface PlanIdMap { containerId: number; hostId: number; size: number }

/** The process a plan runs, and what it runs as: shared by container init and `exec`. */
export interface PlanProcess {
  rlimits: PlanRlimit[];
  uid: number;
  gid: number;
  additionalGids: number[];
  /** Capability bit masks as bigint (bit n = capability number n). Inheritable and ambient are always empty. */
  capabilities: { bounding: bigint; effective: bigint; permitted: bigint };
  noNewPrivileges: boolean;
  /** A compiled classic-BPF seccomp program (struct sock_filter[] as bytes); absent = unconfined. */
  seccomp?: Uint8Array;
  cgroupProcs: string[];         // cgroup.procs files to write the pid into before user code runs
  cwd: string;
  args: string[];
  env: string[];
}

export interface LaunchPlan extends PlanProcess {
  version: typeof PLAN_VERSION;
  id: string;
  stateDir: string;              // the shim writes shim.pid, init.pid, exit, logs here
  rootfs: string;
  readOnlyRootfs: boolean;
  namespaces: PlanNamespace[];   // only those that are not the host's
  uidMappings: PlanIdMap[];
  gidMappings: PlanIdMap[];
  hostname: string;              // "" = leave as is (host uts)
  domainname: string;            // "" = leave as is
  mounts: PlanMount[];           // in order
  devices: PlanDevice[];
  symlinks: PlanSymlink[];
  maskedPaths: string[];
  readonlyPaths: string[];
  sysctls: Record<string, string>;
  oomScoreAdj: number;
  logPath: string;               // CRI-format log the shim writes container stdout/stderr to
  logRotate?: { maxBytes: number; maxFiles: number }; // rotated to logPath.1 … past maxBytes (--log-opt)
  exitPath: string;              // exit file the shim writes atomically when init ends
  exitReservePath?: string;      // the space set aside for it (exit-reserve.ts): written in place, renamed to exitPath
  startFifo: string;             // init waits here until `start` (the create/start split, like runc's exec.fifo)
  stdin?: boolean;               // init's stdin is fed through the monitor's attach socket (docker -i); else /dev/null
  tty?: TerminalSize;            // init's stdin, stdout and stderr are a terminal (docker -t), relayed by the monitor
}

/** `berth exec`: join a running container's namespaces and cgroups and run one process. */
export interface ExecPlan extends PlanProcess {
  version: typeof PLAN_VERSION;
  initPid: number;               // namespaces are joined through /proc/<initPid>/ns/*
  namespaces: (NamespaceType | 'time')[];
  rootfs: string;                // unused when joining mnt (the container's root is used)
  stdin: boolean;                // the agent sends the process's stdin (docker exec -i); else /dev/null
  tty?: TerminalSize;            // a pseudo-terminal for stdin, stdout and stderr (docker exec -t)
}


/** How an exec request reaches the spawner: its id (status and hello lines) and the agent's socket for its output. */
export interface ExecDelivery { id: string; stdioSocket: string }
