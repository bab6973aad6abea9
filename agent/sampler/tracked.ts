// Everything the sampler keeps open for one container between ticks: the cgroup stats reader,
// cgroup.procs, /proc/<pid>/net/dev, the namespace inodes and the previous CPU mark. Closed
// when the container leaves, never per tick.
import type { CgroupStatsReader } from '../cgroups/types.js';
import type { ContainerInfo } from '../runtime/types.js';
import type { CpuMark } from './derive.js';
import { compareWithHost, readNamespaceInodes, type NamespaceInodes } from './namespaces.js';
import { parseNetDev } from './network.js';
import { OpenFile, type ScratchBuffer } from './open-file.js';
import { ProcessCounter } from './processes.js';
import type { InterfaceSample, NamespaceSample } from './types.js';

export class TrackedContainer {
  prev: CpuMark | undefined;
  lastError = '';
  closed = false;
  private netDev: OpenFile | null = null;
  private netPid = 0;
  private nsPid = 0;
  private nsReadAtTick = -Infinity;
  private namespaceList: NamespaceSample[] = [];

  constructor(
    public info: ContainerInfo,
    readonly stats: CgroupStatsReader,
    readonly processes: ProcessCounter | null,
    private readonly procRoot: string,
  ) {}

  /** Interfaces of the container's netns; [] when its init is gone. */
  network(scratch: ScratchBuffer): InterfaceSample[] {
    const pid = this.info.pid;
    if (pid !== this.netPid) {
      this.netDev?.close();
      this.netDev = pid > 0 ? OpenFile.open(`${this.procRoot}/${pid}/net/dev`) : null;
      this.netPid = pid;
    }
    if (!this.netDev) return [];
    const n = this.netDev.read(scratch);
    return n < 0 ? [] : parseNetDev(scratch.text(n));
  }

  /**
   * Namespaces of init, re-read when the pid changes or every `refreshTicks` ticks: they only
   * change through setns/unshare by init itself, so eight readlinks per container per second
   * would be pure overhead.
   */
  namespaces(tick: number, refreshTicks: number, host: NamespaceInodes): NamespaceSample[] {
    const pid = this.info.pid;
    if (pid === this.nsPid && tick - this.nsReadAtTick < refreshTicks) return this.namespaceList;
    const inodes = pid > 0 ? readNamespaceInodes(this.procRoot, pid) : null;
    this.namespaceList = inodes ? compareWithHost(inodes, host) : [];
    this.nsPid = pid;
    this.nsReadAtTick = tick;
    return this.namespaceList;
  }

  close(): void {
    this.closed = true;
    this.stats.close();
    this.processes?.close();
    this.netDev?.close();
  }
}
