// A container's limits as the kernel holds them, read the same way on cgroup v1 (one hierarchy per
// controller) and v2 (one directory, as in the VM of pure-v2-vm.test.ts).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = '/sys/fs/cgroup';
export const PURE_V2 = existsSync(join(ROOT, 'cgroup.controllers'));

const read = (...path: string[]): string => readFileSync(join(ROOT, ...path), 'utf8').trim();

/** memory.limit_in_bytes (v1) or memory.max (v2): bytes, or v2's "max". */
export function memoryLimitFile(cgroup: string): string {
  return PURE_V2 ? read(cgroup, 'memory.max') : read('memory', cgroup, 'memory.limit_in_bytes');
}

/** cpu.cfs_quota_us (v1) or the quota half of cpu.max (v2): µs, or "-1" / "max" without one. */
export function cpuQuotaFile(cgroup: string): string {
  return PURE_V2 ? read(cgroup, 'cpu.max').split(' ')[0] : read('cpu', cgroup, 'cpu.cfs_quota_us');
}
