// stop: the stop signal to init, a grace period, then SIGKILL to everything in the cgroup;
// resolves once the exit is recorded. Inside its own pid namespace init ignores signals it has
// no handler for (the kernel protects a namespace's init), so such a container ends by SIGKILL
// after the grace period: Docker behaves the same.
import { BerthError } from '../errors.js';
import { assertAllowed, type ContainerRecord } from './container.js';
import { describe, type RuntimeContext } from './context.js';
import { signal } from './cleanup.js';
import { parseSignal } from './signals.js';
import type { ExitInfo, StopHow, StopReason } from './types.js';

const AFTER_KILL_TIMEOUT_MS = 10_000;

export async function stopContainer(ctx: RuntimeContext, record: ContainerRecord, how: StopHow, reason?: StopReason): Promise<void> {
  assertAllowed(record, 'stop');
  const { timeoutSeconds } = how;
  if (timeoutSeconds !== undefined && (!Number.isFinite(timeoutSeconds) || timeoutSeconds < 0)) {
    throw new BerthError('INVALID_REQUEST', `stop timeout: must be a non-negative number of seconds, got ${timeoutSeconds}`, { field: 't' });
  }
  // docker stop --signal: this stop's first signal instead of the container's stop signal. Checked
  // before anything else, so a misspelt one is an error also when nothing runs.
  const stopSignal = how.signal === undefined ? parseSignal(record.spec.stopSignal, 'stopSignal') : parseSignal(how.signal, 'signal');
  if (record.status === 'exited' || record.status === 'created') return; // nothing runs: a no-op, like docker
  const exited = exitPromise(ctx, record);
  const wasPaused = record.status === 'paused';
  record.pendingReason = reason ?? record.pendingReason ?? { by: 'user' };
  record.status = 'stopping';
  await ctx.persist(record);
  const grace = (timeoutSeconds ?? record.spec.stopTimeout) * 1000;
  if (grace > 0) {
    signal(record.pid, stopSignal.name);
    if (wasPaused) await ctx.cgroups.thaw(record.cgroupName); // a frozen process cannot act on the signal
    if (await within(exited, grace)) return;
  }
  await killAllAndWait(ctx, record, exited);
}

export async function killAllAndWait(ctx: RuntimeContext, record: ContainerRecord, exited: Promise<ExitInfo>): Promise<void> {
  await ctx.cgroups.thaw(record.cgroupName).catch(() => undefined);
  await ctx.cgroups.killAll(record.cgroupName);
  await ctx.exits.recheck(record.id, record.files.exit);
  if (!(await within(exited, AFTER_KILL_TIMEOUT_MS))) {
    throw new BerthError('INTERNAL', `stop ${describe(record)}: no exit file at ${record.files.exit} ${AFTER_KILL_TIMEOUT_MS} ms after SIGKILL`,
      { path: record.files.exit });
  }
}

export function exitPromise(ctx: RuntimeContext, record: ContainerRecord): Promise<ExitInfo> {
  const promise = ctx.exits.wait(record.id);
  if (!promise) throw new BerthError('INTERNAL', `${describe(record)} is not being watched for its exit`, { id: record.id });
  return promise;
}

async function within<T>(promise: Promise<T>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => { timer = setTimeout(() => resolve(false), ms); });
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
