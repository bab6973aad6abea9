// The one entry point: detect the host's layout once and build the matching manager.
import { BerthError } from '../errors.js';
import { detectCgroupLayout } from './detect.js';
import { V1CgroupManager } from './manager-v1.js';
import { V2CgroupManager } from './manager-v2.js';
import { DEFAULT_TIMEOUTS, type CgroupLogger, type CgroupTimeouts, type DeviceProgramLoader, type FixtureHooks } from './options.js';
import type { CgroupManager } from './types.js';
import { validateCgroupName } from './validate.js';

export interface CreateCgroupManagerOptions {
  /** Where the cgroup hierarchies are; defaults to where the mount table says (normally /sys/fs/cgroup). */
  root?: string;
  /** The directory, at the root of every hierarchy, that holds all of berth's cgroups. */
  parent?: string;
  procRoot?: string;
  /** A mount table to use instead of <procRoot>/self/mountinfo (tests, other hosts). */
  mountinfo?: string;
  logger?: CgroupLogger;
  timeouts?: Partial<CgroupTimeouts>;
  /** Attaches the eBPF device program on cgroup v2 (see DeviceProgramLoader); ignored on v1 and hybrid. */
  deviceProgramLoader?: DeviceProgramLoader;
  /** Unit tests only: make a plain directory tree behave like cgroupfs. */
  fixtureHooks?: FixtureHooks;
}

export async function createCgroupManager(options: CreateCgroupManagerOptions = {}): Promise<CgroupManager> {
  const parent = options.parent ?? 'berth';
  validateCgroupName(parent, 'cgroup parent');
  const layout = detectCgroupLayout({ mountinfo: options.mountinfo, root: options.root, procRoot: options.procRoot ?? '/proc' });
  const managerOptions = {
    parent,
    timeouts: { ...DEFAULT_TIMEOUTS, ...options.timeouts },
    logger: options.logger,
    deviceProgramLoader: options.deviceProgramLoader,
    fixtureHooks: options.fixtureHooks,
  };
  if (layout.version === 'v2') {
    if (layout.unified === undefined) throw new BerthError('CGROUP_FAILED', 'detect cgroups: cgroup v2 without a mount point');
    return new V2CgroupManager(layout.unified, managerOptions);
  }
  return new V1CgroupManager(layout, managerOptions);
}
