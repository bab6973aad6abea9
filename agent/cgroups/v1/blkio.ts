// v1 blkio controller: per-device throttles (blkio.throttle.*_device, one rule per write) and the
// weight. blkio.weight exists only with the CFQ scheduler (gone since Linux 5.0); BFQ offers
// blkio.bfq.weight instead. Neither → a weight cannot be applied, said plainly.
import { join } from 'node:path';
import { BerthError } from '../../errors.js';
import { fileExists, writeCgroupFile, type CgroupWrite } from '../fsio.js';
import { parseBlkio } from '../parse.js';
import { setIoDevices, type StatFills, type StatGetter } from '../stats.js';
import type { CgroupResources, CgroupStats } from '../types.js';

export async function applyBlkioV1(dir: string, r: CgroupResources, write: CgroupWrite = writeCgroupFile): Promise<void> {
  for (const t of r.ioThrottles ?? []) {
    for (const [file, rate] of [['read_bps', t.readBps], ['write_bps', t.writeBps], ['read_iops', t.readIops], ['write_iops', t.writeIops]] as const) {
      if (rate > 0) await write(join(dir, `blkio.throttle.${file}_device`), `${t.major}:${t.minor} ${rate}`);
    }
  }
  if (r.blkioWeight === undefined) return;
  for (const file of ['blkio.weight', 'blkio.bfq.weight']) {
    const path = join(dir, file);
    if (await fileExists(path)) return write(path, String(r.blkioWeight));
  }
  throw new BerthError('CGROUP_FAILED',
    `write ${join(dir, 'blkio.weight')}: ENOENT (neither blkio.weight nor blkio.bfq.weight exists: no CFQ or BFQ I/O scheduler, so blkioWeight cannot be applied)`,
    { path: dir, field: 'resources.blkioWeight' });
}

/**
 * Which files count I/O depends on the kernel: CFQ/BFQ stats count only I/O through that
 * scheduler, throttle stats only on devices with a throttle rule (measured on 6.18). Like runc,
 * use the first family that has device lines.
 */
const BLKIO_FAMILIES = [
  ['blkio.bfq.io_service_bytes_recursive', 'blkio.bfq.io_serviced_recursive'],
  ['blkio.io_service_bytes_recursive', 'blkio.io_serviced_recursive'],
  ['blkio.throttle.io_service_bytes_recursive', 'blkio.throttle.io_serviced_recursive'],
] as const;

/** Reads the bytes file of each family in turn and the ops file of the first with device lines only. */
export const BLKIO_V1: StatFills = { full: fillBlkio };

function fillBlkio(get: StatGetter, s: CgroupStats): void {
  for (const [bytesFile, opsFile] of BLKIO_FAMILIES) {
    const bytesText = get(bytesFile);
    if (bytesText === undefined) continue;
    const bytes = parseBlkio(bytesText);
    if (bytes.length === 0) continue;
    const ops = parseBlkio(get(opsFile) ?? '');
    setIoDevices(s, bytes.map((b) => {
      const o = ops.find((d) => d.major === b.major && d.minor === b.minor);
      return { major: b.major, minor: b.minor, name: '', readBytes: b.read, writeBytes: b.write, reads: o?.read ?? 0, writes: o?.write ?? 0 };
    }));
    return;
  }
}
