// Waiting for a container's exit: one fs.watch on its state directory plus one check after
// subscribing (the file may already be there), the same for fresh and adopted containers,
// since an adopted shim is not our child and gives no exit event.
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Logger } from 'pino';
import { readExitFile, type ExitFile } from './exit-file.js';
import type { ExitInfo } from './types.js';

interface Tracked {
  watcher?: FSWatcher;
  done: boolean;
  /** The checks run one after another: a later one finds the exit recorded by an earlier one. */
  checks: Promise<void>;
  promise: Promise<ExitInfo>;
  resolve: (exit: ExitInfo) => void;
}

export class ExitTracker {
  private readonly tracked = new Map<string, Tracked>();

  /** `onExit` records the exit (state.json, events) and returns the ExitInfo waiters get. */
  constructor(private readonly onExit: (id: string, file: ExitFile) => Promise<ExitInfo>, private readonly logger: Logger) {}

  track(id: string, exitPath: string): void {
    if (this.tracked.has(id)) return;
    let resolve!: (exit: ExitInfo) => void;
    const promise = new Promise<ExitInfo>((r) => { resolve = r; });
    const entry: Tracked = { done: false, checks: Promise.resolve(), promise, resolve };
    this.tracked.set(id, entry);
    const name = basename(exitPath);
    try {
      entry.watcher = watch(dirname(exitPath), { persistent: true }, (_event, filename) => {
        if (filename === null || filename === name) void this.check(id, exitPath);
      });
      entry.watcher.on('error', (err) => this.logger.warn({ err, id }, `watch ${dirname(exitPath)} failed`));
    } catch (err) {
      this.logger.error({ err, id }, `watch ${dirname(exitPath)}: cannot wait for the container's exit`);
    }
    void this.check(id, exitPath);
  }

  /** Resolves when the container has exited and its exit is recorded; undefined if not tracked. */
  wait(id: string): Promise<ExitInfo> | undefined {
    return this.tracked.get(id)?.promise;
  }

  /** Looks again now (recovery, or after the agent signalled the container); resolves once an exit found is recorded. */
  recheck(id: string, exitPath: string): Promise<void> {
    return this.check(id, exitPath);
  }

  untrack(id: string): void {
    this.tracked.get(id)?.watcher?.close();
    this.tracked.delete(id);
  }

  close(): void {
    for (const entry of this.tracked.values()) entry.watcher?.close();
    this.tracked.clear();
  }

  private check(id: string, exitPath: string): Promise<void> {
    const entry = this.tracked.get(id);
    if (!entry) return Promise.resolve();
    entry.checks = entry.checks
      .then(() => this.checkOnce(id, entry, exitPath))
      .catch((err) => this.logger.error({ err, id }, 'checking for the exit failed')); // the chain must never stay rejected
    return entry.checks;
  }

  private async checkOnce(id: string, entry: Tracked, exitPath: string): Promise<void> {
    if (entry.done) return;
    let file: ExitFile | undefined;
    try {
      file = await readExitFile(exitPath);
    } catch (err) {
      this.logger.error({ err, id }, 'reading the exit file failed');
      return;
    }
    if (!file) return;
    entry.done = true;
    entry.watcher?.close();
    entry.watcher = undefined;
    try {
      entry.resolve(await this.onExit(id, file));
    } catch (err) {
      this.logger.error({ err, id }, 'recording the exit failed');
      entry.resolve({ exitCode: file.exitCode, oomKilled: false, finishedAt: file.finishedAt, ...(file.signal ? { signal: file.signal } : {}) });
    }
  }
}
