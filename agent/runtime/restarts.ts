// The restart policy at work: after each recorded exit, restart-policy.ts decides whether and
// when; the timer then starts the container again through the runtime (under its lock). While the
// delay runs the container is `exited` with `restartAt` set (docker shows "Restarting"). A user's
// start, stop, kill or rm cancels a pending restart.
// A container that joins another's namespaces (`--network container:web`) and has a restart
// pending waits for a restart of that other one that is pending too: when the agent starts after a
// host reboot both come back, and the joiner can only join namespaces that exist again.
import { describe, type RuntimeContext } from './context.js';
import type { ContainerRecord } from './container.js';
import { restartDelay, startsWithAgent } from './restart-policy.js';
import { JOINABLE_NAMESPACES, joinedContainer, type ExitInfo } from './types.js';

/** A restart that is pending (its timer armed, or its start running): `settled` once it is over, whatever came of it. */
interface Pending { settled: Promise<void>; settle(): void }

export class RestartScheduler {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly pending = new Map<string, Pending>();

  /** `startAgain` runs a policy restart (the runtime checks the record still waits for it). */
  constructor(private readonly ctx: RuntimeContext, private readonly startAgain: (id: string) => Promise<void>) {}

  afterExit(record: ContainerRecord, exit: ExitInfo): void {
    const ranMs = record.startedAt ? Date.parse(exit.finishedAt) - Date.parse(record.startedAt) : 0;
    const state = { restartCount: record.restartCount ?? 0, manuallyStopped: record.manuallyStopped ?? false, lastDelayMs: record.lastRestartDelayMs ?? 0 };
    const delay = restartDelay(record.spec.restartPolicy, exit, state, ranMs);
    if (delay !== undefined) this.schedule(record, delay);
  }

  /**
   * For a container the agent finds exited when it starts: a restart that was waiting when the
   * last agent stopped runs when its time comes; otherwise docker's rule for `always`/`unless-stopped`.
   */
  atAgentStart(record: ContainerRecord): void {
    if (this.timers.has(record.id)) return;
    if (record.restartAt !== undefined) this.arm(record, Math.max(0, Date.parse(record.restartAt) - Date.now()));
    else if (startsWithAgent(record.spec.restartPolicy, record.manuallyStopped ?? false)) this.schedule(record, 0);
  }

  cancel(record: ContainerRecord): void {
    clearTimeout(this.timers.get(record.id));
    this.timers.delete(record.id);
    this.settle(record.id);
    delete record.restartAt;
  }

  close(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    for (const id of [...this.pending.keys()]) this.settle(id);
  }

  private schedule(record: ContainerRecord, delayMs: number): void {
    this.cancel(record);
    record.lastRestartDelayMs = delayMs;
    record.restartAt = new Date(Date.now() + delayMs).toISOString();
    this.ctx.persistLater(record);
    const policy = record.spec.restartPolicy;
    this.ctx.emit('container.restarting', record, `restarting ${describe(record)} in ${delayMs} ms (restart policy ${policy.name}, `
      + `restart ${(record.restartCount ?? 0) + 1}${policy.maxRetries ? ` of ${policy.maxRetries}` : ''})`, { delayMs, restartCount: record.restartCount ?? 0 });
    this.arm(record, delayMs);
  }

  private arm(record: ContainerRecord, delayMs: number): void {
    const pending = this.pending.get(record.id) ?? this.newPending(record.id);
    const timer = setTimeout(() => {
      this.timers.delete(record.id);
      void this.startAfterJoined(record).finally(() => this.settle(record.id, pending));
    }, delayMs);
    timer.unref(); // the agent's listeners keep it alive; a pending restart must not hold a closing agent
    this.timers.set(record.id, timer);
  }

  private async startAfterJoined(record: ContainerRecord): Promise<void> {
    for (const type of JOINABLE_NAMESPACES) {
      const joined = joinedContainer(record.spec.namespaces[type]);
      if (joined !== undefined && joined !== record.id) await this.pending.get(joined)?.settled;
    }
    try {
      await this.startAgain(record.id);
    } catch (err) {
      this.ctx.logger.error({ err, id: record.id }, `restart policy: starting ${describe(record)} again failed`);
      this.ctx.emit('container.restarting', record, `restart policy: starting ${describe(record)} again failed: ${(err as Error).message}`,
        { error: (err as Error).message });
    }
  }

  private newPending(id: string): Pending {
    let settle = (): void => {};
    const settled = new Promise<void>((resolve) => { settle = resolve; });
    const pending = { settled, settle };
    this.pending.set(id, pending);
    return pending;
  }

  /** `which`: only that restart (an exit during its start may have scheduled the next one already). */
  private settle(id: string, which = this.pending.get(id)): void {
    which?.settle();
    if (this.pending.get(id) === which) this.pending.delete(id);
  }
}
