// update: new limits for a created, live or exited container (an exited one runs with them when
// started again), from a user (`berth update`, which admission policy checks like a create, on
// the whole spec as it would become) or from the policy throttle action (which lowers the CPU
// quota and is not itself subject to admission). The new values are validated like a create's,
// mapped by the same toCgroupResources, and only the cgroup settings that follow from the given
// fields are written, all or nothing (the cgroup manager restores what it wrote when a later write
// fails), before the record changes. The record says what is being written meanwhile
// (`updating`), so recover.ts finishes an update the agent died in the middle of.
import { BerthError, errnoCode } from '../errors.js';
import type { CgroupResources } from '../cgroups/types.js';
import { assertAllowed, type ContainerRecord } from './container.js';
import { describe, type RuntimeContext } from './context.js';
import { cgroupExists } from './relaunch.js';
import { cpuQuotaUs, onlySet, toCgroupResources } from './resources.js';
import { withoutUnset } from './resolve-common.js';
import { validateSpec } from './spec.js';
import type { ResolvedSpec, ResourcesSpec, UpdateOrigin } from './types.js';

const CGROUP_KEYS: Record<keyof ResourcesSpec, (keyof CgroupResources)[]> = {
  memoryBytes: ['memoryBytes'],
  memorySwapBytes: ['memorySwapBytes'],
  memoryReservationBytes: ['memoryReservationBytes'],
  memorySwappiness: ['memorySwappiness'],
  oomKillDisable: [], // refused below, as by docker update
  cpus: ['cpuQuotaUs', 'cpuPeriodUs'],
  cpuPeriodUs: ['cpuQuotaUs', 'cpuPeriodUs'],
  cpuBurstUs: ['cpuBurstUs'],
  cpuShares: ['cpuShares'],
  cpusetCpus: ['cpusetCpus'],
  cpusetMems: ['cpusetMems'],
  pidsLimit: ['pidsLimit'],
  blkioWeight: ['blkioWeight'],
  ioLimits: [], // refused below: docker update cannot change them either
};

/** A user's update replaces the record's admission warnings with those of the new spec. */
export async function updateContainer(ctx: RuntimeContext, record: ContainerRecord, resources: ResourcesSpec,
  origin: UpdateOrigin): Promise<void> {
  assertAllowed(record, 'update');
  const given = Object.keys(resources) as (keyof ResourcesSpec)[];
  const unknown = given.filter((k) => !(k in CGROUP_KEYS));
  if (unknown.length) throw new BerthError('INVALID_SPEC', `resources.${unknown[0]}: unknown field`, { field: `resources.${unknown[0]}` });
  if (given.length === 0) throw new BerthError('INVALID_SPEC', 'resources: nothing to update (give at least one limit)', { field: 'resources' });
  for (const field of ['ioLimits', 'oomKillDisable'] as const) {
    if (given.includes(field)) {
      throw new BerthError('INVALID_SPEC', `resources.${field}: cannot be changed by an update (nor by docker update); create the container again`, { field: `resources.${field}` });
    }
  }
  const { merged, burstLowered } = burstWithinQuota({ ...record.spec.resources, ...resources }, resources);
  // Validation of the merged limits with a minimal spec: the same rules and messages as create.
  try {
    validateSpec({ rootfs: '/', cmd: ['update'], resources: withoutUnset(merged) }, { hostCpus: ctx.hostCpus });
  } catch (err) {
    throw withEarlierLimitHint(err, resources);
  }
  const spec = { ...record.spec, resources: merged };
  const { warnings } = origin === 'user' && ctx.admit ? await ctx.admit(spec, { operation: 'update', containerId: record.id }) : { warnings: [] };
  // Throttles are never updated (refused above): leaving them out spares a device lookup that could
  // only fail an unrelated limit's update when a throttled device is gone.
  const mapped = onlySet(toCgroupResources({ ...spec, resources: { ...merged, ioLimits: [] } }));
  mapped.cpuBurstUs = merged.cpuBurstUs; // 0 too: an update clears the burst in force
  const changes: CgroupResources = {};
  for (const key of burstLowered ? [...given, 'cpuBurstUs' as const] : given) {
    for (const ck of CGROUP_KEYS[key]) (changes as Record<string, unknown>)[ck] = mapped[ck];
  }
  if (await hasCgroup(ctx, record)) {
    record.updating = { resources: merged, cgroup: changes };
    try {
      await ctx.persist(record);
      await ctx.cgroups.update(record.cgroupName, changes);
    } catch (err) {
      delete record.updating; // the cgroup manager has put back what it wrote
      await ctx.persist(record);
      throw explainRefusal(err, record, resources);
    }
    delete record.updating;
  }
  record.spec = spec;
  if (origin === 'user') record.warnings = warnings;
  await ctx.persist(record);
  ctx.emit('container.updated', record, `updated ${describe(record)}: ${given.map((k) => `${k}=${String(resources[k])}`).join(' ')}`,
    { resources, by: origin });
}

