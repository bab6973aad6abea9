// cgroup.kill (Linux 5.14+): one write SIGKILLs every process in the cgroup and its descendants,
// atomically with respect to forks — no race with a fork bomb, unlike a signal loop.
import { join } from 'node:path';
import { fileExists, writeCgroupFile } from '../fsio.js';

/** Returns false when this kernel has no cgroup.kill (the caller falls back to a signal loop). */
export async function cgroupKill(dir: string): Promise<boolean> {
  const file = join(dir, 'cgroup.kill');
  if (!(await fileExists(file))) return false;
  await writeCgroupFile(file, '1');
  return true;
}
