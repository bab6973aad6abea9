// Turns the sampler's full samples and the runtime's container records into the compact shapes
// the stream sends. Pure functions: the hub calls them once per tick, not once per client.
import { dockerState, type ContainerInfo } from '../runtime/types.js';
import type { ContainerSample } from '../sampler/types.js';
import { ownTraffic } from '../sampler/traffic.js';
import type { ContainerSummary, StreamSample } from './protocol.js';

export function toStreamSample(s: ContainerSample): StreamSample {
  const { stats } = s;
  const quota = stats.spec.cpuQuotaUs > 0 && stats.spec.cpuPeriodUs > 0 ? stats.spec.cpuQuotaUs / stats.spec.cpuPeriodUs : 0;
  const net = ownTraffic(s);
  return {
    id: s.id,
    t: s.time,
    cpuCores: round(s.cpu.cores, 4),
    cpuQuotaCores: round(quota, 4),
    throttledRatio: round(s.cpu.throttledRatio, 4),
    memUsage: stats.memory.usageBytes,
    memWorkingSet: stats.memory.workingSetBytes,
    memLimit: stats.memory.limitBytes,
    pids: stats.pids.current,
    pidsLimit: stats.pids.limit,
    ioReadBytes: stats.io.readBytes,
    ioWriteBytes: stats.io.writeBytes,
    netRxBytes: net.rxBytes,
    netTxBytes: net.txBytes,
    oomEvents: stats.memory.oomEvents,
  };
}

export function toSummary(c: ContainerInfo, latest?: ContainerSample): ContainerSummary {
  const reason = c.exit?.reason;
  return {
    id: c.id,
    name: c.name,
    image: c.spec.image,
    status: dockerState(c),
    pid: c.pid,
    createdAt: c.createdAt,
    startedAt: c.startedAt,
    exitCode: c.exit?.exitCode,
    oomKilled: c.exit?.oomKilled,
    restartCount: c.restartCount ?? 0,
    health: c.health?.status,
    stopReason: reason && reason.by === 'policy' ? `policy ${reason.policy ?? '?'}/${reason.rule ?? '?'}` : undefined,
    limits: { cpus: c.spec.resources.cpus, memoryBytes: c.spec.resources.memoryBytes, pidsLimit: c.spec.resources.pidsLimit },
    namespaces: latest?.namespaces ?? [],
    labels: c.spec.labels,
  };
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
