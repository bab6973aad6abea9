// Fakes for the sampler's dependencies in unit tests: a scripted stats reader per container, a
// runtime whose list the test edits, a clock the test advances.
import type { CgroupStats, CgroupStatsReader, StatsPart } from '../../../agent/cgroups/types.js';
import type { ContainerInfo } from '../../../agent/runtime/types.js';

export function makeStats(over: { cpu?: Partial<CgroupStats['cpu']>; memory?: Partial<CgroupStats['memory']>;
  pids?: Partial<CgroupStats['pids']>; io?: Partial<CgroupStats['io']>; spec?: Partial<CgroupStats['spec']>;
  pressure?: CgroupStats['pressure'] } = {}): CgroupStats {
  return {
    cpu: { usageNs: 0, userNs: 0, systemNs: 0, periods: 0, throttledPeriods: 0, throttledNs: 0, burstPeriods: 0, burstNs: 0, ...over.cpu },
    memory: {
      usageBytes: 0, workingSetBytes: 0, inactiveFileBytes: 0, activeFileBytes: 0, rssBytes: 0, cacheBytes: 0, swapBytes: 0, mappedFileBytes: 0,
      maxUsageBytes: 0, failcnt: 0, kernelBytes: 0, fileDirtyBytes: 0, fileWritebackBytes: 0, workingsetRefaultAnon: 0, workingsetRefaultFile: 0, limitBytes: 0, swapLimitBytes: 0, reservationBytes: 0, pgfault: 0, pgmajfault: 0, oomEvents: 0, oomKills: 0, underOom: false,
      ...over.memory,
    },
    pids: { current: 0, limit: 0, ...over.pids },
    io: { readBytes: 0, writeBytes: 0, reads: 0, writes: 0, devices: [], ...over.io },
    spec: { cpuQuotaUs: 0, cpuPeriodUs: 100000, cpuShares: 1024, ...over.spec },
    ...(over.pressure ? { pressure: over.pressure } : {}),
  };
}

/**
 * A reader whose next values the test sets; `null` = the cgroup vanished; an Error = a failed read.
 * Each read copies only its part of `next`, grouped as on cgroup v2 (cgroups/stats.ts), and is
 * logged in `parts`; `settingsMoved` plays an update() of the cgroup's settings.
 */
export class ScriptedReader implements CgroupStatsReader {
  next: CgroupStats | null | Error = makeStats();
  closed = false;
  parts: StatsPart[] = [];
  settingsMoved = false;
  read(part: StatsPart, into: CgroupStats): boolean {
    if (this.next instanceof Error) throw this.next;
    if (this.next === null) return false;
    this.parts.push(part);
    const n = this.next;
    const m = into.memory;
    if (part === 'cpu') into.cpu = { ...n.cpu };
    if (part === 'active') { m.usageBytes = n.memory.usageBytes; m.workingSetBytes = n.memory.workingSetBytes; into.pids.current = n.pids.current; }
    if (part === 'memoryStat') {
      for (const k of ['inactiveFileBytes', 'rssBytes', 'cacheBytes', 'mappedFileBytes', 'pgfault', 'pgmajfault', 'workingSetBytes'] as const) m[k] = n.memory[k];
    }
    if (part === 'full') {
      Object.assign(into, { ...n, cpu: { ...n.cpu }, memory: { ...n.memory }, pids: { ...n.pids }, io: { ...n.io }, spec: { ...n.spec } });
      this.settingsMoved = false;
    }
    return true;
  }
  settingsChanged(): boolean { return this.settingsMoved; }
  /** The parts read since the last call. */
  takeParts(): StatsPart[] { return this.parts.splice(0); }
  close(): void { this.closed = true; }
}

export function makeInfo(id: string, over: Partial<ContainerInfo> = {}): ContainerInfo {
  return {
    id, name: `c-${id}`, status: 'running', pid: 4242, shimPid: 4241, createdAt: '2026-11-23T10:00:00.000Z',
    startedAt: '2026-11-23T10:00:01.500Z', cgroup: `/berth/${id}`, stateDir: `/var/lib/berth/containers/${id}`,
    spec: { image: 'busybox:test' } as ContainerInfo['spec'],
    ...over,
  };
}

export class FakeClock {
  constructor(public wall = 1_763_900_000_000, public mono = 10_000) {}
  now = (): number => this.wall;
  monotonicMs = (): number => this.mono;
  advance(ms: number): void { this.wall += ms; this.mono += ms; }
}

export const silentLogger = { warn: () => undefined, error: () => undefined } as never;

/** A logger that records what was logged, to assert on warnings. */
export function recordingLogger(): { logger: never; lines: string[] } {
  const lines: string[] = [];
  const log = (_obj: unknown, msg?: string) => { lines.push(String(msg)); };
  return { logger: { warn: log, error: log } as never, lines };
}
