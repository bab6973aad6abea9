// Device nodes of the host: every one under /dev, as a privileged container gets them (runc's
// devices.HostDevices, which docker's --privileged uses), or those under a directory given to
// --device. Character and block devices with their owner and mode, found recursively; symlinks
// and the directories of other mounts are left out.
import { lstatSync, readdirSync, type BigIntStats } from 'node:fs';
import { join } from 'node:path';
import { isErrno } from '../errors.js';
import type { PlanDevice } from './plan-types.js';

/** A host node and where the container gets it. */
export interface HostNode {
  hostPath: string;
  containerPath: string;
  type: 'c' | 'b';
  major: number;
  minor: number;
  fileMode: number;
  uid: number;
  gid: number;
}

/** runc skips these: the container mounts its own pts, shm and mqueue; the rest are tools' private dirs. */
const SKIPPED_DIRS = new Set(['pts', 'shm', 'fd', 'mqueue', '.lxc', '.lxd-mounts', '.udev']);

/** A privileged container's nodes: `devRoot` is the host's /dev (a fixture in tests). */
export function hostDevices(devRoot = '/dev'): PlanDevice[] {
  return devicesUnder(devRoot, '/dev').filter((n) => n.containerPath !== '/dev/console').map(toPlanDevice);
}

/** Every node under `hostDir`, placed at the same relative path under `containerDir`. */
export function devicesUnder(hostDir: string, containerDir: string): HostNode[] {
  const found: HostNode[] = [];
  walk(hostDir, containerDir, found);
  return found;
}

/** The node at `st` (an lstat or stat of hostPath), or undefined when it is not a device. */
export function hostNode(hostPath: string, containerPath: string, st: BigIntStats): HostNode | undefined {
  if (!st.isCharacterDevice() && !st.isBlockDevice()) return undefined;
  return {
    hostPath, containerPath, type: st.isBlockDevice() ? 'b' : 'c', ...deviceNumbers(st.rdev),
    fileMode: Number(st.mode & 0o7777n), uid: Number(st.uid), gid: Number(st.gid),
  };
}

export function toPlanDevice(n: Omit<HostNode, 'hostPath'>): PlanDevice {
  return { path: n.containerPath, type: n.type, major: n.major, minor: n.minor, mode: n.fileMode, uid: n.uid, gid: n.gid };
}

function walk(dir: string, inContainer: string, found: HostNode[]): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    if (isErrno(err, 'ENOENT', 'ENOTDIR', 'EACCES')) return; // gone or unreadable since it was listed: not a device
    throw new Error(`readdir ${dir}: ${(err as Error).message}`, { cause: err });
  }
  for (const name of names.sort()) {
    const path = join(dir, name);
    const target = `${inContainer.replace(/\/+$/, '')}/${name}`;
    let st: BigIntStats;
    try {
      st = lstatSync(path, { bigint: true });
    } catch (err) {
      if (isErrno(err, 'ENOENT')) continue;
      throw new Error(`lstat ${path}: ${(err as Error).message}`, { cause: err });
    }
    if (st.isDirectory()) {
      if (!SKIPPED_DIRS.has(name)) walk(path, target, found);
      continue;
    }
    const node = hostNode(path, target, st);
    if (node) found.push(node);
  }
}

/** glibc's gnu_dev_major / gnu_dev_minor: the 64-bit dev_t split. */
export function deviceNumbers(dev: bigint): { major: number; minor: number } {
  return { major: Number(((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn)), minor: Number((dev & 0xffn) | ((dev >> 12n) & ~0xffn)) };
}
