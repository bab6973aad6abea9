// Every device node of the host's /dev, as a privileged container gets them (runc's
// devices.HostDevices, which docker's --privileged uses): character and block devices with their
// owner and mode, found recursively; symlinks and the directories of other mounts are left out.
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isErrno } from '../errors.js';
import type { PlanDevice } from './plan-types.js';

/** runc skips these: the container mounts its own pts, shm and mqueue; the rest are tools' private dirs. */
const SKIPPED_DIRS = new Set(['pts', 'shm', 'fd', 'mqueue', '.lxc', '.lxd-mounts', '.udev']);

/** `devRoot` is the host's /dev (a fixture in tests); paths in the result are the container's (/dev/…). */
export function hostDevices(devRoot = '/dev'): PlanDevice[] {
  const found: PlanDevice[] = [];
  walk(devRoot, '/dev', found);
  return found;
}

function walk(dir: string, inContainer: string, found: PlanDevice[]): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    if (isErrno(err, 'ENOENT', 'ENOTDIR', 'EACCES')) return; // gone or unreadable since it was listed: not a device
    throw new Error(`readdir ${dir}: ${(err as Error).message}`, { cause: err });
  }
  for (const name of names.sort()) {
    const path = join(dir, name);
    const target = `${inContainer}/${name}`;
    let st;
    try {
      st = lstatSync(path, { bigint: true });
    } catch (err) {
      if (isErrno(err, 'ENOENT')) continue;
      throw new Error(`lstat ${path}: ${(err as Error).message}`, { cause: err });
    }
    if (st.isDirectory()) {
      if (!SKIPPED_DIRS.has(name)) walk(path, target, found);
    } else if ((st.isCharacterDevice() || st.isBlockDevice()) && target !== '/dev/console') {
      found.push({
        path: target, type: st.isBlockDevice() ? 'b' : 'c', major: major(st.rdev), minor: minor(st.rdev),
        mode: Number(st.mode & 0o7777n), uid: Number(st.uid), gid: Number(st.gid),
      });
    }
  }
}

/** glibc's gnu_dev_major / gnu_dev_minor: the 64-bit dev_t split. */
function major(dev: bigint): number { return Number(((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn)); }
function minor(dev: bigint): number { return Number((dev & 0xffn) | ((dev >> 12n) & ~0xffn)); }
