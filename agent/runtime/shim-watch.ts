// Watches the shim of every container that has one. A shim that dies without writing an exit
// (killed, crashed) leaves its container unsupervised and its end unrecorded: `ps` would say Up
// forever, and `stop` would wait for an exit file that never comes. The agent is not the shim's
// parent (the shim double-forks to outlive the agent) and Node has no pidfd, so it looks: every
// CHECK_EVERY_MS one kill(pid, 0) per container with a shim (about a microsecond each). A shim
// found gone is handled as recovery handles one that went while the agent was down (lost-shim.ts).
// Not under the container's lock: a stop holds that while it waits for the very exit this records.
import { performance } from 'node:perf_hooks';
import { isLive, type ContainerRecord } from './container.js';
import { describe, type RuntimeContext } from './context.js';
import { isErrno } from '../errors.js';
import { readExitFile } from './exit-file.js';
import { recordLostShim } from './lost-shim.js';

export const CHECK_EVERY_MS = 2000;
/** After a failed attempt (the disk is full): not every 2 s, with a warning and an error each time. */
const RETRY_AFTER_FAILURE_MS = 60_000;

export class ShimWatch {
  private timer: NodeJS.Timeout | undefined;
  private readonly handling = new Set<string>();
  /** Monotonic ms before which a container whose last attempt failed is not tried again. */
  private readonly retryAt = new Map<string, number>();

  constructor(private readonly ctx: RuntimeContext) {}

  start(): void {
    this.timer = setInterval(() => this.checkAll(), CHECK_EVERY_MS);
    this.timer.unref();
  }

  close(): void {
    clearInterval(this.timer);
  }

  private checkAll(): void {
    const now = performance.now();
    for (const id of this.retryAt.keys()) if (!this.ctx.records.has(id)) this.retryAt.delete(id); // removed meanwhile
    for (const record of this.ctx.records.values()) {
      if (!hasShim(record) || this.handling.has(record.id) || (this.retryAt.get(record.id) ?? 0) > now || processExists(record.shimPid)) continue;
      this.handling.add(record.id);
      this.settle(record)
        .then(() => this.retryAt.delete(record.id), (err: unknown) => {
          this.retryAt.set(record.id, performance.now() + RETRY_AFTER_FAILURE_MS);
          this.ctx.logger.error({ err, id: record.id },
            `recording the end of ${describe(record)}, whose shim died, failed; trying again in ${RETRY_AFTER_FAILURE_MS / 1000} s`);
        })
        .finally(() => this.handling.delete(record.id));
    }
  }

  private async settle(record: ContainerRecord): Promise<void> {
    // The shim writes its exit file before it exits: one there now is being recorded already.
    if (await readExitFile(record.files.exit)) return;
    if (!hasShim(record) || this.ctx.records.get(record.id) !== record) return; // removed or exited meanwhile
    if ((await recordLostShim(this.ctx, record, 'while running')) === 'exited') await this.ctx.exits.recheck(record.id, record.files.exit);
  }
}

/** kill(pid, 0): only ESRCH says there is no such process (this runs in a timer: it must not throw). */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return !isErrno(err, 'ESRCH');
  }
}

/** Created (not mid-launch), not exited, and with a shim: one that lost its shim has shimPid 0. */
function hasShim(record: ContainerRecord): boolean {
  return record.phase === 'created' && isLive(record) && record.shimPid > 0;
}
