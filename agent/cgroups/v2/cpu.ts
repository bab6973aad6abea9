// v2 cpu controller: cpu.max "quota period" in one write, cpu.weight from shares; cpu.stat is
// always present (core), cpu.max/cpu.weight only when the cpu controller is enabled.
import { join } from 'node:path';
import { DEFAULT_CPU_PERIOD_US, sharesToWeight, weightToShares } from '../convert.js';
import { withBurst } from '../cpu-burst.js';
import { readOptionalFile, writeCgroupFile, type CgroupWrite } from '../fsio.js';
import { parseCpuMax, parseNumber } from '../parse.js';
import { FlatKeyedBytes } from '../parse-bytes.js';
import type { StatFills, StatGetter } from '../stats.js';
import type { CgroupResources, CgroupStats } from '../types.js';

export async function applyCpuV2(dir: string, r: CgroupResources, write: CgroupWrite = writeCgroupFile): Promise<void> {
  if (r.cpuShares !== undefined) await write(join(dir, 'cpu.weight'), String(sharesToWeight(r.cpuShares)));
  await withBurst(r, (burst) => write(join(dir, 'cpu.max.burst'), String(burst)), () => applyCpuMax(dir, r, write));
}

async function applyCpuMax(dir: string, r: CgroupResources, write: CgroupWrite): Promise<void> {
  if (r.cpuQuotaUs === undefined && r.cpuPeriodUs === undefined) return;
  // Only one of the two given (an update): keep the other as it is now.
  const current = parseCpuMax((await readOptionalFile(join(dir, 'cpu.max'))) ?? `max ${DEFAULT_CPU_PERIOD_US}`);
  const quota = r.cpuQuotaUs ?? current.quotaUs;
  const period = r.cpuPeriodUs ?? (current.periodUs || DEFAULT_CPU_PERIOD_US);
  await write(join(dir, 'cpu.max'), `${quota > 0 ? quota : 'max'} ${period}`);
}

const CPU_STAT = new FlatKeyedBytes(['usage_usec', 'user_usec', 'system_usec', 'nr_periods', 'nr_throttled', 'throttled_usec', 'nr_bursts', 'burst_usec']);

/** cpu.stat holds usage, user/system and throttling in one file: all of it is the probe. */
export const CPU_V2: StatFills = {
  cpu: {
    file: 'cpu.stat',
    parse(bytes, length, s) {
      const v = CPU_STAT.parse(bytes, length); // by index, in the order of CPU_STAT's keys
      s.cpu.usageNs = v[0] * 1000;
      s.cpu.userNs = v[1] * 1000;
      s.cpu.systemNs = v[2] * 1000;
      s.cpu.periods = v[3];
      s.cpu.throttledPeriods = v[4];
      s.cpu.throttledNs = v[5] * 1000;
      s.cpu.burstPeriods = v[6];
      s.cpu.burstNs = v[7] * 1000;
    },
  },
  full: fillCpuSpec,
};

function fillCpuSpec(get: StatGetter, s: CgroupStats): void {
  const max = get('cpu.max');
  if (max !== undefined) {
    const parsed = parseCpuMax(max);
    s.spec.cpuQuotaUs = parsed.quotaUs;
    s.spec.cpuPeriodUs = parsed.periodUs || 0;
  }
  const weight = get('cpu.weight');
  if (weight !== undefined) s.spec.cpuShares = weightToShares(parseNumber(weight) || 100);
}
