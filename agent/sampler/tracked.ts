// Everything the sampler keeps for one container between ticks: the cgroup stats reader and the
// figures it last read, cgroup.procs, /proc/<pid>/net/dev, the namespace inodes, and where the
// container stands in the read cadence (cadence.ts). Closed when the container leaves, never per tick.
import { emptyStats } from '../cgroups/index.js';
import type { CgroupStats, CgroupStatsReader } from '../cgroups/types.js';
import type { ContainerInfo } from '../runtime/types.js';
import { ReadCadence } from './cadence.js';
import type { CpuMark } from './derive.js';
import { compareWithHost, readNamespaceInodes, type NamespaceInodes } from './namespaces.js';
import { parseNetDev } from './network.js';
import { OpenFile, type ScratchBuffer } from './open-file.js';
import { ProcessCounter } from './processes.js';
import type { ContainerSample, InterfaceSample, NamespaceSample } from './types.js';

/**
 * What a tick's hot reads found: the cgroup gone, nothing moved, CPU usage moved but the rest waits
 * for the container's turn (budget.ts), or figures read.
 */
export type HotRead = 'gone' | 'idle' | 'cpu' | 'read';

export class TrackedContainer {
  /** The CPU figures and monotonic time of the previous tick, updated in place every tick. */
  readonly prev: CpuMark = { monoMs: NaN, usageNs: 0, periods: 0, throttledPeriods: 0 };
  /** The last sample: shared again, with a new time, when nothing moved since. */
  last: ContainerSample | undefined;
  lastError = '';
  closed = false;
  /** The sampler's last sync of the runtime's list that listed this container. */
  listedAtSync = 0;
  /** The figures as last read; each read refreshes only its part (cgroups/stats.ts). */
  readonly current: CgroupStats = emptyStats();
  readonly cadence: ReadCadence;
  /** What this tick's hot reads (readHot) found, or the error of the one that failed. */
  hot: HotRead | Error = 'gone';
  /** Whether this tick reads everything (cadence.ts), as decided by readHot. */
  fullRead = false;
  /** pids.current before this tick's active read. */
  pidsBefore = 0;
  private usageBefore = 0;
  processCount = 0;
  threadCount = 0;
  interfaces: InterfaceSample[] = [];
  /**
   * The last read of the netns found lo alone (a container's own netns, berth's default): its
   * counters count traffic between the container's own tasks, which cAdvisor's series leave out,
   * so they are read at full reads only (cadence.ts).
   */
  private loopbackOnly = false;
  private netDev: OpenFile | null = null;
  private netPid = 0;
  private nsPid = 0;
  private nsReadAtTick = -Infinity;
  private ranSinceNamespaces = false;
  private namespaceList: NamespaceSample[] = [];
  private hostNet = false;

  constructor(
    public info: ContainerInfo,
    readonly reader: CgroupStatsReader,
    readonly processes: ProcessCounter | null,
    private readonly procRoot: string,
    cadencePhase: number,
    cadenceTurn: number,
  ) {
    this.cadence = new ReadCadence(cadencePhase, cadenceTurn);
  }

  /**
   * This tick's reads of the files read on most ticks: the CPU usage probe and, when a full read
   * is due or the container ran (on its turn, at a stride over 1), the `active` part (memory usage,
   * pids, v1 throttling).
   */
  readHot(fullEvery: number, tick: number, stride: number): void {
    const { current, reader } = this;
    this.usageBefore = current.cpu.usageNs;
    this.pidsBefore = current.pids.current;
    try {
      if (!reader.read('cpu', current)) { this.hot = 'gone'; return; }
      const ran = this.ran;
      this.fullRead = this.cadence.fullTurn(fullEvery * stride, ran, reader.settingsChanged());
      if (this.fullRead || this.cadence.activeTurn(tick, stride, ran)) this.hot = reader.read('active', current) ? 'read' : 'gone';
      else this.hot = ran ? 'cpu' : 'idle'; // idle: no task ran, nothing else moved
    } catch (err) {
      this.hot = err instanceof Error ? err : new Error(String(err));
    }
  }

  /** Whether a task of the container ran between the last two probes (its CPU usage moved). */
  get ran(): boolean {
    return this.current.cpu.usageNs !== this.usageBefore;
  }

  /** Whether the network counters are due on a tick that is not a full read and at which the container ran. */
  get networkDue(): boolean {
    return !this.loopbackOnly || this.info.pid !== this.netPid; // a new init: its own netns, perhaps not lo alone
  }

  /**
   * Init is in the host's netns (`--network host`), by the namespaces read for this very init and
   * the net/dev opened for it: its counters are the host's, the same for every such container.
   */
  get inHostNetns(): boolean {
    const pid = this.info.pid;
    return this.hostNet && this.nsPid === pid && this.netPid === pid;
  }

  /** Re-reads the interfaces of the container's netns; false (and []) when its init is gone. */
  readNetwork(scratch: ScratchBuffer): boolean {
    const pid = this.info.pid;
    if (pid !== this.netPid) {
      this.netDev?.close();
      this.netDev = pid > 0 ? OpenFile.open(`${this.procRoot}/${pid}/net/dev`) : null;
      this.netPid = pid;
    }
    const n = this.netDev ? this.netDev.read(scratch) : -1;
    this.setInterfaces(n < 0 ? [] : parseNetDev(scratch.text(n)));
    return n >= 0;
  }

  /** The interfaces of the netns as read this tick, by this container or another one in the same netns. */
  setInterfaces(interfaces: InterfaceSample[]): void {
    this.interfaces = interfaces;
    this.loopbackOnly = interfaces.length === 1 && interfaces[0].name === 'lo';
  }

  /**
   * Namespaces of init, re-read when the pid changes, or every `refreshTicks` ticks if the
   * container ran since the last read: they change only through setns/unshare by init itself, so
   * a container none of whose tasks ran has the same ones (and eight readlinks per container per
   * second would be pure overhead).
   */
  namespaces(tick: number, refreshTicks: number, host: NamespaceInodes): NamespaceSample[] {
    const pid = this.info.pid;
    this.ranSinceNamespaces ||= this.ran;
    if (pid === this.nsPid && !(this.ranSinceNamespaces && tick - this.nsReadAtTick >= refreshTicks)) return this.namespaceList;
    const inodes = pid > 0 ? readNamespaceInodes(this.procRoot, pid) : null;
    this.namespaceList = inodes ? compareWithHost(inodes, host) : [];
    this.hostNet = this.namespaceList.some((ns) => ns.type === 'net' && ns.hostShared);
    this.nsPid = pid;
    this.nsReadAtTick = tick;
    this.ranSinceNamespaces = false;
    return this.namespaceList;
  }

  close(): void {
    this.closed = true;
    this.reader.close();
    this.processes?.close();
    this.netDev?.close();
  }
}
