// What both managers are built with (createCgroupManager fills the defaults).

export interface CgroupTimeouts {
  /** How long freeze/thaw may take to settle. */
  freezeMs: number;
  /** How long killAll waits for the cgroup to empty. */
  killMs: number;
  /** How long destroy retries rmdir on EBUSY (processes still exiting). */
  rmdirMs: number;
}

export const DEFAULT_TIMEOUTS: CgroupTimeouts = { freezeMs: 5000, killMs: 5000, rmdirMs: 5000 };

export interface CgroupLogger { warn(obj: object, msg: string): void }

/**
 * Loads a BPF_PROG_TYPE_CGROUP_DEVICE program (struct bpf_insn[], agent/cgroups/v2/device-program.ts)
 * and attaches it to a cgroup v2 directory; rejects with an error naming the step and the directory.
 * Production: shimDeviceProgramLoader (berth-shim devices). Absent: v2 device rules are not enforced.
 */
export type DeviceProgramLoader = (cgroupDir: string, program: Uint8Array) => Promise<void>;

export interface ManagerOptions {
  parent: string;
  timeouts: CgroupTimeouts;
  logger?: CgroupLogger;
  /** v2 only: enforces device rules (the hybrid manager uses v1's devices controller). */
  deviceProgramLoader?: DeviceProgramLoader;
  /** Only for plain directory trees standing in for cgroupfs (unit tests); absent on real hosts. */
  fixtureHooks?: FixtureHooks;
}

/**
 * cgroupfs fills a new directory with its files and lets rmdir remove a directory that still
 * holds them; a plain fixture tree does neither, so unit tests supply both behaviours.
 */
export interface FixtureHooks {
  populate(dir: string): void | Promise<void>;
  /** Behaves like rmdir on cgroupfs: ENOENT when gone, fails when child directories remain. */
  remove(dir: string): void | Promise<void>;
}
