// Block device names for the `device` label of the I/O series, spelled as cAdvisor does (/dev/vda).
// The cgroup files name devices by number only; /proc/partitions maps numbers to names. It is read
// again only when a device is missing from the last reading, at most once per tick, so a device
// that has no name (gone, or never a partition) costs nothing more than its fallback label.
import type { IoDevice } from '../cgroups/types.js';
import { readBlockDeviceNames } from '../runtime/block-devices.js';

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
    const names = readBlockDeviceNames(this.procRoot);
    if (names.size > 0) this.names = names; // none (a restricted /proc): every device keeps its numbers
    return this.names.get(numbers) ?? numbers;
  }
}
