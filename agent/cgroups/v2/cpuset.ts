// v2 cpuset controller: empty cpus/mems mean "inherit the parent's effective set", so unlike v1
// nothing needs copying.
import { join } from 'node:path';
import { writeCgroupFile, type CgroupWrite } from '../fsio.js';
import type { CgroupResources } from '../types.js';

export async function applyCpusetV2(dir: string, r: CgroupResources, write: CgroupWrite = writeCgroupFile): Promise<void> {
  if (r.cpusetCpus !== undefined) await write(join(dir, 'cpuset.cpus'), r.cpusetCpus);
  if (r.cpusetMems !== undefined) await write(join(dir, 'cpuset.mems'), r.cpusetMems);
}
