// The exported series as a table, like cAdvisor's containerMetrics: one row per family, reading
// only the snapshot. Names, help texts and semantics follow cAdvisor (REFERENCE.md §3.1-3.2);
// what cAdvisor lacks is berth_*.
//
// Decisions (documented here because the rows are where they show):
// - container_cpu_usage_seconds_total carries only cpu="total", on v1 too: cAdvisor's v1 per-CPU
//   series multiply cardinality by the core count (google/cadvisor#1513) and every common query
//   sums them anyway; the same query now works on both cgroup versions.
// - container_fs_* and container_blkio_device_usage_total carry `device` = /dev/<name> as in
//   /proc/partitions, or "<major>:<minor>" for a device without a name there (cAdvisor leaves it
//   empty, and two such devices would then be one series twice: Prometheus drops the scrape).
//   Operations are Read and Write, the two both cgroup versions count (v1's Sync/Async/Total are not there on v2).
// - Figures a cgroup version lacks have no series there (pgscan, pgsteal, memory.events on v1),
//   where cAdvisor exports 0.
// - container_memory_failcnt is typed gauge: cAdvisor types it counter, which promtool rejects
//   for a name without _total; PromQL treats both alike.
// - container_last_seen is the sample's time, not the scrape's: it says when berth last saw it.
import type { IoDevice } from '../cgroups/types.js';
import type { ContainerInfo } from '../runtime/types.js';
import type { ContainerSample, HostSample, NamespaceSample } from '../sampler/types.js';
import { blkioLabel, CPU_TOTAL, deviceLabel, HEALTH_LABELS, interfaceLabel, namespaceLabel, type BlkioOperation } from './series-labels.js';
import { encodeText, type EncodedText } from './text-buffer.js';

export type MetricType = 'counter' | 'gauge';

/** What a container row reads: its latest sample and the runtime's record (start time). */
export interface ContainerView { sample: ContainerSample; info: ContainerInfo | undefined }

/**
 * Emits one series; `extra` is its labels after the container's (`cpu="total"`), escaped and
 * encoded once, not per scrape: they rarely change between ticks.
 */
export type Emit = (value: number, extra?: EncodedText) => void;

/** `container` = id,name,image (cAdvisor's); `idName` = id,name (the namespace info series). */
export type BaseLabels = 'container' | 'idName';

export interface ContainerRow {
  name: string; help: string; type: MetricType; base: BaseLabels;
  series(view: ContainerView, emit: Emit): void;
}

/** `machine`: the series carries cAdvisor's machine labels (boot_id, machine_id, system_uuid). */
export interface HostRow { name: string; help: string; type: MetricType; value(host: HostSample): number; machine?: boolean }

const NS = 1e9;
const US = 1e6;

function row(type: MetricType, name: string, help: string, value: (s: ContainerSample) => number | undefined): ContainerRow {
  return {
    name, help, type, base: 'container',
    series(view, emit) {
      const v = value(view.sample);
      if (v !== undefined) emit(v);
    },
  };
}
const counter = (name: string, help: string, value: (s: ContainerSample) => number | undefined) => row('counter', name, help, value);
const gauge = (name: string, help: string, value: (s: ContainerSample) => number | undefined) => row('gauge', name, help, value);

/** Only when a CFS quota is set, like cAdvisor. */
const withQuota = (s: ContainerSample, v: number): number | undefined => (s.stats.spec.cpuQuotaUs > 0 ? v : undefined);

type Iface = ContainerSample['network'][number];

/** cAdvisor leaves lo out of the network series (the sample keeps it). */
function network(name: string, help: string, value: (i: Iface) => number): ContainerRow {
  return {
    name, help, type: 'counter', base: 'container',
    series(view, emit) {
      for (const itf of view.sample.network) {
        if (itf.name !== 'lo') emit(value(itf), interfaceLabel(itf.name));
      }
    },
  };
}

/**
 * cAdvisor's four page fault series. `scope="container"` counts the cgroup's own tasks, `hierarchy`
 * its descendants' too; a berth container's cgroup has none (it cannot write the cgroup tree), so
 * both carry the hierarchical count that v1 (total_pgfault) and v2 (pgfault) give.
 */
const MEMORY_FAILURES = (['pgfault', 'pgmajfault'] as const).flatMap((type) => (['container', 'hierarchy'] as const).map((scope) =>
  ({ major: type === 'pgmajfault', labels: encodeText(`failure_type="${type}",scope="${scope}"`) })));

