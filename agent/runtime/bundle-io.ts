// A bundle's block I/O throttles (linux.resources.blockIO.throttle*Device: device numbers and a rate)
// as berth's per-device ioLimits, which name the host's device node: the numbers are looked up in
// /sys/dev/block, the kernel's own index of block devices. docker writes --device-read-bps and the
// like into these lists; runc writes them to blkio.throttle.* / io.max.
import { readFileSync } from 'node:fs';
import { BerthError } from '../errors.js';
import type { OciResources } from './oci-types.js';
import type { IoLimit } from './types.js';

/** Each of runtime-spec's throttle lists and the rate of berth's IoLimit (and the cgroup manager's IoThrottle) it holds. */
export const OCI_THROTTLES = {
  throttleReadBpsDevice: 'readBps', throttleWriteBpsDevice: 'writeBps', throttleReadIOPSDevice: 'readIops', throttleWriteIOPSDevice: 'writeIops',
} as const;

export const OCI_THROTTLE_LISTS = Object.entries(OCI_THROTTLES) as [keyof typeof OCI_THROTTLES, (typeof OCI_THROTTLES)[keyof typeof OCI_THROTTLES]][];

/** One limit per device, its rates from every list (a rate of 0 lifts a limit, as the kernel reads it). */
export function bundleIoLimits(blockIO: OciResources['blockIO'], file: string, sysRoot = '/sys'): IoLimit[] {
  const byDevice = new Map<string, IoLimit>();
  for (const [list, rate] of OCI_THROTTLE_LISTS) {
    (blockIO?.[list] ?? []).forEach((t, i) => {
      const key = `${t.major}:${t.minor}`;
      let limit = byDevice.get(key);
      if (!limit) {
        limit = { path: devicePath(sysRoot, key, `linux.resources.blockIO.${list}[${i}]`, file) };
        byDevice.set(key, limit);
      }
      limit[rate] = t.rate; // the last entry of a device wins, as the last write does
    });
  }
  return [...byDevice.values()];
}

/** /dev/<DEVNAME> of the block device `major:minor`; refused, naming the entry, when the host has none. */
function devicePath(sysRoot: string, numbers: string, field: string, file: string): string {
  let uevent: string;
  try {
    uevent = readFileSync(`${sysRoot}/dev/block/${numbers}/uevent`, 'utf8');
  } catch {
    throw new BerthError('INVALID_SPEC', `${file}: ${field}: no block device ${numbers} on this host`, { field, file });
  }
  const name = /^DEVNAME=(.+)$/m.exec(uevent)?.[1];
  if (!name) throw new BerthError('INVALID_SPEC', `${file}: ${field}: block device ${numbers} has no DEVNAME in ${sysRoot}/dev/block/${numbers}/uevent`, { field, file });
  return `/dev/${name}`;
}
