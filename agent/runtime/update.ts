// update: new limits for a live container (the policy throttle action lowers the CPU quota).
// The new values are validated like a create's, mapped by the same toCgroupResources, and only
// the cgroup settings that follow from the given fields are written.
import { BerthError } from '../errors.js';
import type { CgroupResources } from '../cgroups/types.js';
import { assertAllowed, type ContainerRecord } from './container.js';
import { describe, type RuntimeContext } from './context.js';
import { onlySet, toCgroupResources } from './resources.js';
import { withoutUnset } from './resolve-common.js';
import { validateSpec } from './spec.js';
import type { ResourcesSpec } from './types.js';

const CGROUP_KEYS: Record<keyof ResourcesSpec, (keyof CgroupResources)[]> = {
  memoryBytes: ['memoryBytes'],
  memorySwapBytes: ['memorySwapBytes'],
  cpus: ['cpuQuotaUs', 'cpuPeriodUs'],
  cpuShares: ['cpuShares'],
  cpusetCpus: ['cpusetCpus'],
  cpusetMems: ['cpusetMems'],
  pidsLimit: ['pidsLimit'],
  blkioWeight: ['blkioWeight'],
};

export async function updateContainer(ctx: RuntimeContext, record: ContainerRecord, resources: ResourcesSpec): Promise<void> {
  assertAllowed(record, 'update');
  const given = Object.keys(resources) as (keyof ResourcesSpec)[];
  const unknown = given.filter((k) => !(k in CGROUP_KEYS));
  if (unknown.length) throw new BerthError('INVALID_SPEC', `resources.${unknown[0]}: unknown field`, { field: `resources.${unknown[0]}` });
  if (given.length === 0) return;
  const merged = { ...record.spec.resources, ...resources };
  // Validation of the merged limits with a minimal spec: the same rules and messages as create.
  validateSpec({ rootfs: '/', cmd: ['update'], resources: withoutUnset(merged) }, { hostCpus: ctx.hostCpus });
  const mapped = onlySet(toCgroupResources({ ...record.spec, resources: merged }));
  const changes: CgroupResources = {};
  for (const key of given) for (const ck of CGROUP_KEYS[key]) (changes as Record<string, unknown>)[ck] = mapped[ck];
  await ctx.cgroups.update(record.cgroupName, changes);
  record.spec = { ...record.spec, resources: merged };
  await ctx.persist(record);
  ctx.emit('container.updated', record, `updated ${describe(record)}: ${given.map((k) => `${k}=${String(resources[k])}`).join(' ')}`,
    { resources });
}
