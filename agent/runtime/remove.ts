// remove: refused while the container runs unless forced (then SIGKILL to the whole cgroup and
// wait for the exit); afterwards the cgroup and the state directory go.
import { assertAllowed, type ContainerRecord } from './container.js';
import { describe, type RuntimeContext } from './context.js';
import { killAllAndWait, exitPromise } from './stop.js';
import { killLeftovers } from './cleanup.js';

export async function removeContainer(ctx: RuntimeContext, record: ContainerRecord, force: boolean): Promise<void> {
  if (!force) assertAllowed(record, 'remove');
  if (record.status !== 'exited') {
    record.pendingReason ??= { by: 'user', message: 'removed' };
    await killAllAndWait(ctx, record, exitPromise(ctx, record)).catch((err) => {
      ctx.logger.warn({ err, id: record.id }, `remove ${describe(record)}: no exit recorded; removing anyway`);
    });
  }
  record.status = 'removing';
  await ctx.settled(record.id); // no pending state.json write may land in the directory being removed
  ctx.exits.untrack(record.id);
  // After a recorded exit the shim ends by itself and its pid may already belong to another process.
  await killLeftovers(ctx, record.cgroupName, { shimPid: record.exit ? 0 : record.shimPid, shimStartTicks: record.shimStartTicks });
  await ctx.store.removeDir(record.id);
  ctx.records.delete(record.id);
  if (ctx.names.get(record.name) === record.id) ctx.names.delete(record.name);
  ctx.emit('container.removed', record, `removed ${describe(record)}`);
}
