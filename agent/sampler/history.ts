// One container's recent samples (the snapshot store's history) as a ring of compact rows. The
// figures that move at every tick a container runs are numbers in one Float64Array; the rest of
// a row is a reference to the sample where those other figures were last seen (its "base"), which
// consecutive rows share until one of them changes (at a full read, every ~10 ticks of a busy
// container), and to the network counters, shared the same way while no packet moves.
// Why not one ContainerSample per row: at 1000 busy containers × 300 rows that object graph
// (~0.9 KB of objects and boxed doubles per sample) held ~270 MiB of heap, and every sample
// outlived the young generation, so each scavenge copied it and old-space GC then had to collect
// it (test/bench/sampler.ts prints the heap each scenario ends with).
import type { CgroupStats, PressureStat } from '../cgroups/types.js';
import type { ContainerSample, InterfaceSample, NamespaceSample } from './types.js';

/** The numbers of a row: the stats' first (writeStats' order), then the sample's; the rest comes from the row's base. */
const STATS_FIGURES = 9;
const HOT_FIGURES = 15;

export class SampleHistory {
  private readonly hot: Float64Array;
  private readonly bases: ContainerSample[];
  private readonly networks: InterfaceSample[][];
  private next = 0;
  private size = 0;
  private last: ContainerSample | undefined;

  constructor(readonly capacity: number) {
    this.hot = new Float64Array(capacity * HOT_FIGURES);
    this.bases = new Array<ContainerSample>(capacity);
    this.networks = new Array<InterfaceSample[]>(capacity);
  }

  push(s: ContainerSample): void {
    // Compared with the last sample, not the base: equal to it in all that is shared, and just
    // read by the sampler (a sample carried over an idle tick is made from it), so in the CPU's caches.
    const last = this.last;
    const prev = (this.next - 1 + this.capacity) % this.capacity;
    const base = last !== undefined && sameSlowParts(last, s) ? this.bases[prev] : s;
    const network = last !== undefined && sameInterfaces(last.network, s.network) ? this.networks[prev] : s.network;
    const o = this.next * HOT_FIGURES;
    if (last !== undefined && s.stats === last.stats) {
      // Carried over an idle tick: the last row's figures, next to this one, rather than a walk
      // through the stats' objects, long out of the caches.
      for (let i = 0, from = prev * HOT_FIGURES; i < STATS_FIGURES; i++) this.hot[o + i] = this.hot[from + i];
    } else {
      writeStats(this.hot, o, s.stats);
    }
    writeSampleFigures(this.hot, o + STATS_FIGURES, s);
    this.bases[this.next] = base;
    this.networks[this.next] = network;
    this.next = (this.next + 1) % this.capacity;
    if (this.size < this.capacity) this.size++;
    this.last = s;
  }

  /** The last sample pushed, as it was pushed. */
  latest(): ContainerSample | undefined { return this.last; }

  /** Oldest first; the newest `limit` rows, each a sample equal to the one pushed. */
  toArray(limit = this.size): ContainerSample[] {
    const n = Math.max(0, Math.min(limit, this.size));
    const out = new Array<ContainerSample>(n);
    const start = (this.next - n + this.capacity) % this.capacity;
    for (let i = 0; i < n; i++) {
      const slot = (start + i) % this.capacity;
      out[i] = readRow(this.hot, slot * HOT_FIGURES, this.bases[slot], this.networks[slot]);
    }
    return out;
  }
}

function writeStats(h: Float64Array, o: number, stats: CgroupStats): void {
  const { cpu, memory } = stats;
  h[o] = cpu.usageNs;
  h[o + 1] = cpu.userNs; // hot on v2, where the probe's cpu.stat has the split
  h[o + 2] = cpu.systemNs;
  h[o + 3] = cpu.periods;
  h[o + 4] = cpu.throttledPeriods;
  h[o + 5] = cpu.throttledNs;
  h[o + 6] = memory.usageBytes;
  h[o + 7] = memory.workingSetBytes;
  h[o + 8] = stats.pids.current;
}

function writeSampleFigures(h: Float64Array, o: number, s: ContainerSample): void {
  h[o] = s.time;
  h[o + 1] = s.cpu.cores;
  h[o + 2] = s.cpu.percent;
  h[o + 3] = s.cpu.throttledRatio;
  h[o + 4] = s.processes;
  h[o + 5] = s.threads;
}

