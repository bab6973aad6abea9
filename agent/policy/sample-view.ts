// ContainerSample (the sampler's shape) → the plain `sample` object runtime rules see
// (cel-schema.ts SAMPLE_SCHEMA). Counters stay cumulative, like the kernel's; derived rates are
// the sampler's (cpu.cores, cpu.throttledRatio: since the previous sample).
import type { HealthState } from '../runtime/types.js';
import type { ContainerSample } from '../sampler/types.js';

/** `sample.health` of a container without a healthcheck. */
export const NO_HEALTHCHECK = Object.freeze({ status: 'none', failingStreak: 0 } as const);

export function sampleView(s: ContainerSample, health?: HealthState): Record<string, unknown> {
  const { cpu, memory, pids, io, spec } = s.stats;
  const network = { rxBytes: 0, txBytes: 0, rxDropped: 0, txDropped: 0 };
  for (const i of s.network) {
    network.rxBytes += i.rxBytes; network.txBytes += i.txBytes;
    network.rxDropped += i.rxDropped; network.txDropped += i.txDropped;
  }
  return {
    time: s.time,
    cpu: {
      cores: s.cpu.cores, percent: s.cpu.percent, throttledRatio: s.cpu.throttledRatio,
      usageSeconds: cpu.usageNs / 1e9, throttledSeconds: cpu.throttledNs / 1e9,
      periods: cpu.periods, throttledPeriods: cpu.throttledPeriods,
      quotaCores: spec.cpuQuotaUs > 0 && spec.cpuPeriodUs > 0 ? spec.cpuQuotaUs / spec.cpuPeriodUs : 0,
    },
    memory: {
      usageBytes: memory.usageBytes, workingSetBytes: memory.workingSetBytes, rssBytes: memory.rssBytes,
      cacheBytes: memory.cacheBytes, swapBytes: memory.swapBytes, limitBytes: memory.limitBytes,
      maxUsageBytes: memory.maxUsageBytes, failcnt: memory.failcnt, underOom: memory.underOom,
    },
    pids: { current: pids.current, limit: pids.limit },
    io: { readBytes: io.readBytes, writeBytes: io.writeBytes, reads: io.reads, writes: io.writes },
    network,
    oomEvents: memory.oomEvents, oomKills: memory.oomKills,
    processes: s.processes, threads: s.threads,
    health: health ? { status: health.status, failingStreak: health.failingStreak } : { ...NO_HEALTHCHECK },
  };
}
