// Limits and settings (quota, shares, memory.max, pids.max, …) change only when berth writes them,
// so the stats readers need not re-read them every tick: each cgroup has an epoch that update()
// moves, and a reader re-reads its settings files only when the epoch moved, or every
// SETTINGS_REFRESH_READS reads in case someone else wrote them. That halves the files read per
// sample on v1 and keeps no descriptor open for them.

export const SETTINGS_REFRESH_READS = 60;

export const SETTING_FILES: ReadonlySet<string> = new Set([
  // v1
  'cpu.cfs_quota_us', 'cpu.cfs_period_us', 'cpu.shares',
  'memory.limit_in_bytes', 'memory.memsw.limit_in_bytes', 'memory.soft_limit_in_bytes',
  // v1 and v2
  'pids.max',
  // v2
  'cpu.max', 'cpu.weight', 'memory.max', 'memory.swap.max', 'memory.min', 'memory.low',
]);

export class SettingsEpochs {
  private readonly epochs = new Map<string, number>();

  /** Called after every write of a cgroup's settings. */
  bump(name: string): void {
    this.epochs.set(name, (this.epochs.get(name) ?? 0) + 1);
  }

  forget(name: string): void {
    this.epochs.delete(name);
  }

  of(name: string): () => number {
    return () => this.epochs.get(name) ?? 0;
  }
}
