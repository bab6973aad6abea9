// A container whose shim is gone without having written an exit file: the host restarted (or lost
// power), or something killed the shim. Recovery finds these at agent start, the shim watch
// (shim-watch.ts) while the agent runs. Nothing of such a container is dropped (its name, log, spec
// and restart policy stay); whatever still runs in its cgroup is unsupervised and is killed.
//   - Never started: it stays created, without a shim (shimPid 0); its start launches a new init.
//   - Started: it exited with an unknown status. The agent writes the exit file the shim could not,
//     with code 255 (containerd's "unknown exit status", so docker shows `Exited (255)` after a host
//     crash), and the exit tracker records it like any exit: events, waiters, the restart policy.
import type { ContainerRecord } from './container.js';
import { describe, type RuntimeContext } from './context.js';
import { killProcesses } from './cleanup.js';
import { loadBundleOci } from './bundle-oci.js';
import type { ExitFile } from './exit-file.js';
import { writeExitFile } from './exit-reserve.js';
import { currentBoot } from './host-boot.js';
import { ensureCgroup } from './relaunch.js';
import { isShimProcess } from './shim.js';
import { pathExists } from './store.js';

const UNKNOWN_EXIT_CODE = 255;

/** The record's shim is running: launched in this boot of the host, and its pid is a berth-shim. */
export async function shimAlive(record: ContainerRecord): Promise<boolean> {
  return launchedThisBoot(record) && isShimProcess(record.shimPid, record.shimStartTicks);
}

/** True for records of agents before boot ids were recorded: their pid is all there is to go by. */
export function launchedThisBoot(record: ContainerRecord): boolean {
  return record.bootId === undefined || record.bootId === currentBoot().id;
}

/** The caller knows the shim is gone and no exit file is there. */
export async function recordLostShim(ctx: RuntimeContext, record: ContainerRecord, found: 'at agent start' | 'while running'):
  Promise<'kept created' | 'exited'> {
  const hostRestarted = !launchedThisBoot(record);
  const gone = found === 'at agent start'
    ? `its shim was gone when the agent started${hostRestarted ? ' (the host restarted)' : ''}`
    : 'its shim died';
  ctx.logger.warn({ id: record.id, shimPid: record.shimPid, status: record.status, hostRestarted }, `${describe(record)}: ${gone} without writing an exit`);
  await killProcesses(ctx, record.cgroupName, { shimPid: 0 }); // its pid is not our shim's (any more)
  if (record.status === 'created' && (record.shimPid === 0 || (await pathExists(record.files.startFifo)))) {
    Object.assign(record, { pid: 0, shimPid: 0 });
    delete record.shimStartTicks;
    await remakeCgroup(ctx, record);
    await ctx.persist(record);
    return 'kept created';
  }
  // It ended before this boot began if the host restarted since it started; otherwise it is first known now.
  const { timeMs: bootMs } = currentBoot();
  const startedMs = Date.parse(record.startedAt ?? record.createdAt);
  const file: ExitFile = { exitCode: UNKNOWN_EXIT_CODE, signal: null, finishedAt: new Date(bootMs > startedMs ? bootMs : Date.now()).toISOString(), pid: record.pid };
  await writeExitFile(record.stateDir, record.files.exit, `${JSON.stringify(file)}\n`);
  record.pendingReason ??= { by: 'agent', message: `${gone}; exit status unknown` };
  return 'exited';
}

/** A host restart took the cgroup: made again now so that an update before the start works (the start makes it too). */
async function remakeCgroup(ctx: RuntimeContext, record: ContainerRecord): Promise<void> {
  try {
    await ensureCgroup(ctx, record, record.spec.bundle ? await loadBundleOci(record.spec.bundle) : undefined);
  } catch (err) {
    ctx.logger.warn({ err, id: record.id }, `${describe(record)}: making its cgroup again failed; its start will try again`);
  }
}
