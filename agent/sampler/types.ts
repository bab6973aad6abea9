// The version-neutral sample the sampler stores per container; /metrics, the streams, the runtime
// policy rules and the dashboard all read these from the snapshot store, never the kernel.
import type { MachineInfo } from './machine.js';
import type { CgroupStats } from '../cgroups/types.js';
import type { NamespaceType } from '../runtime/types.js';

export type SampledNamespace = NamespaceType | 'time';

export interface NamespaceSample { type: SampledNamespace; inode: number; hostShared: boolean }

export interface InterfaceSample {
  name: string;
  rxBytes: number; rxPackets: number; rxErrors: number; rxDropped: number;
  txBytes: number; txPackets: number; txErrors: number; txDropped: number;
}

export interface ContainerSample {
  id: string;
  name: string;
  image: string;
  cgroup: string;            // cAdvisor's `id` label: the cgroup path
  time: number;              // ms since epoch when sampled
  stats: CgroupStats;        // raw counters
  cpu: { cores: number; percent: number; throttledRatio: number }; // derived from the previous sample
  network: InterfaceSample[];
  processes: number;
  threads: number;
  namespaces: NamespaceSample[];
}

export interface HostSample {
  time: number;
  cpuCores: number;
  cpuPercent: number;          // whole host busy share, 0..100 (100 = every core busy)
  memoryTotalBytes: number;
  memoryAvailableBytes: number;
  swapTotalBytes: number;
  /** Identity and CPU topology, read once (machine.ts): the same object in every tick's sample. */
  machine: MachineInfo;
  load1: number; load5: number; load15: number;
  containersRunning: number;
  /** Containers whose read failed this tick (logged; their last sample stands, ageing, until a read works). */
  containersFailed: number;
  /** sampleStride: every how many ticks busy containers' figures beyond CPU usage were read (sampler/budget.ts). */
  agent: { cpuSecondsTotal: number; rssBytes: number; sampleDurationSeconds: number; sampleStride: number };
}

/** One sampler tick: every running container's sample plus the host's, taken together. */
export interface SampleTick { time: number; samples: ContainerSample[]; host: HostSample }

/** The latest samples plus a bounded history; the only thing /metrics, streams and runtime rules read. */
export interface SnapshotStore {
  latest(containerId: string): ContainerSample | undefined;
  /** Oldest first, at most the store's history size. */
  history(containerId: string, limit?: number): ContainerSample[];
  all(): ContainerSample[];
  host(): HostSample | undefined;
  hostHistory(limit?: number): HostSample[];
  /** Called synchronously after each tick is stored; returns an unsubscribe function. */
  subscribe(listener: (tick: SampleTick) => void): () => void;
}
