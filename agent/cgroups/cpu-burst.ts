// The order of a CFS burst write around the quota's, the same on v1 and v2: the kernel refuses any
// quota below the burst in force and any burst above the quota in force (tg_set_cfs_bandwidth), so
// lowering both, or raising both, fails in one of the two orders.
import type { CgroupResources } from './types.js';

/**
 * Writes the burst (when given) and runs `quotaAndPeriod`: with both changing, the burst goes to 0
 * first and to its value last, valid whatever the old and new values (the new ones are validated:
 * burst ≤ quota). A burst alone is written as is; a burst of 0 is always written first.
 */
export async function withBurst(r: CgroupResources, writeBurst: (burstUs: number) => Promise<void>, quotaAndPeriod: () => Promise<void>): Promise<void> {
  const burst = r.cpuBurstUs;
  const quotaChanges = r.cpuQuotaUs !== undefined || r.cpuPeriodUs !== undefined;
  if (burst !== undefined && (burst === 0 || quotaChanges)) await writeBurst(0);
  await quotaAndPeriod();
  if (burst !== undefined && burst > 0) await writeBurst(burst);
}
