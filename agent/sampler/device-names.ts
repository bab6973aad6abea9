// Block device names for the `device` label of the I/O series, spelled as cAdvisor does (/dev/vda).
// The cgroup files name devices by number only; /proc/partitions maps numbers to names. It is read
// again only when a device is missing from the last reading, at most once per tick, so a device
// that has no name (gone, or never a partition) costs nothing more than its fallback label.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IoDevice } from '../cgroups/types.js';

/** `major minor #blocks name` lines after a header → "<major>:<minor>" → "/dev/<name>". */
export function parsePartitions(text: string): Map<string, string> {
  const names = new Map<string, string>();
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length === 4 && /^\d+$/.test(fields[0]) && /^\d+$/.test(fields[1])) names.set(`${fields[0]}:${fields[1]}`, `/dev/${fields[3]}`);
  }
  return names;
}

export class DeviceNames {
  private names = new Map<string, string>();
  private readAtTick = -1;

  constructor(private readonly procRoot: string) {}

  /** Names the devices a read left unnamed; one without a name gets "<major>:<minor>", which no two devices share. */
  nameAll(devices: readonly IoDevice[], tick: number): void {
    for (const d of devices) if (d.name === '') d.name = this.name(`${d.major}:${d.minor}`, tick);
  }

  private name(numbers: string, tick: number): string {
    const known = this.names.get(numbers);
    if (known !== undefined || this.readAtTick === tick) return known ?? numbers;
    this.readAtTick = tick;
    try {
      this.names = parsePartitions(readFileSync(join(this.procRoot, 'partitions'), 'latin1'));
    } catch {
      // No /proc/partitions (a restricted /proc): every device keeps its numbers.
    }
    return this.names.get(numbers) ?? numbers;
  }
}
