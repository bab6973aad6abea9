// Keeps one `berth-shim create` spawned ahead of need. The spare blocks reading its plan on fd 3,
// so a launch only writes the plan instead of paying Node's fork + exec of the shim (5–10 ms of a
// ~40 ms launch) on the critical path. The next spare is spawned after the launch that used the
// previous one, so the two never compete. A spare that is never used reads EOF when the agent
// closes the pipe (or dies) and exits without doing anything.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

export interface CreateShimProcess {
  child: ChildProcess;
  /** Set when the spawn failed (ENOENT, EACCES, …): the 'error' event may already have fired. */
  spawnError?: Error;
}

function spawnCreate(shimPath: string): CreateShimProcess {
  const child = spawn(shimPath, ['create'], { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'], detached: true });
  const proc: CreateShimProcess = { child };
  child.once('error', (err) => { proc.spawnError = err; });
  (child.stdio[3] as Writable).on('error', () => undefined);
  child.unref(); // the shim's first process exits at once; the monitor lives on without the agent
  return proc;
}

function setPipesRef(proc: CreateShimProcess, ref: boolean): void {
  for (const stream of [proc.child.stdio[3], proc.child.stdio[4]] as (Readable & { ref?(): void; unref?(): void })[]) {
    if (ref) stream?.ref?.();
    else stream?.unref?.();
  }
}

export class ShimLauncher {
  private spare: CreateShimProcess | undefined;
  private closed = false;

  constructor(private readonly shimPath: string) {}

  /** A shim waiting for its plan: the spare when there is a usable one, else a fresh spawn. */
  take(): CreateShimProcess {
    const spare = this.spare;
    this.spare = undefined;
    if (spare && !spare.spawnError && spare.child.exitCode === null && spare.child.signalCode === null) {
      setPipesRef(spare, true);
      return spare;
    }
    if (spare) this.discard(spare);
    return spawnCreate(this.shimPath);
  }

  /** Spawns the next spare once the current launch is done (never during it). */
  refill(): void {
    if (this.closed || this.spare) return;
    setImmediate(() => {
      if (this.closed || this.spare) return;
      const spare = spawnCreate(this.shimPath);
      setPipesRef(spare, false); // an idle spare must not keep a process (e.g. a test) alive
      this.spare = spare;
    });
  }

  close(): void {
    this.closed = true;
    if (this.spare) this.discard(this.spare);
    this.spare = undefined;
  }

  private discard(proc: CreateShimProcess): void {
    (proc.child.stdio[3] as Writable | null)?.end(); // EOF: the spare exits
    (proc.child.stdio[4] as Readable | null)?.destroy();
  }
}
