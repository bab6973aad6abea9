// relaunch: `start` of an exited container, as `docker start`/`restart` do: a new init from the
// same resolved spec, in the same cgroup (its limits and device rules stay, and its counters keep
// rising, which Prometheus prefers to a reset), with the log appended to. The record says
// `relaunching` until the new shim reported `created`, so a crash in between leaves the exited
// container as it was (recover.ts kills whatever the attempt started); a failed attempt does the same.
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { BerthError, isErrno } from '../errors.js';
import { killProcesses } from './cleanup.js';
import type { ContainerRecord } from './container.js';
import { describe, type RuntimeContext } from './context.js';
import { asLaunchError, launchPlanFor } from './create.js';
import { ensureEtcFiles } from './etc-files.js';
import { reserveExitSpace } from './exit-reserve.js';
import { currentBoot } from './host-boot.js';
import { loadBundleOci } from './bundle-oci.js';
import type { OciConfig } from './oci-types.js';
import { oomKillCount } from './oom.js';
import { encodeLaunchPlan } from './plan-format.js';
import { onlySet, toCgroupResources } from './resources.js';
import { pidsOf, processStartTicks } from './shim.js';
import { SHIM_PID_FILE } from './store.js';

/** Turns an exited container (or a created one that lost its shim) into a created one with a fresh init; the caller then starts it. */
export async function relaunchContainer(ctx: RuntimeContext, record: ContainerRecord): Promise<void> {
  if (record.spec.autoRemove && record.status === 'exited') {
    throw new BerthError('INVALID_STATE', `cannot start ${describe(record)} again: it was run with --rm, so it is removed once it exits`,
      { id: record.id, status: record.status });
  }
  const what = `start ${describe(record)} again`;
  record.phase = 'relaunching';
  await ctx.persist(record);
  let pids = { shimPid: 0, initPid: 0 };
  try {
    // The last run's files: its exit would end the new run at once; its shim.pid would name a
    // process recovery must not kill (the pid may be another process's by now).
    for (const file of [record.files.exit, record.files.startFifo, join(record.stateDir, SHIM_PID_FILE)]) await removeIfThere(file);
    const oci = record.spec.bundle ? await loadBundleOci(record.spec.bundle) : undefined;
    await ensureCgroup(ctx, record, oci);
    ensureEtcFiles(record.stateDir, record.spec); // a container made before berth wrote them has none
    const plan = launchPlanFor(ctx, record.id, record.stateDir, record.spec, oci);
    record.oomKillsAtStart = oomKillCount(ctx, record);
    await reserveExitSpace(record.stateDir);
    try {
      pids = await ctx.launcher.launch(record.id, encodeLaunchPlan(plan), what);
    } catch (err) {
      pids = pidsOf(err);
      throw err;
    }
  } catch (err) {
    await killProcesses(ctx, record.cgroupName, pids).catch((killErr: unknown) =>
      ctx.logger.error({ err: killErr, id: record.id }, `${what}: killing what the failed attempt started failed`));
    record.phase = 'created';
    await ctx.persist(record);
    throw asLaunchError(err, what);
  }
  // The last run's exit was recorded: a new watch for this run's. A created container's watch (one
  // that lost its shim) goes on: someone may be waiting on it.
  if (record.exit) ctx.exits.untrack(record.id);
  Object.assign(record, { phase: 'created', status: 'created', pid: pids.initPid, shimPid: pids.shimPid,
    shimStartTicks: await processStartTicks(pids.shimPid), bootId: currentBoot().id });
  delete record.exit;
  await ctx.persist(record);
  ctx.exits.track(record.id, record.files.exit);
}

/** A container's cgroup normally stays until rm; it is made again if something removed it (a host restart does). */
export async function ensureCgroup(ctx: RuntimeContext, record: ContainerRecord, oci: OciConfig | undefined): Promise<void> {
  if (!(await cgroupExists(ctx, record))) await ctx.cgroups.create(record.cgroupName, onlySet(toCgroupResources(record.spec, oci)));
}

/** Whether the container's cgroup is there: kept from its last run until rm, gone after a host restart. */
export async function cgroupExists(ctx: RuntimeContext, record: ContainerRecord): Promise<boolean> {
  return (await ctx.cgroups.list()).includes(record.cgroupName);
}

async function removeIfThere(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (err) {
    if (!isErrno(err, 'ENOENT')) throw new BerthError('STATE_FAILED', `unlink ${path}: ${(err as Error).message}`, { path }, { cause: err });
  }
}
