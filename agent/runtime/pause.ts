// pause / resume: the cgroup freezer (v1 freezer.state, v2 cgroup.freeze).
import { assertAllowed, type ContainerRecord } from './container.js';
import { describe, type RuntimeContext } from './context.js';
import type { StopReason } from './types.js';

export async function pauseContainer(ctx: RuntimeContext, record: ContainerRecord, reason?: StopReason): Promise<void> {
  assertAllowed(record, 'pause');
  await ctx.cgroups.freeze(record.cgroupName);
  if (record.status !== 'running') return; // it exited while freezing
  record.status = 'paused';
  await ctx.persist(record);
  ctx.emit('container.paused', record, `paused ${describe(record)}`, reason ? { reason } : undefined);
}

export async function resumeContainer(ctx: RuntimeContext, record: ContainerRecord): Promise<void> {
  assertAllowed(record, 'resume');
  await ctx.cgroups.thaw(record.cgroupName);
  if (record.status !== 'paused') return;
  record.status = 'running';
  await ctx.persist(record);
  ctx.emit('container.resumed', record, `resumed ${describe(record)}`);
}
