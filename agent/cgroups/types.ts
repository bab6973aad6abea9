// One interface for cgroup v1, v2 and hybrid (youki's split): the runtime and the sampler never
// branch on the version. All paths to /sys/fs/cgroup and /proc are parameters so the same code
// runs against fixture trees in unit tests.

export type CgroupVersion = 'v1' | 'v2' | 'hybrid';

export interface DeviceRule { allow: boolean; type: 'a' | 'c' | 'b'; major: number; minor: number; access: string } // -1 = '*'

/** One block device's limits (bytes or operations per second; 0 = not limited). */
export interface IoThrottle { major: number; minor: number; readBps: number; writeBps: number; readIops: number; writeIops: number }

export interface CgroupResources {
  memoryBytes?: number;        // 0 = unlimited
  memorySwapBytes?: number;    // memory + swap (v1 memsw semantics); -1 = unlimited swap
  memoryReservationBytes?: number; // soft limit: v1 memory.soft_limit_in_bytes, v2 memory.low; 0 = none
  memorySwappiness?: number;   // v1 memory.swappiness 0..100; v2 has no such file (refused); absent = the parent's
  oomKillDisable?: boolean;    // v1 memory.oom_control 1: at the limit tasks wait for memory instead of being killed; v2 has no switch (refused)
  cpuQuotaUs?: number;         // 0 = no quota
  cpuPeriodUs?: number;        // default 100000
  cpuBurstUs?: number;         // CFS burst, ≤ the quota: v1 cpu.cfs_burst_us, v2 cpu.max.burst (Linux ≥ 5.14); 0 = none
  cpuShares?: number;          // v1 shares 2..262144; v2 converted to cpu.weight
  cpusetCpus?: string;
  cpusetMems?: string;
  pidsLimit?: number;          // 0 = unlimited
  blkioWeight?: number;        // 10..1000; v2 io.weight / io.bfq.weight
  ioThrottles?: IoThrottle[];  // v1 blkio.throttle.{read,write}_{bps,iops}_device; v2 io.max
  devices?: DeviceRule[];      // v1 devices.allow/deny; v2 an eBPF device program (needs a loader, else a logged gap)
}

/** Version-neutral counters of one cgroup. Absent = this cgroup version/kernel has no such figure. */
export interface CgroupStats {
  cpu: {
    usageNs: number; userNs: number; systemNs: number;
    periods: number; throttledPeriods: number; throttledNs: number;
    burstPeriods: number; burstNs: number; // cpu.stat nr_bursts, burst_time (v1) / burst_usec (v2); 0 before Linux 5.14
    perCpuNs?: number[];        // v1 only (cpuacct.usage_percpu)
  };
  memory: {
    usageBytes: number; workingSetBytes: number; inactiveFileBytes: number; activeFileBytes: number; rssBytes: number; cacheBytes: number;
    swapBytes: number; mappedFileBytes: number; maxUsageBytes: number; failcnt: number;
    kernelBytes: number;        // v1 memory.kmem.usage_in_bytes; v2 memory.stat kernel (Linux ≥ 5.18, else 0)
    fileDirtyBytes: number; fileWritebackBytes: number;
    workingsetRefaultAnon: number; workingsetRefaultFile: number; // pages; Linux ≥ 5.9, else 0
    limitBytes: number;         // 0 = unlimited
    swapLimitBytes: number;     // 0 = unlimited
    reservationBytes: number;
    pgfault: number; pgmajfault: number;
    pgscan?: number; pgsteal?: number;         // v2 only: memory.stat
    highEvents?: number; maxEvents?: number;   // v2 only: memory.events high, max
    oomEvents: number;          // v1 memory.oom_control oom_kill; v2 memory.events oom
    oomKills: number;
    underOom: boolean;          // v1 memory.oom_control under_oom: at the limit with the OOM killer off, tasks waiting for memory; v2 never
  };
  pids: { current: number; limit: number };  // limit 0 = unlimited
  io: {
    readBytes: number; writeBytes: number; reads: number; writes: number; // summed over devices
    /** Per device; a read that saw them move replaces the array (samples in the history share it), named by the sampler at once. */
    devices: readonly IoDevice[];
  };
  spec: { cpuQuotaUs: number; cpuPeriodUs: number; cpuShares: number };
  pressure?: { cpu?: PressureStat; memory?: PressureStat; io?: PressureStat };
}

/** One block device's I/O counters; `name` is /dev/<name> from /proc/partitions, else "<major>:<minor>". */
export interface IoDevice { major: number; minor: number; name: string; readBytes: number; writeBytes: number; reads: number; writes: number }

export interface PressureStat { someTotalUs: number; fullTotalUs: number }

/**
 * Which figures one read refreshes (cgroups/stats.ts says which file belongs where):
 * `cpu` the usage probe, `active` what moves only while tasks run, `memoryStat` the memory.stat
 * breakdown, `full` the rest.
 */
export type StatsPart = 'cpu' | 'active' | 'memoryStat' | 'full';

/** Keeps the stat files of one cgroup open and re-reads them at offset 0 (no open/close per sample). */
export interface CgroupStatsReader {
  /**
   * Refreshes the figures of `part` in `into`, leaving the others as they were. False when the
   * cgroup is gone (ENOENT/ENODEV): an expected branch, not an error.
   */
  read(part: StatsPart, into: CgroupStats): boolean;
  /** True when berth changed the cgroup's settings since the last `full` read (limits are `full` figures). */
  settingsChanged(): boolean;
  close(): void;
}

export interface CgroupManager {
  readonly version: CgroupVersion;
  /** The parent under which every berth cgroup lives, e.g. "berth". */
  readonly parent: string;
  /** Path of a container's cgroup relative to the hierarchy root, e.g. "/berth/<name>". */
  path(name: string): string;
  /** Creates the cgroup (in every hierarchy) and applies the resources; removes what it made on failure. */
  create(name: string, resources: CgroupResources): Promise<void>;
  /** The cgroup.procs files the shim writes the init pid into, before user code runs. */
  procsFiles(name: string): string[];
  update(name: string, resources: CgroupResources): Promise<void>;
  freeze(name: string): Promise<void>;
  thaw(name: string): Promise<void>;
  /** SIGKILLs every process (cgroup.kill where present); resolves when the cgroup is empty. */
  killAll(name: string): Promise<void>;
  pids(name: string): Promise<number[]>;
  /** Removes the cgroup from every hierarchy; a missing one is fine. */
  destroy(name: string): Promise<void>;
  /** Names of existing cgroups under the parent (for garbage collection after a crash). */
  list(): Promise<string[]>;
  statsReader(name: string): CgroupStatsReader;
  /**
   * Called by the sampler before a batch of statsReader probes: lets the kernel sum every
   * container's pending counters in one pass rather than one per container (v2: subtree-flush.ts).
   * Absent where there is nothing to batch (v1 reads its counters directly).
   */
  flushStats?(): void;
}
