// v1 cpu controller: CFS quota/period/burst and shares; throttling counters and the spec from its files.
import { join } from 'node:path';
import { isErrno } from '../../errors.js';
import { v1Limit } from '../convert.js';
import { withBurst } from '../cpu-burst.js';
import { writeCgroupFile, type CgroupWrite } from '../fsio.js';
import { parseNumber } from '../parse.js';
import { FlatKeyedBytes } from '../parse-bytes.js';
import type { StatFills } from '../stats.js';
import type { CgroupResources, CgroupStats } from '../types.js';

export async function applyCpuV1(dir: string, r: CgroupResources, write: CgroupWrite = writeCgroupFile): Promise<void> {
  if (r.cpuShares !== undefined) await write(join(dir, 'cpu.shares'), String(r.cpuShares));
  await withBurst(r, (burst) => write(join(dir, 'cpu.cfs_burst_us'), String(burst)), () => applyQuotaAndPeriod(dir, r, write));
}

/** Period first (the quota is measured against it); if the kernel refuses that order, quota first. */
async function applyQuotaAndPeriod(dir: string, r: CgroupResources, write: CgroupWrite): Promise<void> {
  const period = (): Promise<void> => write(join(dir, 'cpu.cfs_period_us'), String(r.cpuPeriodUs));
  const quota = (): Promise<void> => write(join(dir, 'cpu.cfs_quota_us'), v1Limit(r.cpuQuotaUs ?? 0));
  if (r.cpuPeriodUs === undefined) {
    if (r.cpuQuotaUs !== undefined) await quota();
    return;
  }
  try {
    await period();
  } catch (err) {
    if (r.cpuQuotaUs === undefined || !isErrno((err as Error).cause, 'EINVAL')) throw err;
    await quota();
    await period();
    return;
  }
  if (r.cpuQuotaUs !== undefined) await quota();
}

/**
 * Throttling counts only periods in which the cgroup had runnable tasks: an `active` figure. The
 * kernel counts periods only while a quota is set, so without one (as of the last full read) the
 * active read leaves cpu.stat to the full read.
 */
export const CPU_V1: StatFills = {
  active: { file: 'cpu.stat', due: (s) => s.spec.cpuQuotaUs > 0, parse: fillThrottling },
  full(get, s) {
    const stat = get('cpu.stat') ?? '';
    fillThrottling(Buffer.from(stat, 'latin1'), stat.length, s); // the same parser as the active read
    const quota = parseNumber(get('cpu.cfs_quota_us') ?? '');
    s.spec.cpuQuotaUs = quota > 0 ? quota : 0;
    s.spec.cpuPeriodUs = parseNumber(get('cpu.cfs_period_us') ?? '') || 0;
    s.spec.cpuShares = parseNumber(get('cpu.shares') ?? '') || 0;
  },
};

const CPU_STAT = new FlatKeyedBytes(['nr_periods', 'nr_throttled', 'throttled_time', 'nr_bursts', 'burst_time']);

function fillThrottling(bytes: Uint8Array, length: number, s: CgroupStats): void {
  const v = CPU_STAT.parse(bytes, length); // by index, in the order of CPU_STAT's keys
  s.cpu.periods = v[0];
  s.cpu.throttledPeriods = v[1];
  s.cpu.throttledNs = v[2];
  s.cpu.burstPeriods = v[3];
  s.cpu.burstNs = v[4];
}
