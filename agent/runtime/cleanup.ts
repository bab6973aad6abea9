// Making sure nothing of a container is left: its processes (through the cgroup, so children
// that escaped init's pid namespace go too), its shim, and (unless only the processes go, as after
// a failed relaunch) its cgroup.
import { isErrno } from '../errors.js';
import type { RuntimeContext } from './context.js';
import { isShimProcess } from './shim.js';

/** The shim to kill: its pid, and when it started if known (a pid alone may be another process's by now). */
export interface ShimToKill { shimPid: number; shimStartTicks?: number }

export async function killLeftovers(ctx: RuntimeContext, cgroupName: string, pids: ShimToKill): Promise<void> {
  await killProcesses(ctx, cgroupName, pids);
  await ctx.cgroups.destroy(cgroupName); // accepts a missing cgroup
}

/** Every process in the cgroup and the shim (which is not in it); the cgroup itself stays. */
export async function killProcesses(ctx: RuntimeContext, cgroupName: string, pids: ShimToKill): Promise<void> {
  // pids() is [] for a missing cgroup; killing is skipped when nothing is left (the common case:
  // an exited container), which saves a freeze/kill/thaw round.
  if ((await ctx.cgroups.pids(cgroupName)).length > 0) {
    await ctx.cgroups.thaw(cgroupName).catch(() => undefined); // a frozen cgroup cannot die; thaw is harmless otherwise
    await ctx.cgroups.killAll(cgroupName);
  }
  if (await isShimProcess(pids.shimPid, pids.shimStartTicks)) signal(pids.shimPid, 'SIGKILL');
}

/** Sends a signal; false when the process is already gone (ESRCH, an expected branch). */
export function signal(pid: number, sig: NodeJS.Signals | number): boolean {
  // kill(0) or kill(-1) would signal the agent's own process group or every process.
  if (!Number.isSafeInteger(pid) || pid <= 1) return false;
  try {
    process.kill(pid, sig);
    return true;
  } catch (err) {
    if (isErrno(err, 'ESRCH')) return false;
    throw err;
  }
}
