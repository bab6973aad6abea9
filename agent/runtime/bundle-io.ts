// A bundle's block I/O throttles (linux.resources.blockIO.throttle*Device: device numbers and a rate)
// as berth's per-device ioLimits, which name the host's device node: the numbers are looked up in
// /proc/partitions (block-devices.ts). docker writes --device-read-bps and the like into these lists;
// runc writes them to blkio.throttle.* / io.max.
import { BerthError } from '../errors.js';
import { readBlockDeviceNames } from './block-devices.js';
import type { OciResources } from './oci-types.js';
import type { IoLimit } from './types.js';

/** Each of runtime-spec's throttle lists and the rate of berth's IoLimit (and the cgroup manager's IoThrottle) it holds. */
export const OCI_THROTTLES = {
  throttleReadBpsDevice: 'readBps', throttleWriteBpsDevice: 'writeBps', throttleReadIOPSDevice: 'readIops', throttleWriteIOPSDevice: 'writeIops',
} as const;

export const OCI_THROTTLE_LISTS = Object.entries(OCI_THROTTLES) as [keyof typeof OCI_THROTTLES, (typeof OCI_THROTTLES)[keyof typeof OCI_THROTTLES]][];

/** One limit per device, its rates from every list (a rate of 0 lifts a limit, as the kernel reads it). */
export function bundleIoLimits(blockIO: OciResources['blockIO'], file: string, procRoot = '/proc'): IoLimit[] {
  const byDevice = new Map<string, IoLimit>();
  let names: Map<string, string> | undefined; // read once, and only for a bundle with throttles
  for (const [list, rate] of OCI_THROTTLE_LISTS) {
    (blockIO?.[list] ?? []).forEach((t, i) => {
      const key = `${t.major}:${t.minor}`;
      let limit = byDevice.get(key);
      if (!limit) {
        names ??= readBlockDeviceNames(procRoot);
        const path = names.get(key);
        if (path === undefined) {
          const field = `linux.resources.blockIO.${list}[${i}]`;
          throw new BerthError('INVALID_SPEC', `${file}: ${field}: no block device ${key} on this host`, { field, file });
        }
        limit = { path };
        byDevice.set(key, limit);
      }
      limit[rate] = t.rate; // the last entry of a device wins, as the last write does
    });
  }
  return [...byDevice.values()];
}
