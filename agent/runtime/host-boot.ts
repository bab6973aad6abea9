// Which boot of the host this is. After a reboot every shim of the last boot is gone, and the pid
// a record names belongs, at best, to an unrelated process (possibly another berth-shim): recovery
// must neither adopt nor kill it. Records carry the boot id their shim was launched in.
import { readFileSync } from 'node:fs';

export interface HostBoot {
  /** /proc/sys/kernel/random/boot_id: a new random UUID at every boot. */
  id: string;
  /** When the host booted (ms since the epoch), from /proc/stat's btime. */
  timeMs: number;
}

let current: HostBoot | undefined;

/** Read once per process: neither changes while the host runs. */
export function currentBoot(): HostBoot {
  current ??= {
    id: readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim(),
    timeMs: parseBootTimeMs(readFileSync('/proc/stat', 'utf8')),
  };
  return current;
}

/** The `btime SECONDS` line of /proc/stat, in ms. */
export function parseBootTimeMs(procStat: string): number {
  const m = /^btime (\d+)$/m.exec(procStat);
  if (!m) throw new Error('/proc/stat: no btime line');
  return Number(m[1]) * 1000;
}
