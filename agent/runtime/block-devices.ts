// The host's block devices by number, as /proc/partitions lists them: "<major>:<minor>" → "/dev/<name>".
// The one mapping from numbers (what cgroup files and OCI bundles use) to device names: the
// sampler's `device` labels and a bundle's block I/O throttles both go through it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** `major minor #blocks name` lines after a header → "<major>:<minor>" → "/dev/<name>". */
export function parsePartitions(text: string): Map<string, string> {
  const names = new Map<string, string>();
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length === 4 && /^\d+$/.test(fields[0]) && /^\d+$/.test(fields[1])) names.set(`${fields[0]}:${fields[1]}`, `/dev/${fields[3]}`);
  }
  return names;
}

/** The host's devices now; empty when /proc/partitions cannot be read (a restricted /proc). */
export function readBlockDeviceNames(procRoot = '/proc'): Map<string, string> {
  try {
    return parsePartitions(readFileSync(join(procRoot, 'partitions'), 'latin1'));
  } catch {
    return new Map();
  }
}
