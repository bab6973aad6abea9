// The 1 Hz loop: the only reader of the kernel's counters. One tick lists the running containers
// (in memory), re-reads each one's open files, derives rates from the previous tick, samples the
// host and stores everything in the snapshot store in one go.
import type { Logger } from 'pino';
import type { CgroupManager } from '../cgroups/types.js';
import type { ContainerInfo, Runtime } from '../runtime/types.js';
import { copyStats } from '../cgroups/index.js';
import { SampleBudget } from './budget.js';
import { deriveCpu, NO_CPU } from './derive.js';
import { DeviceNames } from './device-names.js';
import { hostCpuPercent, HostReader, type ProcStat } from './host.js';
import { readMachineInfo, type MachineInfo } from './machine.js';
import { readNamespaceInodes, type NamespaceInodes } from './namespaces.js';
import { ScratchBuffer } from './open-file.js';
import { ProcessCounter } from './processes.js';
import type { WritableSnapshotStore } from './snapshot.js';
import { TrackedContainer, type HotRead } from './tracked.js';
import type { ContainerSample, HostSample, InterfaceSample, NamespaceSample, SampleTick } from './types.js';

export interface SamplerClock {
  /** Wall clock, ms since epoch: the `time` of samples. */
  now(): number;
  /** Monotonic ms: the denominator of every rate. */
  monotonicMs(): number;
}

export const SYSTEM_CLOCK: SamplerClock = { now: () => Date.now(), monotonicMs: () => performance.now() };

export interface AgentUsage { cpuSecondsTotal: number; rssBytes: number }

/** CPU µs this process has used (user + system): what a tick costs, against the budget. */
export function processCpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

/** The agent's own CPU seconds and resident memory (a parameter so tests can fix them). */
export function processUsage(): AgentUsage {
  return { cpuSecondsTotal: processCpuMicros() / 1e6, rssBytes: process.memoryUsage.rss() };
}

export type SamplerLogger = Pick<Logger, 'warn' | 'error'>;

export interface SamplerDeps {
  runtime: Pick<Runtime, 'list'>;
  cgroups: Pick<CgroupManager, 'statsReader' | 'procsFiles' | 'version' | 'flushStats'>;
  store: WritableSnapshotStore;
  procRoot: string;
  /** /sys and /etc of the host (machine.ts); fixtures in tests. */
  sysRoot: string;
  etcRoot: string;
  logger: SamplerLogger;
  clock: SamplerClock;
  agentUsage: () => AgentUsage;
  cpuMicros: () => number;
  /** CPU ms a tick may take before busy containers' figures other than CPU usage are read less often (budget.ts); Infinity: no limit. */
  cpuBudgetMsPerTick: number;
  namespaceRefreshTicks: number;
  /** Every how many ticks a container's figures are all read (cadence.ts); 1 = all, every tick. */
  fullEveryTicks: number;
  /** Containers per slice; the tick may yield to the event loop between two slices. */
  sliceSize: number;
  /** Wall ms a tick runs before it yields at the next slice boundary (0: at every one). */
  yieldAfterMs: number;
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const GONE = Symbol('gone');
const FAILED = Symbol('failed');

/**
 * The sample of a tick at which nothing moved: the figures are those of the last sample, which is
 * immutable, so shared. Spelled out rather than spread, so it has the shape of every other
 * sample: an idle fleet makes one per container per tick and keeps 300 of them in history.
 */
function carried(last: ContainerSample, time: number, namespaces: NamespaceSample[]): ContainerSample {
  return {
    id: last.id, name: last.name, image: last.image, cgroup: last.cgroup, time, stats: last.stats, cpu: NO_CPU,
    network: last.network, processes: last.processes, threads: last.threads, namespaces,
  };
}

/** Statuses whose containers have live cgroups: the sampler samples these (and /metrics shows them). */
export const SAMPLED_STATUSES: ReadonlySet<ContainerInfo['status']> = new Set<ContainerInfo['status']>(['running', 'paused', 'stopping']);

export class Sampler {
  private readonly tracked = new Map<string, TrackedContainer>();
  private readonly scratch = new ScratchBuffer();
  private host: HostReader | undefined;
  private hostNamespaces: NamespaceInodes = new Map();
  private prevProcStat: ProcStat | undefined;
  private tickCount = 0;
  /** The host netns' interfaces as read in this tick, once one container in it was read (readNetwork). */
  private hostInterfaces: InterfaceSample[] | undefined;
  private syncs = 0;
  private trackedCount = 0;
  private closed = false;
  private readonly deviceNames: DeviceNames;
  private machine: MachineInfo | undefined;
  private readonly budget: SampleBudget;

