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

/** One cgroup's settings epoch: a cell the readers hold, so a check is one field load (no lookup by name). */
export interface SettingsEpoch { readonly value: number }

export class SettingsEpochs {
  private readonly epochs = new Map<string, { value: number }>();

  /** Called after every write of a cgroup's settings. */
  bump(name: string): void {
    this.cell(name).value++;
  }

  /** The cgroup is gone: a cgroup made later under the same name starts a cell of its own. */
  forget(name: string): void {
    this.epochs.delete(name);
  }

  of(name: string): SettingsEpoch {
    return this.cell(name);
  }

  private cell(name: string): { value: number } {
    let cell = this.epochs.get(name);
    if (cell === undefined) this.epochs.set(name, (cell = { value: 0 }));
    return cell;
  }
}