/** One series per block device, `device` labelled; none for a container that did no I/O yet (as cAdvisor). */
function perDevice(name: string, help: string, value: (d: IoDevice) => number): ContainerRow {
  return {
    name, help, type: 'counter', base: 'container',
    series(view, emit) {
      for (const d of view.sample.stats.io.devices) emit(value(d), deviceLabel(d));
    },
  };
}

const BLKIO_OPERATIONS: readonly [BlkioOperation, (d: IoDevice) => number][] = [['Read', (d) => d.readBytes], ['Write', (d) => d.writeBytes]];

/** A time of the runtime's record (ISO text) as seconds since the epoch; none while it has none. */
function timeOf(name: string, help: string, time: (info: ContainerInfo) => string | undefined): ContainerRow {
  return {
    name, help, type: 'gauge', base: 'container',
    series(v, emit) {
      const text = v.info && time(v.info);
      const ms = text ? Date.parse(text) : NaN;
      if (!Number.isNaN(ms)) emit(ms / 1000);
    },
  };
}

type PressureKind = 'cpu' | 'memory' | 'io';
function pressure(kind: PressureKind, which: 'stalled' | 'waiting', help: string): ContainerRow {
  return counter(`container_pressure_${kind}_${which}_seconds_total`, help, (s) => {
    const p = s.stats.pressure?.[kind];
    if (!p) return undefined;
    return (which === 'stalled' ? p.fullTotalUs : p.someTotalUs) / US;
  });
}

