// The version-neutral stats reader: a list of per-controller sources, each filling its part of
// one CgroupStats. A source reports false when its cgroup is gone, and the reader returns null.
import type { CgroupStats, CgroupStatsReader } from './types.js';

export interface StatSource {
  fill(stats: CgroupStats): boolean;
  close(): void;
}

function emptyStats(): CgroupStats {
  return {
    cpu: { usageNs: 0, userNs: 0, systemNs: 0, periods: 0, throttledPeriods: 0, throttledNs: 0 },
    memory: {
      usageBytes: 0, workingSetBytes: 0, rssBytes: 0, cacheBytes: 0, swapBytes: 0, mappedFileBytes: 0,
      maxUsageBytes: 0, failcnt: 0, limitBytes: 0, swapLimitBytes: 0, reservationBytes: 0,
      pgfault: 0, pgmajfault: 0, oomEvents: 0, oomKills: 0,
    },
    pids: { current: 0, limit: 0 },
    io: { readBytes: 0, writeBytes: 0, reads: 0, writes: 0 },
    spec: { cpuQuotaUs: 0, cpuPeriodUs: 0, cpuShares: 0 },
  };
}

/** Working set as cAdvisor and docker stats define it: usage minus inactive file cache, floor 0. */
export function workingSet(usageBytes: number, inactiveFileBytes: number): number {
  return Math.max(0, usageBytes - (inactiveFileBytes || 0));
}

export class CompositeStatsReader implements CgroupStatsReader {
  private closed = false;

  constructor(private readonly sources: StatSource[]) {}

  read(): CgroupStats | null {
    if (this.closed) return null;
    const stats = emptyStats();
    for (const source of this.sources) if (!source.fill(stats)) return null;
    return stats;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const source of this.sources) source.close();
  }
}

/** Reads one stat file by name: its text, or undefined when absent (or the cgroup is gone). */
export type StatGetter = (name: string) => string | undefined;

/** A source built from one StatFileSet and a function that reads what it needs from it. */
export function fileSource(
  files: { read(name: string): string | undefined; readonly isGone: boolean; close(): void },
  fill: (get: StatGetter, stats: CgroupStats) => void,
): StatSource {
  const get: StatGetter = (name) => files.read(name);
  return {
    fill(stats) {
      if (files.isGone) return false;
      fill(get, stats);
      return !files.isGone;
    },
    close: () => files.close(),
  };
}
