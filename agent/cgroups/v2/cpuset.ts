// v2 cpuset controller: empty cpus/mems mean "inherit the parent's effective set", so unlike v1
// nothing needs copying.
import { dirname, join } from 'node:path';
import { errnoCode } from '../../errors.js';
import { readCgroupFile, writeCgroupFile, type CgroupWrite } from '../fsio.js';
import type { CgroupResources } from '../types.js';

export async function applyCpusetV2(dir: string, r: CgroupResources, write: CgroupWrite = writeCgroupFile): Promise<void> {
  if (r.cpusetCpus !== undefined) await writeCpuset(dir, 'cpuset.cpus', r.cpusetCpus, write);
  if (r.cpusetMems !== undefined) await writeCpuset(dir, 'cpuset.mems', r.cpusetMems, write);
}

function writeCpuset(dir: string, file: string, value: string, write: CgroupWrite): Promise<void> {
  const path = join(dir, file);
  return write(path, value, async (before) => {
    try {
      await writeCgroupFile(path, before);
    } catch (err) {
      // An inherited (empty) set cannot be made empty again while the cgroup has tasks: the kernel
      // refuses with ENOSPC. The parent's effective set is the same CPUs (or nodes) the container
      // had; it only no longer follows later changes of the parent's.
      if (before.trim() !== '' || errnoCode((err as Error).cause) !== 'ENOSPC') throw err;
      await writeCgroupFile(path, await readCgroupFile(join(dirname(dir), `${file}.effective`)));
    }
  });
}