export const CONTAINER_ROWS: readonly ContainerRow[] = [
  {
    name: 'container_cpu_usage_seconds_total', help: 'Cumulative cpu time consumed in seconds.', type: 'counter', base: 'container',
    series: (v, emit) => emit(v.sample.stats.cpu.usageNs / NS, CPU_TOTAL),
  },
  counter('container_cpu_user_seconds_total', 'Cumulative user cpu time consumed in seconds.', (s) => s.stats.cpu.userNs / NS),
  counter('container_cpu_system_seconds_total', 'Cumulative system cpu time consumed in seconds.', (s) => s.stats.cpu.systemNs / NS),
  counter('container_cpu_cfs_periods_total', 'Number of elapsed enforcement period intervals.', (s) => withQuota(s, s.stats.cpu.periods)),
  counter('container_cpu_cfs_throttled_periods_total', 'Number of throttled period intervals.', (s) => withQuota(s, s.stats.cpu.throttledPeriods)),
  counter('container_cpu_cfs_throttled_seconds_total', 'Total time duration the container has been throttled.', (s) => withQuota(s, s.stats.cpu.throttledNs / NS)),
  counter('container_cpu_cfs_burst_periods_total', 'Periods in which the container ran beyond its quota on saved-up burst time.',
    (s) => withQuota(s, s.stats.cpu.burstPeriods)),
  counter('container_cpu_cfs_burst_seconds_total', 'CPU time the container ran beyond its quota on burst time.', (s) => withQuota(s, s.stats.cpu.burstNs / NS)),
  gauge('container_memory_usage_bytes', 'Current memory usage in bytes, including all memory regardless of when it was accessed', (s) => s.stats.memory.usageBytes),
  gauge('container_memory_working_set_bytes', 'Current working set in bytes.', (s) => s.stats.memory.workingSetBytes),
  gauge('container_memory_rss', 'Size of RSS in bytes.', (s) => s.stats.memory.rssBytes),
  gauge('container_memory_cache', 'Number of bytes of page cache memory.', (s) => s.stats.memory.cacheBytes),
  gauge('container_memory_swap', 'Container swap usage in bytes.', (s) => s.stats.memory.swapBytes),
  gauge('container_memory_mapped_file', 'Size of memory mapped files in bytes.', (s) => s.stats.memory.mappedFileBytes),
  gauge('container_memory_max_usage_bytes', 'Maximum memory usage recorded in bytes', (s) => s.stats.memory.maxUsageBytes),
  gauge('container_memory_failcnt', 'Number of memory usage hits limits', (s) => s.stats.memory.failcnt),
  gauge('container_memory_kernel_usage', 'Kernel memory charged to the container in bytes.', (s) => s.stats.memory.kernelBytes),
  gauge('container_memory_total_active_file_bytes', 'File cache on the active LRU list in bytes.', (s) => s.stats.memory.activeFileBytes),
  gauge('container_memory_total_inactive_file_bytes', 'File cache on the inactive LRU list (first to be reclaimed) in bytes.',
    (s) => s.stats.memory.inactiveFileBytes),
  gauge('container_memory_file_dirty_bytes', 'File cache modified and not yet written back, in bytes.', (s) => s.stats.memory.fileDirtyBytes),
  gauge('container_memory_file_writeback_bytes', 'File cache being written back now, in bytes.', (s) => s.stats.memory.fileWritebackBytes),
  counter('container_memory_workingset_refault_anon_total', 'Anonymous pages faulted back in after being evicted.',
    (s) => s.stats.memory.workingsetRefaultAnon),
  counter('container_memory_workingset_refault_file_total', 'File pages faulted back in after being evicted.', (s) => s.stats.memory.workingsetRefaultFile),
  counter('container_memory_pgscan_total', 'Pages scanned by reclaim (cgroup v2).', (s) => s.stats.memory.pgscan),
  counter('container_memory_pgsteal_total', 'Pages reclaimed (cgroup v2).', (s) => s.stats.memory.pgsteal),
  counter('container_memory_events_high_total', 'Times usage went over memory.high and the container was throttled (cgroup v2).',
    (s) => s.stats.memory.highEvents),
  counter('container_memory_events_max_total', 'Times usage hit memory.max (cgroup v2).', (s) => s.stats.memory.maxEvents),
  {
    name: 'container_memory_failures_total', help: 'Cumulative count of memory allocation failures.', type: 'counter', base: 'container',
    series(v, emit) {
      const m = v.sample.stats.memory;
      for (const f of MEMORY_FAILURES) emit(f.major ? m.pgmajfault : m.pgfault, f.labels);
    },
  },
  gauge('container_spec_memory_limit_bytes', 'Memory limit for the container.', (s) => s.stats.memory.limitBytes),
  gauge('container_spec_memory_swap_limit_bytes', 'Memory swap limit for the container.', (s) => s.stats.memory.swapLimitBytes),
  gauge('container_spec_memory_reservation_limit_bytes', 'Memory reservation limit for the container.', (s) => s.stats.memory.reservationBytes),
  gauge('container_spec_cpu_period', 'CPU period of the container.', (s) => s.stats.spec.cpuPeriodUs || undefined),
  gauge('container_spec_cpu_quota', 'CPU quota of the container.', (s) => s.stats.spec.cpuQuotaUs || undefined),
  gauge('container_spec_cpu_shares', 'CPU share of the container.', (s) => s.stats.spec.cpuShares),
  counter('container_oom_events_total', 'Count of out of memory events observed for the container', (s) => s.stats.memory.oomEvents),
  gauge('container_processes', 'Number of processes running inside the container.', (s) => s.processes),
  gauge('container_threads', 'Number of threads running inside the container', (s) => s.threads),
  perDevice('container_fs_reads_bytes_total', 'Cumulative count of bytes read', (d) => d.readBytes),
  perDevice('container_fs_writes_bytes_total', 'Cumulative count of bytes written', (d) => d.writeBytes),
  perDevice('container_fs_reads_total', 'Cumulative count of reads completed', (d) => d.reads),
  perDevice('container_fs_writes_total', 'Cumulative count of writes completed', (d) => d.writes),
  {
    name: 'container_blkio_device_usage_total', help: 'Bytes read from and written to each block device.', type: 'counter', base: 'container',
    series(v, emit) {
      for (const d of v.sample.stats.io.devices) for (const [op, bytes] of BLKIO_OPERATIONS) emit(bytes(d), blkioLabel(d, op));
    },
  },
  network('container_network_receive_bytes_total', 'Cumulative count of bytes received', (i) => i.rxBytes),
  network('container_network_receive_packets_total', 'Cumulative count of packets received', (i) => i.rxPackets),
  network('container_network_receive_errors_total', 'Cumulative count of errors encountered while receiving', (i) => i.rxErrors),
  network('container_network_receive_packets_dropped_total', 'Cumulative count of packets dropped while receiving', (i) => i.rxDropped),
  network('container_network_transmit_bytes_total', 'Cumulative count of bytes transmitted', (i) => i.txBytes),
  network('container_network_transmit_packets_total', 'Cumulative count of packets transmitted', (i) => i.txPackets),
  network('container_network_transmit_errors_total', 'Cumulative count of errors encountered while transmitting', (i) => i.txErrors),
  network('container_network_transmit_packets_dropped_total', 'Cumulative count of packets dropped while transmitting', (i) => i.txDropped),
  pressure('cpu', 'waiting', 'Total time duration tasks in the container have waited due to CPU congestion.'),
  pressure('cpu', 'stalled', 'Total time duration no tasks in the container could make progress due to CPU congestion.'),
  pressure('memory', 'waiting', 'Total time duration tasks in the container have waited due to memory congestion.'),
  pressure('memory', 'stalled', 'Total time duration no tasks in the container could make progress due to memory congestion.'),
  pressure('io', 'waiting', 'Total time duration tasks in the container have waited due to IO congestion.'),
  pressure('io', 'stalled', 'Total time duration no tasks in the container could make progress due to IO congestion.'),
  gauge('container_last_seen', 'Last time a container was seen by the exporter', (s) => s.time / 1000),
  timeOf('container_creation_time_seconds', 'Creation time of the container since unix epoch in seconds.', (info) => info.createdAt),
  timeOf('container_start_time_seconds', 'Start time of the container since unix epoch in seconds.', (info) => info.startedAt),
  gauge('berth_container_pids_limit', 'Maximum number of tasks in the container (pids.max); 0 = unlimited.', (s) => s.stats.pids.limit),
  counter('berth_container_oom_kills_total', 'Processes of the container killed by the OOM killer.', (s) => s.stats.memory.oomKills),
  {
    // One series per status, 1 for the current one (kube-state-metrics' style): alert on
    // `berth_container_health_status{status="unhealthy"} == 1`. Only containers with a healthcheck.
    name: 'berth_container_health_status', help: 'Healthcheck status of the container: 1 for the current one of starting, healthy, unhealthy.',
    type: 'gauge', base: 'container',
    series(v, emit) {
      const status = v.info?.health?.status;
      if (status) for (const [s, label] of HEALTH_LABELS) emit(s === status ? 1 : 0, label);
    },
  },
  {
    name: 'berth_container_namespace_info', help: 'Namespaces of the container\'s init process; host_shared="true" when it is the host\'s.',
    type: 'gauge', base: 'idName',
    series(v, emit) {
      for (const ns of v.sample.namespaces) emit(1, namespaceLabel(ns));
    },
  },
];

