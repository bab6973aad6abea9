// A container's cgroup files, read the same way on cgroup v1 (one hierarchy per controller) and v2
// (one directory, as on most hosts and in the VM of pure-v2-vm.test.ts): tests name the v1 file
// and get v2's figure in v1's form.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = '/sys/fs/cgroup';
export const PURE_V2 = existsSync(join(ROOT, 'cgroup.controllers'));

/** The directory of `cgroup` (a path under the root, e.g. "/berth/<id>") for `controller`'s files. */
export function cgroupDir(controller: string, cgroup: string): string {
  return PURE_V2 ? join(ROOT, cgroup) : join(ROOT, controller, cgroup);
}

const read = (dir: string, file: string): string => readFileSync(join(dir, file), 'utf8').trim();

/** io.max's key for each v1 throttle file; v1 lists "<major:minor> <value>" per limited device. */
const IO_MAX_KEYS: Record<string, string> = {
  'blkio.throttle.read_bps_device': 'rbps', 'blkio.throttle.write_bps_device': 'wbps',
  'blkio.throttle.read_iops_device': 'riops', 'blkio.throttle.write_iops_device': 'wiops',
};

/** v2's file holding what a v1 file holds, in the v1 file's form. */
const FROM_V2: Record<string, (dir: string) => string> = {
  'memory.limit_in_bytes': (dir) => read(dir, 'memory.max'),
  'memory.soft_limit_in_bytes': (dir) => read(dir, 'memory.low'),
  'cpu.cfs_quota_us': (dir) => { const quota = read(dir, 'cpu.max').split(' ')[0]; return quota === 'max' ? '-1' : quota; },
  'cpu.cfs_period_us': (dir) => read(dir, 'cpu.max').split(' ')[1],
  'cpu.cfs_burst_us': (dir) => read(dir, 'cpu.max.burst'),
  // v1's holds the set in force (berth copies the parent's in); v2's is empty when inherited.
  'cpuset.cpus': (dir) => read(dir, 'cpuset.cpus.effective'),
  ...Object.fromEntries(Object.entries(IO_MAX_KEYS).map(([file, key]) => [file, (dir: string) => ioMaxAs(read(dir, 'io.max'), key)])),
};

function ioMaxAs(ioMax: string, key: string): string {
  return ioMax.split('\n').filter(Boolean).flatMap((line) => {
    const [device, ...limits] = line.split(' ');
    const value = limits.find((l) => l.startsWith(`${key}=`))?.slice(key.length + 1);
    return value === undefined || value === 'max' ? [] : [`${device} ${value}`];
  }).join('\n');
}

/**
 * The content of a container's cgroup file named as on v1 ("memory.limit_in_bytes"; the
 * controller is the name's prefix, cgroup.procs is read in the pids hierarchy). Files with the
 * same name and form on v2 (pids.max, cpuset.cpus, cgroup.procs) are read as they are.
 */
export function cgroupFile(cgroup: string, v1File: string): string {
  const controller = v1File.startsWith('cgroup.') ? 'pids' : v1File.split('.')[0];
  const dir = cgroupDir(controller, cgroup);
  const fromV2 = FROM_V2[v1File];
  return PURE_V2 && fromV2 ? fromV2(dir) : read(dir, v1File);
}
