// Synthetic samples and an in-memory SnapshotStore for tests of the parts that read samples
// (streams, policy, dashboards). The real store and sampler have their own tests.
import type { ContainerSample, HostSample, SampleTick, SnapshotStore } from '../../agent/sampler/types.js';
import type { CgroupStats } from '../../agent/cgroups/types.js';

export function fakeStats(over: { cpuUsageNs?: number; memoryBytes?: number; limitBytes?: number; pids?: number } = {}): CgroupStats {
  return {
    cpu: { usageNs: over.cpuUsageNs ?? 0, userNs: 0, systemNs: 0, periods: 0, throttledPeriods: 0, throttledNs: 0, burstPeriods: 0, burstNs: 0 },
    memory: {
      usageBytes: over.memoryBytes ?? 0, workingSetBytes: over.memoryBytes ?? 0, inactiveFileBytes: 0, rssBytes: over.memoryBytes ?? 0,
      activeFileBytes: 0, cacheBytes: 0, swapBytes: 0, mappedFileBytes: 0, maxUsageBytes: 0, failcnt: 0, kernelBytes: 0, fileDirtyBytes: 0,
      fileWritebackBytes: 0, workingsetRefaultAnon: 0, workingsetRefaultFile: 0, limitBytes: over.limitBytes ?? 0,
      swapLimitBytes: 0, reservationBytes: 0, pgfault: 0, pgmajfault: 0, oomEvents: 0, oomKills: 0, underOom: false,
    },
    pids: { current: over.pids ?? 1, limit: 0 },
    io: { readBytes: 0, writeBytes: 0, reads: 0, writes: 0, devices: [] },
    spec: { cpuQuotaUs: 0, cpuPeriodUs: 100000, cpuShares: 1024 },
  };
}

export function fakeSample(id: string, time: number, over: Partial<ContainerSample> = {}): ContainerSample {
  return {
    id, name: `c-${id.slice(0, 6)}`, image: '/rootfs', cgroup: `/berth/${id}`, time,
    stats: fakeStats(), cpu: { cores: 0.25, percent: 25, throttledRatio: 0 },
    network: [], processes: 1, threads: 1, namespaces: [], ...over,
  };
}

/** The machine of synthetic host samples (no boot id, no DMI: as on many VMs). */
export const FAKE_MACHINE = { bootId: '', machineId: '3d1219c7c4c5404aaa1f6d2a48adfda4', systemUuid: '', physicalCores: 2, sockets: 1 };

export function fakeHost(time: number): HostSample {
  return {
    time, cpuCores: 2, cpuPercent: 10, memoryTotalBytes: 1 << 30, memoryAvailableBytes: 1 << 29, swapTotalBytes: 0, machine: FAKE_MACHINE,
    load1: 0.1, load5: 0.1, load15: 0.1, containersRunning: 0, containersFailed: 0,
    agent: { cpuSecondsTotal: 0, rssBytes: 0, sampleDurationSeconds: 0, sampleStride: 1 },
  };
}

/** A SnapshotStore fed by hand: `push(tick)` stores it and notifies subscribers, like the sampler. */
export class FakeStore implements SnapshotStore {
  private readonly listeners = new Set<(tick: SampleTick) => void>();
  private readonly perContainer = new Map<string, ContainerSample[]>();
  private readonly hosts: HostSample[] = [];

  push(tick: SampleTick): void {
    for (const s of tick.samples) {
      const h = this.perContainer.get(s.id) ?? [];
      h.push(s);
      if (h.length > 300) h.shift();
      this.perContainer.set(s.id, h);
    }
    this.hosts.push(tick.host);
    if (this.hosts.length > 300) this.hosts.shift();
    for (const l of this.listeners) l(tick);
  }

  latest(id: string) { return this.perContainer.get(id)?.at(-1); }
  history(id: string, limit = 300) { return (this.perContainer.get(id) ?? []).slice(-limit); }
  all() { return [...this.perContainer.values()].map((h) => h.at(-1)!).filter(Boolean); }
  host() { return this.hosts.at(-1); }
  hostHistory(limit = 300) { return this.hosts.slice(-limit); }
  subscribe(listener: (tick: SampleTick) => void) {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }
}