export const HOST_ROWS: readonly HostRow[] = [
  { name: 'machine_cpu_cores', help: 'Number of logical CPU cores.', type: 'gauge', value: (h) => h.cpuCores, machine: true },
  { name: 'machine_cpu_physical_cores', help: 'Number of physical CPU cores.', type: 'gauge', value: (h) => h.machine.physicalCores, machine: true },
  { name: 'machine_cpu_sockets', help: 'Number of CPU sockets.', type: 'gauge', value: (h) => h.machine.sockets, machine: true },
  { name: 'machine_memory_bytes', help: 'Amount of memory installed on the machine.', type: 'gauge', value: (h) => h.memoryTotalBytes, machine: true },
  { name: 'machine_swap_bytes', help: 'Amount of swap memory available on the machine.', type: 'gauge', value: (h) => h.swapTotalBytes, machine: true },
  { name: 'berth_containers_running', help: 'Containers sampled in the latest tick.', type: 'gauge', value: (h) => h.containersRunning },
  // cAdvisor's: 1 when reading some container failed; berth's count says how many (the agent's log says why).
  { name: 'container_scrape_error', help: '1 if there was an error while getting container metrics, 0 otherwise', type: 'gauge', value: (h) => (h.containersFailed > 0 ? 1 : 0) },
  { name: 'berth_containers_failed', help: 'Containers whose reading failed in the latest tick; their series keep their last values.', type: 'gauge', value: (h) => h.containersFailed },
  { name: 'berth_agent_cpu_seconds_total', help: 'CPU time used by the berth agent process.', type: 'counter', value: (h) => h.agent.cpuSecondsTotal },
  { name: 'berth_agent_resident_memory_bytes', help: 'Resident memory of the berth agent process.', type: 'gauge', value: (h) => h.agent.rssBytes },
];