  constructor(private readonly deps: SamplerDeps) {
    this.deviceNames = new DeviceNames(deps.procRoot);
    this.budget = new SampleBudget(deps.cpuBudgetMsPerTick);
  }

  /**
   * One tick. Containers are read in slices, with a yield to the event loop between two once the
   * tick has run `yieldAfterMs`, so a tick over 1000 containers never blocks requests (a scrape, a
   * stream) for its whole duration. Yielding by time rather than after every slice: a yield cost
   * ~0.1 ms of CPU here, 1 ms per tick at 1000 idle containers in slices of 100.
   * Resolves to null when the sampler was closed mid-tick (nothing is recorded then). The CPU the
   * tick took, not counting what ran while it yielded, goes to the budget.
   */
  async tick(): Promise<SampleTick | null> {
    if (this.closed) return null;
    const { clock, store, sliceSize, yieldAfterMs, cpuMicros } = this.deps;
    const time = clock.now();
    const started = clock.monotonicMs();
    let cpuFrom = cpuMicros();
    let cpuSpent = 0;
    const stride = this.budget.stride;
    if (this.tickCount % this.deps.namespaceRefreshTicks === 0) this.hostNamespaces = this.readHostNamespaces();
    this.syncTracked();
    this.hostInterfaces = undefined;
    const samples: ContainerSample[] = [];
    const failed = new Set<string>();
    const all = [...this.tracked.values()];
    let ranSince = performance.now(); // real time, whatever the sample clock: this is about requests waiting
    for (let from = 0; from < all.length; from += sliceSize) {
      if (from > 0 && performance.now() - ranSince >= yieldAfterMs) {
        cpuSpent += cpuMicros() - cpuFrom;
        await yieldToEventLoop();
        if (this.closed) return null;
        ranSince = performance.now();
        cpuFrom = cpuMicros();
      }
      const slice = all.slice(from, from + sliceSize).filter((t) => !t.closed); // closed: left during the yield
      // The hot reads of a slice (probe, and the active part where due) back to back, before any
      // other per-container work: the kernel's read path stays in the CPU's caches (a micro-measurement
      // here: ~1.5 µs per container cheaper than interleaved for the probes; ~0.07 off the bench's
      // ratio to the floor at 1000 busy containers once the active reads joined them).
      this.deps.cgroups.flushStats?.(); // per slice: a yield may have let the counters pile up again
      for (const t of slice) t.readHot(this.deps.fullEveryTicks, this.tickCount, stride);
      const now = clock.now();
      const mono = clock.monotonicMs();
      for (const t of slice) {
        const s = this.sampleContainer(t, now, mono);
        if (s === FAILED) failed.add(t.info.id);
        else if (s !== GONE) samples.push(s);
      }
    }
    const host = this.sampleHost(time, samples.length, failed.size, (clock.monotonicMs() - started) / 1000, stride);
    this.budget.record((cpuSpent + cpuMicros() - cpuFrom) / 1000); // before the store's listeners: their work is theirs
    const tick: SampleTick = { time, samples, host };
    store.record(tick, failed);
    this.tickCount++;
    return tick;
  }

  /** Allows ticks again after close() (stop, then start). */
  reopen(): void { this.closed = false; }

