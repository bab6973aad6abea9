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

export interface ManagerOptions {
  parent: string;
  timeouts: CgroupTimeouts;
  logger?: CgroupLogger;
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
