// v2 io controller: io.max holds per-device throttles (one line per device); io.bfq.weight takes the
// blkio weight as is, io.weight (iocost) a rescaled one.
import { join } from 'node:path';
import { BerthError } from '../../errors.js';
import { blkioWeightToIoWeight } from '../convert.js';
import { fileExists, writeCgroupFile, type CgroupWrite } from '../fsio.js';
import { parseNestedKeyed } from '../parse.js';
import { setIoDevices, type StatFills, type StatGetter } from '../stats.js';
import type { CgroupResources, CgroupStats } from '../types.js';

export async function applyIoV2(dir: string, r: CgroupResources, write: CgroupWrite = writeCgroupFile): Promise<void> {
  for (const t of r.ioThrottles ?? []) {
    const limits = ([['rbps', t.readBps], ['wbps', t.writeBps], ['riops', t.readIops], ['wiops', t.writeIops]] as const).filter(([, v]) => v > 0);
    if (limits.length) await write(join(dir, 'io.max'), `${t.major}:${t.minor} ${limits.map(([k, v]) => `${k}=${v}`).join(' ')}`);
  }
  if (r.blkioWeight === undefined) return;
  const bfq = join(dir, 'io.bfq.weight');
  if (await fileExists(bfq)) return write(bfq, String(r.blkioWeight));
  const weight = join(dir, 'io.weight');
  if (await fileExists(weight)) return write(weight, `default ${blkioWeightToIoWeight(r.blkioWeight)}`);
  throw new BerthError('CGROUP_FAILED',
    `write ${weight}: ENOENT (neither io.bfq.weight nor io.weight exists: the io controller is not enabled here, so blkioWeight cannot be applied)`,
    { path: dir, field: 'resources.blkioWeight' });
}

export const IO_V2: StatFills = { full: fillIo };

/** io.stat has one line per device (`<major>:<minor> rbytes=… wbytes=… rios=… wios=… …`). */
function fillIo(get: StatGetter, s: CgroupStats): void {
  const devices = Object.entries(parseNestedKeyed(get('io.stat') ?? '')).map(([device, entry]) => {
    const [major, minor] = device.split(':').map(Number);
    return { major, minor, name: '', readBytes: entry.rbytes ?? 0, writeBytes: entry.wbytes ?? 0, reads: entry.rios ?? 0, writes: entry.wios ?? 0 };
  });
  setIoDevices(s, devices);
}
