// Checks on names and resources before anything is written: a bad value is named with its field,
// and a name can never reach outside the parent (no "/", "..", or empty segments).
import { BerthError } from '../errors.js';
import type { CgroupResources, DeviceRule } from './types.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/;

export function validateCgroupName(name: string, what = 'cgroup name'): void {
  if (!NAME.test(name)) {
    throw new BerthError('INVALID_REQUEST', `invalid ${what} ${JSON.stringify(name)}: use 1-255 of [A-Za-z0-9_.-], starting with a letter or digit`);
  }
}

function invalid(field: string, message: string): BerthError {
  return new BerthError('INVALID_SPEC', `resources.${field}: ${message}`, { field: `resources.${field}` });
}

function checkInteger(r: CgroupResources, field: keyof CgroupResources, min: number, max = Number.MAX_SAFE_INTEGER): void {
  const value = r[field];
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(field, `${String(value)} is not an integer in ${min}..${max}`);
  }
}

export function validateResources(r: CgroupResources): void {
  checkInteger(r, 'memoryBytes', 0);
  checkInteger(r, 'memorySwapBytes', -1);
  checkInteger(r, 'memoryReservationBytes', 0);
  checkInteger(r, 'memorySwappiness', 0, 100);
  checkInteger(r, 'cpuQuotaUs', 0);
  checkInteger(r, 'cpuPeriodUs', 1000, 1_000_000);
  checkInteger(r, 'cpuBurstUs', 0);
  checkInteger(r, 'cpuShares', 2, 262_144);
  checkInteger(r, 'pidsLimit', 0);
  checkInteger(r, 'blkioWeight', 10, 1000);
  if (r.cpuQuotaUs !== undefined && r.cpuQuotaUs > 0 && r.cpuQuotaUs < 1000) throw invalid('cpuQuotaUs', `${r.cpuQuotaUs} is below the kernel's minimum of 1000 µs`);
  if (r.memorySwapBytes !== undefined && r.memorySwapBytes > 0) {
    if (!r.memoryBytes) throw invalid('memorySwapBytes', 'a swap limit needs memoryBytes set as well');
    if (r.memorySwapBytes < r.memoryBytes) {
      throw invalid('memorySwapBytes', `${r.memorySwapBytes} (memory + swap) is less than memoryBytes ${r.memoryBytes}`);
    }
  }
  for (const field of ['cpusetCpus', 'cpusetMems'] as const) {
    const value = r[field];
    if (value !== undefined && !/^[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*$/.test(value)) throw invalid(field, `${JSON.stringify(value)} is not a list like "0-2,4"`);
  }
  r.devices?.forEach((rule, i) => validateDeviceRule(rule, `devices[${i}]`));
  r.ioThrottles?.forEach((t, i) => {
    for (const [key, value] of Object.entries(t)) {
      if (!Number.isInteger(value) || value < 0) throw invalid(`ioThrottles[${i}].${key}`, `${String(value)} is not an integer ≥ 0`);
    }
  });
}

function validateDeviceRule(rule: DeviceRule, field: string): void {
  if (!['a', 'c', 'b'].includes(rule.type)) throw invalid(field, `type ${JSON.stringify(rule.type)} is not one of a, c, b`);
  for (const n of [rule.major, rule.minor]) {
    if (!Number.isInteger(n) || n < -1) throw invalid(field, `major/minor ${n} is not an integer ≥ -1 (-1 = any)`);
  }
  if (!/^[rwm]{1,3}$/.test(rule.access) || new Set(rule.access).size !== rule.access.length) {
    throw invalid(field, `access ${JSON.stringify(rule.access)} is not a combination of r, w, m`);
  }
}
