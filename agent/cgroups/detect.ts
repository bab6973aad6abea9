// Which cgroup layout the host has, from a mount table (/proc/self/mountinfo) — never from
// hard-coded paths, because hosts differ (cpu and cpuacct comounted or separate, v2 only, …).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BerthError, errnoCode } from '../errors.js';
import type { CgroupVersion } from './types.js';

/** The v1 controllers berth manages; others (net_cls, perf_event, name=systemd, …) are left alone. */
const V1_CONTROLLERS = ['cpu', 'cpuacct', 'cpuset', 'memory', 'pids', 'blkio', 'freezer', 'devices'] as const;
export type V1Controller = (typeof V1_CONTROLLERS)[number];

const KNOWN_V1_SUBSYSTEMS = new Set<string>([...V1_CONTROLLERS, 'net_cls', 'net_prio', 'perf_event', 'hugetlb', 'rdma', 'misc']);

function isV1Controller(name: string): name is V1Controller {
  return (V1_CONTROLLERS as readonly string[]).includes(name);
}

export interface CgroupMount { mountPoint: string; fsType: 'cgroup' | 'cgroup2'; controllers: string[] }

export interface CgroupLayout {
  version: CgroupVersion;
  /** v1 and hybrid: where each managed controller's hierarchy is mounted (comounted ones share a path). */
  v1: Map<V1Controller, string>;
  /** v2: the unified root; hybrid: the controller-less cgroup2 mount at <root>/unified. */
  unified?: string;
}

/** Mountinfo fields: id parent maj:min root mountpoint options [optional…] - fstype source superoptions. */
export function parseCgroupMounts(mountinfo: string): CgroupMount[] {
  const out: CgroupMount[] = [];
  for (const line of mountinfo.split('\n')) {
    const dash = line.indexOf(' - ');
    if (dash < 0) continue;
    const pre = line.slice(0, dash).split(' ');
    const [fsType, , superOptions = ''] = line.slice(dash + 3).split(' ');
    if (fsType !== 'cgroup' && fsType !== 'cgroup2') continue;
    if (pre.length < 5) continue;
    const controllers = fsType === 'cgroup'
      ? superOptions.split(',').filter((o) => KNOWN_V1_SUBSYSTEMS.has(o) || o.startsWith('name='))
      : [];
    out.push({ mountPoint: unescapeMountPath(pre[4]), fsType, controllers });
  }
  return out;
}

/** mountinfo escapes space, tab, newline and backslash as octal (\040 …). */
function unescapeMountPath(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/**
 * Builds the layout from the cgroup mounts. `root`, when given and different from where the
 * mount table says the hierarchies live, relocates every mount point under it (fixture trees).
 */
function layoutFromMounts(mounts: CgroupMount[], root?: string): CgroupLayout {
  const v1Mounts = mounts.filter((m) => m.fsType === 'cgroup' && m.controllers.some((c) => !c.startsWith('name=')));
  const v2Mounts = mounts.filter((m) => m.fsType === 'cgroup2');
  if (v1Mounts.length === 0 && v2Mounts.length === 0) {
    throw new BerthError('CGROUP_FAILED', 'detect cgroups: the mount table has no cgroup or cgroup2 filesystem');
  }
  if (v1Mounts.length === 0) {
    const main = v2Mounts.find((m) => m.mountPoint === '/sys/fs/cgroup') ?? v2Mounts[0];
    return { version: 'v2', v1: new Map(), unified: root ?? main.mountPoint };
  }
  const base = dirname(v1Mounts[0].mountPoint);
  const relocate = (p: string): string => (root === undefined || root === base ? p : join(root, p.slice(base.length)));
  const v1 = new Map<V1Controller, string>();
  for (const mount of v1Mounts) {
    for (const c of mount.controllers) {
      if (isV1Controller(c) && !v1.has(c)) v1.set(c, relocate(mount.mountPoint));
    }
  }
  const unified = v2Mounts.find((m) => m.mountPoint === join(base, 'unified'));
  return unified ? { version: 'hybrid', v1, unified: relocate(unified.mountPoint) } : { version: 'v1', v1 };
}

/**
 * Layout of a plain directory that mirrors a cgroup tree (a fixture copy): v2 when the root has
 * cgroup.controllers, else v1 with one sub-directory per hierarchy ("cpu,cpuacct" comounts).
 */
function layoutFromTree(root: string): CgroupLayout {
  if (existsSync(join(root, 'cgroup.controllers'))) return { version: 'v2', v1: new Map(), unified: root };
  const v1 = new Map<V1Controller, string>();
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    for (const c of entry.name.split(',')) {
      if (isV1Controller(c)) v1.set(c, join(root, entry.name));
    }
  }
  if (v1.size === 0) throw new BerthError('CGROUP_FAILED', `detect cgroups: ${root} holds neither cgroup.controllers nor v1 hierarchies`);
  const unified = join(root, 'unified');
  return existsSync(join(unified, 'cgroup.procs')) ? { version: 'hybrid', v1, unified } : { version: 'v1', v1 };
}

/**
 * The layout for a manager. A given mount table is trusted (and relocated under `root`).
 * Without one, this process's mount table is read; if nothing is mounted at or under `root`,
 * `root` is a plain directory mirroring a cgroup tree (a fixture copy) and is read as such.
 */
export function detectCgroupLayout(opts: { mountinfo?: string; root?: string; procRoot?: string }): CgroupLayout {
  if (opts.mountinfo !== undefined) return layoutFromMounts(parseCgroupMounts(opts.mountinfo), opts.root);
  const mounts = parseCgroupMounts(readMountinfo(opts.procRoot ?? '/proc'));
  const root = opts.root;
  if (root === undefined || mounts.some((m) => m.mountPoint === root || m.mountPoint.startsWith(`${root}/`))) {
    return layoutFromMounts(mounts, root);
  }
  return layoutFromTree(root);
}

/** v1 | v2 | hybrid, from the given mount table or this process's /proc/self/mountinfo. */
export function detectCgroupVersion(mountinfo?: string): CgroupVersion {
  const text = mountinfo ?? readMountinfo('/proc');
  return layoutFromMounts(parseCgroupMounts(text)).version;
}

function readMountinfo(procRoot: string): string {
  const path = join(procRoot, 'self/mountinfo');
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new BerthError('CGROUP_FAILED', `read ${path}: ${errnoCode(err) ?? String(err)}`, undefined, { cause: err });
  }
}