  close(): void {
    this.closed = true;
    for (const t of this.tracked.values()) t.close();
    this.tracked.clear();
    this.host?.close();
    this.host = undefined;
  }

  /** Opens readers for new containers, closes those of containers that left. */
  private syncTracked(): void {
    const sync = ++this.syncs; // marks who is still listed (no Set of 1000 ids per tick)
    let newcomers: ContainerInfo[] | undefined;
    for (const info of this.deps.runtime.list()) {
      if (!SAMPLED_STATUSES.has(info.status) || info.pid <= 0) continue;
      const t = this.tracked.get(info.id);
      if (!t) { (newcomers ??= []).push(info); continue; }
      t.info = info;
      t.listedAtSync = sync;
    }
    for (const t of this.tracked.values()) { // values, not entries: no [id, t] pair per container per tick
      if (t.listedAtSync !== sync) { t.close(); this.tracked.delete(t.info.id); }
    }
    if (newcomers) this.trackAll(newcomers, sync);
  }

  /**
   * Apart from syncTracked's loop so that V8 does not inline TrackedContainer's constructor there.
   * With it inlined, every optimized syncTracked was thrown away ("Maps became deprecated during
   * optimization", seen with --trace-opt): 12-40 ms of compiling every few ticks, and the loop left
   * unoptimized. Likely cause: the constructor's object literals still create objects with the
   * maps they had before their fields first held doubles, maps V8 has since deprecated.
   */
  private trackAll(infos: ContainerInfo[], sync: number): void {
    for (const info of infos) this.track(info, sync);
  }

  private track(info: ContainerInfo, sync: number): void {
    const { cgroups, procRoot, logger } = this.deps;
    try {
      const reader = cgroups.statsReader(info.id);
      const procsPath = cgroups.procsFiles(info.id)[0];
      const counter = procsPath ? new ProcessCounter(procsPath, cgroups.version !== 'v2') : null;
      const turn = this.trackedCount++;
      const t = new TrackedContainer(info, reader, counter, procRoot, turn % this.deps.fullEveryTicks, turn);
      t.listedAtSync = sync;
      this.tracked.set(info.id, t);
    } catch (err) {
      // Retried next tick: the runtime may list a container a moment before its cgroup is readable.
      logger.warn({ err, container: info.id }, `sampler: open stats of container ${info.name}`);
    }
  }

  /**
   * Reads what is due for this container (cadence.ts) and returns its sample. GONE when the
   * container vanished mid-sample (its history goes); FAILED when a read failed (logged once per
   * distinct error; its history stays until it leaves the runtime's list).
   */
  private sampleContainer(t: TrackedContainer, time: number, mono: number): ContainerSample | typeof GONE | typeof FAILED {
    try {
      const read = this.readDue(t);
      if (read === 'gone') return GONE; // cgroup or init gone between list() and the read: expected, not an error
      t.lastError = '';
      const namespaces = t.namespaces(this.tickCount, this.deps.namespaceRefreshTicks, this.hostNamespaces);
      let sample: ContainerSample;
      if (read === 'idle' && t.last) {
        sample = carried(t.last, time, namespaces);
        t.prev.monoMs = mono;
      } else {
        sample = this.freshSample(t, time, mono, namespaces);
      }
      t.last = sample;
      return sample;
    } catch (err) {
      const message = (err as Error).message;
      if (message !== t.lastError) this.deps.logger.warn({ err, container: t.info.id }, `sampler: sample container ${t.info.name}`);
      t.lastError = message;
      return FAILED;
    }
  }