/** The row's sample: hot figures from the columns, the rest shared with its base (samples are never changed). */
function readRow(h: Float64Array, o: number, base: ContainerSample, network: InterfaceSample[]): ContainerSample {
  const b = base.stats;
  const cpu: CgroupStats['cpu'] = {
    usageNs: h[o], userNs: h[o + 1], systemNs: h[o + 2], periods: h[o + 3], throttledPeriods: h[o + 4], throttledNs: h[o + 5],
    burstPeriods: b.cpu.burstPeriods, burstNs: b.cpu.burstNs,
  };
  if (b.cpu.perCpuNs) cpu.perCpuNs = b.cpu.perCpuNs;
  const stats: CgroupStats = {
    cpu, memory: { ...b.memory, usageBytes: h[o + 6], workingSetBytes: h[o + 7] }, pids: { current: h[o + 8], limit: b.pids.limit }, io: b.io, spec: b.spec,
  };
  if (b.pressure) stats.pressure = b.pressure;
  const f = o + STATS_FIGURES;
  return {
    id: base.id, name: base.name, image: base.image, cgroup: base.cgroup, time: h[f], stats,
    cpu: { cores: h[f + 1], percent: h[f + 2], throttledRatio: h[f + 3] },
    network, processes: h[f + 4], threads: h[f + 5], namespaces: base.namespaces,
  };
}

/** Whether `s` equals `last` in everything but the hot figures, so its row can share the last row's base. */
function sameSlowParts(last: ContainerSample, s: ContainerSample): boolean {
  if (last.id !== s.id || last.name !== s.name || last.image !== s.image || last.cgroup !== s.cgroup) return false;
  if (!sameNamespaces(last.namespaces, s.namespaces)) return false;
  const a = last.stats;
  const b = s.stats;
  if (a === b) return true; // a sample carried over an idle tick
  const am = a.memory;
  const bm = b.memory;
  return sameNumbers(a.cpu.perCpuNs, b.cpu.perCpuNs) && a.cpu.burstPeriods === b.cpu.burstPeriods && a.cpu.burstNs === b.cpu.burstNs
    && am.inactiveFileBytes === bm.inactiveFileBytes && am.activeFileBytes === bm.activeFileBytes && am.rssBytes === bm.rssBytes
    && am.cacheBytes === bm.cacheBytes && am.swapBytes === bm.swapBytes && am.mappedFileBytes === bm.mappedFileBytes
    && am.maxUsageBytes === bm.maxUsageBytes && am.failcnt === bm.failcnt && am.kernelBytes === bm.kernelBytes
    && am.fileDirtyBytes === bm.fileDirtyBytes && am.fileWritebackBytes === bm.fileWritebackBytes
    && am.workingsetRefaultAnon === bm.workingsetRefaultAnon && am.workingsetRefaultFile === bm.workingsetRefaultFile
    && am.limitBytes === bm.limitBytes && am.swapLimitBytes === bm.swapLimitBytes
    && am.reservationBytes === bm.reservationBytes && am.pgfault === bm.pgfault && am.pgmajfault === bm.pgmajfault
    && am.pgscan === bm.pgscan && am.pgsteal === bm.pgsteal && am.highEvents === bm.highEvents && am.maxEvents === bm.maxEvents
    && am.oomEvents === bm.oomEvents && am.oomKills === bm.oomKills && am.underOom === bm.underOom
    && a.pids.limit === b.pids.limit
    && a.io.devices === b.io.devices // the same counters keep the same array (setIoDevices); the sums follow from them
    && a.spec.cpuQuotaUs === b.spec.cpuQuotaUs && a.spec.cpuPeriodUs === b.spec.cpuPeriodUs && a.spec.cpuShares === b.spec.cpuShares
    && samePressure(a.pressure, b.pressure);
}

function sameNumbers(a: number[] | undefined, b: number[] | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function samePressure(a: CgroupStats['pressure'], b: CgroupStats['pressure']): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return samePressureStat(a.cpu, b.cpu) && samePressureStat(a.memory, b.memory) && samePressureStat(a.io, b.io);
}

function samePressureStat(a: PressureStat | undefined, b: PressureStat | undefined): boolean {
  if (a === b) return true;
  return !!a && !!b && a.someTotalUs === b.someTotalUs && a.fullTotalUs === b.fullTotalUs;
}

function sameNamespaces(a: NamespaceSample[], b: NamespaceSample[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i].type !== b[i].type || a[i].inode !== b[i].inode || a[i].hostShared !== b[i].hostShared) return false;
  }
  return true;
}

function sameInterfaces(a: InterfaceSample[], b: InterfaceSample[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x.name !== y.name || x.rxBytes !== y.rxBytes || x.rxPackets !== y.rxPackets || x.rxErrors !== y.rxErrors || x.rxDropped !== y.rxDropped
      || x.txBytes !== y.txBytes || x.txPackets !== y.txPackets || x.txErrors !== y.txErrors || x.txDropped !== y.txDropped) return false;
  }
  return true;
}
