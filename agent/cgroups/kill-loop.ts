// Killing every process of a cgroup and waiting until it is empty. The signal loop is the
// fallback where cgroup.kill is missing: freezing first stops the tasks from forking while they
// are being signalled (runc's signalAllProcesses), thawing lets the SIGKILLs take effect.
import { BerthError, errnoCode, isErrno } from '../errors.js';
import { pollUntil } from './poll.js';

export interface KillSteps {
  /** Pids in the cgroup (all hierarchies, all descendants). */
  pids(): Promise<number[]>;
  /** Freezes the cgroup if it can; must not throw when freezing stalls. */
  freeze(): Promise<void>;
  thaw(): Promise<void>;
  /** Writes cgroup.kill; false when there is none. */
  cgroupKill(): Promise<boolean>;
}

export async function killAndWait(what: string, steps: KillSteps, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pids = await steps.pids();
    if (pids.length === 0) return;
    if (Date.now() >= deadline) {
      throw new BerthError('CGROUP_FAILED', `kill ${what}: pids ${pids.slice(0, 10).join(', ')} still there after ${timeoutMs} ms`);
    }
    await steps.freeze();
    try {
      await steps.cgroupKill();
      // Also signal what is listed: on a hybrid host a process may sit in the v1 hierarchies only.
      for (const pid of await steps.pids()) sigkill(pid);
    } finally {
      await steps.thaw();
    }
    const roundMs = Math.min(500, Math.max(1, deadline - Date.now()));
    await pollUntil(async () => (await steps.pids()).length === 0, roundMs);
  }
}

function sigkill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch (err) {
    if (isErrno(err, 'ESRCH')) return; // exited meanwhile: what we wanted
    throw new BerthError('CGROUP_FAILED', `kill -KILL ${pid}: ${errnoCode(err) ?? String(err)}`, { pid }, { cause: err });
  }
}