  private freshSample(t: TrackedContainer, time: number, mono: number, namespaces: NamespaceSample[]): ContainerSample {
    // Only CPU usage read (over the budget): the rest is the last sample's, shared as a carried
    // sample shares it, rather than copied (~50 figures a busy container would allocate per tick).
    const stats = t.hot === 'cpu' && t.last ? { ...t.last.stats, cpu: { ...t.current.cpu } } : copyStats(t.current);
    const mark = { monoMs: mono, usageNs: stats.cpu.usageNs, periods: stats.cpu.periods, throttledPeriods: stats.cpu.throttledPeriods };
    const cpu = deriveCpu(t.prev, mark);
    Object.assign(t.prev, mark);
    const { info } = t;
    return {
      id: info.id, name: info.name, image: info.spec.image, cgroup: info.cgroup, time, stats, cpu,
      network: t.interfaces, processes: t.processCount, threads: t.threadCount, namespaces,
    };
  }

  /** Reads the rest of what is due after the hot reads: 'idle' when nothing was due and CPU usage had not moved. */
  private readDue(t: TrackedContainer): HotRead {
    const { reader, current, cadence, hot, fullRead: full, pidsBefore } = t;
    if (hot instanceof Error) throw hot;
    if (hot !== 'read') return hot; // 'cpu': a fresh sample with only CPU usage read anew
    if (cadence.memoryStatDue(full, current.memory.usageBytes)) {
      if (!reader.read('memoryStat', current)) return 'gone';
      cadence.memoryStatRead(current.memory.usageBytes);
    }
    if (full) {
      if (!reader.read('full', current)) return 'gone';
      this.deviceNames.nameAll(current.io.devices, this.tickCount);
    }
    if (full || current.pids.current !== pidsBefore) {
      const processes = t.processes?.processes(this.scratch) ?? 0;
      if (processes < 0) return 'gone';
      t.processCount = processes;
      t.threadCount = this.threads(t, current.pids.current, processes);
    }
    if (full || t.networkDue) this.readNetwork(t);
    return 'read';
  }

  /** Containers in the host's netns all see its counters: the first of them this tick reads them for all. */
  private readNetwork(t: TrackedContainer): void {
    if (!t.inHostNetns) {
      t.readNetwork(this.scratch);
    } else if (this.hostInterfaces) {
      t.setInterfaces(this.hostInterfaces);
    } else if (t.readNetwork(this.scratch)) { // not when its init had just exited: the next one reads
      this.hostInterfaces = t.interfaces;
    }
  }

  /**
   * pids.current counts tasks (threads). It reads 0 both for an empty cgroup and where the pids
   * controller is missing; only the latter (processes but no count) costs a read of the thread list.
   */
  private threads(t: TrackedContainer, pidsCurrent: number, processes: number): number {
    if (pidsCurrent > 0 || processes <= 0) return pidsCurrent;
    return Math.max(processes, t.processes?.threadsFromList(this.scratch) ?? 0);
  }

  private sampleHost(time: number, containersRunning: number, containersFailed: number, sampleDurationSeconds: number, sampleStride: number): HostSample {
    this.host ??= new HostReader(this.deps.procRoot);
    const reading = this.host.read(this.scratch);
    const cpuPercent = hostCpuPercent(this.prevProcStat, reading.stat);
    this.prevProcStat = reading.stat;
    return {
      time,
      cpuCores: reading.stat.cpuCores,
      cpuPercent,
      memoryTotalBytes: reading.mem.totalBytes,
      memoryAvailableBytes: reading.mem.availableBytes,
      swapTotalBytes: reading.mem.swapTotalBytes,
      machine: this.machine ??= readMachineInfo(this.deps),
      ...reading.load,
      containersRunning,
      containersFailed,
      agent: { ...this.deps.agentUsage(), sampleDurationSeconds, sampleStride },
    };
  }

  /**
   * The host's namespaces are those of pid 1; without the right to read them (not root) the
   * agent's own stand in, which is the same on a normal host.
   */
  private readHostNamespaces(): NamespaceInodes {
    const { procRoot } = this.deps;
    try {
      return readNamespaceInodes(procRoot, 1) ?? readNamespaceInodes(procRoot, 'self') ?? new Map();
    } catch {
      return readNamespaceInodes(procRoot, 'self') ?? new Map();
    }
  }
}
