// docker's --device-read-bps / --device-write-bps / --device-read-iops / --device-write-iops: per
// block device throttles, held in the spec as one entry per device path and given to the cgroup
// manager by device number (v1 blkio.throttle.*_device, v2 io.max), looked up when the limits are
// applied: a device that is no block device (or gone) is refused by name.
import type { IoThrottle } from '../cgroups/types.js';
import { statOnHost } from './devices.js';
import { deviceNumbers } from './host-devices.js';
import { absolutePath, array, integer, invalid, join, noUnknownKeys, object, optional } from './spec-check.js';
import type { IoLimit } from './types.js';

const RATES = ['readBps', 'writeBps', 'readIops', 'writeIops'] as const;

/** Spec validation: absolute paths, each once, rates ≥ 0 (0 = not limited). */
export function validateIoLimits(value: unknown, field: string): IoLimit[] {
  const limits = array(value, field).map((item, i) => {
    const f = join(field, i);
    const obj = object(item, f);
    noUnknownKeys(obj, ['path', ...RATES], f);
    const limit: IoLimit = { path: absolutePath(obj.path, join(f, 'path')) };
    for (const rate of RATES) {
      const v = optional(obj, rate, f, (x, rf) => integer(x, rf, 0));
      if (v !== undefined) limit[rate] = v;
    }
    return limit;
  });
  limits.forEach((l, i) => {
    const j = limits.findIndex((o, k) => k < i && o.path === l.path);
    if (j >= 0) throw invalid(join(join(field, i), 'path'), `${l.path} is already limited by ${field}[${j}]: give all its rates in one entry`);
  });
  return limits;
}

/** Every rate spelled out (0 = not limited), as the resolved spec holds them. */
export function resolveIoLimits(limits: readonly IoLimit[]): Required<IoLimit>[] {
  return limits.map((l) => ({ path: l.path, readBps: l.readBps ?? 0, writeBps: l.writeBps ?? 0, readIops: l.readIops ?? 0, writeIops: l.writeIops ?? 0 }));
}

/** The cgroup manager's form: the device's numbers instead of its path. */
export function ioThrottles(limits: readonly IoLimit[]): IoThrottle[] {
  return resolveIoLimits(limits).map(({ path, ...rates }, i) => ({ ...blockDevice(path, `resources.ioLimits[${i}].path`), ...rates }));
}

function blockDevice(path: string, field: string): { major: number; minor: number } {
  const { st } = statOnHost(path, field);
  if (!st.isBlockDevice()) throw invalid(field, `${path} is not a block device`);
  return deviceNumbers(st.rdev);
}
