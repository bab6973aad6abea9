// Synthetic container views shaped like a cgroup v1 host's real ones, for the /metrics render
// benchmark and the renderer's equivalence test: 64-hex ids, cumulative counters that grow per
// tick, cpu times that are not integers once divided by 1e9, page-multiple byte counts, a CFS
// quota (so the cfs series exist), pressure (hybrid: PSI from the cgroup2 mount), 4 interfaces (lo + 3,
// as a container sharing this VM's host netns sees) and 8 namespaces.
// Deterministic: a seeded PRNG, so two runs render the same text.
import type { ContainerInfo } from '../../agent/runtime/types.js';
import type { ContainerView } from '../../agent/metrics/index.js';
import type { ContainerSample, HostSample, NamespaceSample } from '../../agent/sampler/types.js';
import { FAKE_MACHINE } from './samples.js';

const NAMESPACE_TYPES: NamespaceSample['type'][] = ['cgroup', 'ipc', 'mnt', 'net', 'pid', 'user', 'uts', 'time'];
const INTERFACES = ['lo', 'eth0', 'ifb0', 'ifb1'];
const BASE_TIME_MS = 1_763_900_000_000;

/** mulberry32: small, fast, good enough for synthetic figures. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A stable, per-container base for the counters; `tick` moves them forward. */
function counters(rand: () => number, tick: number) {
  const int = (max: number) => Math.floor(rand() * max);
  return {
    usageNs: int(5e12) + tick * int(1e9),
    userTicks: int(2e5) + tick * int(100),
    systemTicks: int(1e5) + tick * int(100),
    periods: int(1e6) + tick * 10,
    throttled: int(1e4) + tick,
    throttledNs: int(1e11) + tick * int(1e7),
    pages: () => int(65536) * 4096,
    bytes: () => int(1e10) + tick * int(1e6),
    small: () => int(1000),
  };
}

/** Like the sampler, which keeps a container's namespace list until it re-reads the links. */
const namespaceLists = new Map<number, NamespaceSample[]>();
function namespacesOf(index: number): NamespaceSample[] {
  let list = namespaceLists.get(index);
  if (!list) {
    list = NAMESPACE_TYPES.map((type, i) => ({ type, inode: 4026531835 + i * 1000 + (index % 997), hostShared: type === 'net' }));
    namespaceLists.set(index, list);
  }
  return list;
}

/** The host's one disk (this VM's vda), which every container wrote to. */
function ioOfOneDevice(readBytes: number, writeBytes: number, reads: number, writes: number): ContainerSample['stats']['io'] {
  return { readBytes, writeBytes, reads, writes, devices: [{ major: 254, minor: 0, name: '/dev/vda', readBytes, writeBytes, reads, writes }] };
}

export function syntheticSample(index: number, tick: number): ContainerSample {
  const rand = seededRandom(index * 7919 + tick);
  const c = counters(rand, tick);
  const id = (index.toString(16).padStart(8, '0') + 'a1b2c3d4'.repeat(7)).slice(0, 64);
  return {
    id, name: `web-${index}`, image: 'registry.example.com/team/web:1.4.2', cgroup: `/berth/${id}`,
    time: BASE_TIME_MS + tick * 1000 + Math.floor(rand() * 1000),
    stats: {
      // v1 cpuacct.stat counts USER_HZ ticks (1/100 s): user/system are whole hundredths.
      cpu: { usageNs: c.usageNs, userNs: c.userTicks * 1e7, systemNs: c.systemTicks * 1e7, periods: c.periods,
        throttledPeriods: c.throttled, throttledNs: c.throttledNs, burstPeriods: 0, burstNs: 0 },
      memory: {
        usageBytes: c.pages(), workingSetBytes: c.pages(), inactiveFileBytes: c.pages(), activeFileBytes: c.pages(), rssBytes: c.pages(),
        cacheBytes: c.pages(), swapBytes: 0, mappedFileBytes: c.pages(), maxUsageBytes: c.pages(), failcnt: c.small(), kernelBytes: c.pages(),
        fileDirtyBytes: c.pages(), fileWritebackBytes: 0, workingsetRefaultAnon: c.small(), workingsetRefaultFile: c.bytes(), limitBytes: 256 * 2 ** 20,
        swapLimitBytes: 512 * 2 ** 20, reservationBytes: 0, pgfault: c.bytes(), pgmajfault: c.small(), oomEvents: 0, oomKills: 0, underOom: false,
      },
      pids: { current: c.small(), limit: 100 },
      io: ioOfOneDevice(c.bytes(), c.bytes(), c.small(), c.small()),
      spec: { cpuQuotaUs: 50000, cpuPeriodUs: 100000, cpuShares: 1024 },
      pressure: {
        cpu: { someTotalUs: c.bytes(), fullTotalUs: c.bytes() },
        memory: { someTotalUs: c.small(), fullTotalUs: 0 },
        io: { someTotalUs: c.bytes(), fullTotalUs: c.bytes() },
      },
    },
    cpu: { cores: rand(), percent: rand() * 100, throttledRatio: rand() },
    network: INTERFACES.map((name) => ({
      name, rxBytes: c.bytes(), rxPackets: c.bytes(), rxErrors: c.small(), rxDropped: c.small(),
      txBytes: c.bytes(), txPackets: c.bytes(), txErrors: c.small(), txDropped: c.small(),
    })),
    processes: 1 + c.small(), threads: 1 + c.small(),
    namespaces: namespacesOf(index),
  };
}

export function syntheticInfo(sample: ContainerSample, index: number): ContainerInfo {
  return {
    id: sample.id, name: sample.name, status: 'running', pid: 4242, shimPid: 4241, createdAt: '2026-11-23T10:00:00.000Z',
    startedAt: new Date(BASE_TIME_MS - 3_600_000 + index * 1237).toISOString(), cgroup: sample.cgroup,
    stateDir: `/var/lib/berth/containers/${sample.id}`, spec: { image: sample.image } as ContainerInfo['spec'],
  };
}

/** `count` containers' views as of `tick`: the same containers every tick, with counters moved on. */
export function syntheticViews(count: number, tick: number): ContainerView[] {
  return Array.from({ length: count }, (_, i) => {
    const sample = syntheticSample(i, tick);
    return { sample, info: syntheticInfo(sample, i) };
  });
}

export function syntheticHost(tick: number, containers: number): HostSample {
  return {
    time: BASE_TIME_MS + tick * 1000, cpuCores: 2, cpuPercent: 37.5, memoryTotalBytes: 8 * 2 ** 30, memoryAvailableBytes: 3 * 2 ** 30,
    swapTotalBytes: 2 * 2 ** 30, machine: FAKE_MACHINE, load1: 0.7, load5: 0.5, load15: 0.4, containersRunning: containers, containersFailed: 0,
    agent: { cpuSecondsTotal: 12.34 + tick * 0.01, rssBytes: 96 * 2 ** 20, sampleDurationSeconds: 0.031, sampleStride: 1 },
  };
}