/**
 * A live container's cgroup takes the new limits at once, and so does an exited one's, which stays
 * until rm (relaunch.ts). After a host restart an exited or created container has none: the next
 * start makes it from the record, so the new limits apply then (as docker applies an update of a
 * stopped container at its next start).
 */
async function hasCgroup(ctx: RuntimeContext, record: ContainerRecord): Promise<boolean> {
  return (record.status !== 'exited' && record.status !== 'created') || cgroupExists(ctx, record);
}

/**
 * A lower CPU quota lowers a burst above it to the quota, to 0 without one (the kernel keeps
 * burst ≤ quota), unless the update gives a burst itself: then that one is checked like a
 * create's. So a throttle by policy, or `berth update --cpus`, works on a container with a burst.
 */
function burstWithinQuota(merged: ResolvedSpec['resources'], given: ResourcesSpec): { merged: ResolvedSpec['resources']; burstLowered: boolean } {
  const quota = cpuQuotaUs(merged.cpus, merged.cpuPeriodUs); // 0 without a quota: no burst either
  if (given.cpuBurstUs !== undefined || merged.cpuBurstUs <= quota) return { merged, burstLowered: false };
  return { merged: { ...merged, cpuBurstUs: quota }, burstLowered: true };
}

/**
 * A new memory limit that conflicts with the memory + swap limit or the reservation the container
 * already has: say where that came from.
 */
function withEarlierLimitHint(err: unknown, resources: ResourcesSpec): unknown {
  const earlier = { 'resources.memorySwapBytes': 'memorySwapBytes', 'resources.memoryReservationBytes': 'memoryReservationBytes' } as const;
  const field = err instanceof BerthError ? earlier[err.details?.field as keyof typeof earlier] : undefined;
  if (field === undefined || resources[field] !== undefined) return err;
  const what = field === 'memorySwapBytes' ? 'memory + swap limit' : 'memory reservation';
  const e = err as BerthError;
  return new BerthError(e.code, `${e.message} (the ${what} was set earlier: give a new one in the same update)`, e.details);
}

/**
 * The kernel refuses a memory limit below what the container holds and cannot reclaim (v1: EBUSY
 * after reclaiming what it could; no swap, or tmpfs and locked pages; v2: berth's own refusal in
 * cgroups/v2/memory.ts, where the kernel would OOM-kill instead). That is the caller's
 * request meeting the container's state, not an agent failure: say so, naming the field.
 */
function explainRefusal(err: unknown, record: ContainerRecord, resources: ResourcesSpec): unknown {
  if (!(err instanceof BerthError) || errnoCode(err.cause) !== 'EBUSY') return err;
  const path = String(err.details?.path ?? '');
  const field = path.endsWith('memory.memsw.limit_in_bytes') ? 'memorySwapBytes'
    : path.endsWith('memory.limit_in_bytes') || path.endsWith('memory.max') ? 'memoryBytes' : undefined;
  if (field === undefined) return err;
  const bytes = resources[field] ?? 0;
  return new BerthError('INVALID_STATE',
    `resources.${field}: ${describe(record)} holds more than the new limit of ${(bytes / 2 ** 20).toFixed(1)} MiB (${bytes} bytes) `
    + `and the kernel could not reclaim enough; the limits were left as they were (${err.message})`,
    { field: `resources.${field}`, id: record.id }, { cause: err });
}
