// kill: any signal to init (like `docker kill`); returns without waiting for the exit. Not
// serialized behind other verbs, so a policy kill can cut a long graceful stop short.
import { assertAllowed, type ContainerRecord } from './container.js';
import { describe, type RuntimeContext } from './context.js';
import { signal } from './cleanup.js';
import { parseSignal } from './signals.js';
import type { StopReason } from './types.js';

export async function killContainer(ctx: RuntimeContext, record: ContainerRecord, signalInput: string = 'SIGKILL', reason?: StopReason): Promise<void> {
  assertAllowed(record, 'kill');
  const sig = parseSignal(signalInput);
  // A reason is recorded for a kill meant to end the container; a SIGHUP to reload config is not one.
  if (reason || sig.name === 'SIGKILL') {
    record.pendingReason = reason ?? { by: 'user' };
    await ctx.persist(record);
  }
  ctx.logger.info({ id: record.id, signal: sig.name, reason }, `kill ${describe(record)}`);
  signal(record.pid, sig.name);
  // A frozen process acts on SIGKILL only once thawed.
  if (sig.name === 'SIGKILL' && record.status === 'paused') await ctx.cgroups.thaw(record.cgroupName);
}
