// v1 cpuset controller. A new v1 cpuset cgroup starts with empty cpus/mems and accepts no task
// until both are set, so they are inherited from the parent unless the spec names them.
import { join } from 'node:path';
import { readCgroupFile, writeCgroupFile, type CgroupWrite } from '../fsio.js';
import type { CgroupResources } from '../types.js';

export async function inheritCpusetV1(dir: string, parentDir: string): Promise<void> {
  for (const file of ['cpuset.cpus', 'cpuset.mems']) {
    const own = (await readCgroupFile(join(dir, file))).trim();
    if (own !== '') continue;
    const inherited = (await readCgroupFile(join(parentDir, file))).trim();
    await writeCgroupFile(join(dir, file), inherited);
  }
}

export async function applyCpusetV1(dir: string, r: CgroupResources, write: CgroupWrite = writeCgroupFile): Promise<void> {
  // mems before cpus does not matter to the kernel; both must be non-empty before tasks attach.
  if (r.cpusetCpus !== undefined) await write(join(dir, 'cpuset.cpus'), r.cpusetCpus);
  if (r.cpusetMems !== undefined) await write(join(dir, 'cpuset.mems'), r.cpusetMems);
}
