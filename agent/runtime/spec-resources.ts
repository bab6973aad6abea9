// Validation of `resources` with Docker's limits (docker/cli run.md, moby daemon_unix.go
// verifyContainerResources).
import { MIN_MEMORY_BYTES } from './defaults.js';
import { validateIoLimits } from './io-limits.js';
import { cpuQuotaUs } from './resources.js';
import type { ResourcesSpec } from './types.js';
import { boolean, dropUndefined, integer, invalid, join, noUnknownKeys, object, optional, shown, string, type Obj } from './spec-check.js';

const KNOWN = ['memoryBytes', 'memorySwapBytes', 'memoryReservationBytes', 'memorySwappiness', 'oomKillDisable', 'cpus', 'cpuPeriodUs', 'cpuBurstUs', 'cpuShares', 'cpusetCpus', 'cpusetMems', 'pidsLimit', 'blkioWeight', 'ioLimits'];
const MIB = 1024 * 1024;

/** "0-2,5" → [0,1,2,5]; throws a plain Error describing the syntax problem. */
export function parseCpuList(list: string): number[] {
  const out: number[] = [];
  for (const part of list.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) throw new Error(`"${part}" is not N or N-M`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from) throw new Error(`range "${part}" ends before it starts`);
    for (let n = from; n <= to; n++) out.push(n);
  }
  return out;
}

export function validateResources(value: unknown, field: string, hostCpus: number): ResourcesSpec {
  const obj = object(value, field);
  noUnknownKeys(obj, KNOWN, field);
  const out: ResourcesSpec = {
    memoryBytes: optional(obj, 'memoryBytes', field, memory('limit')),
    memorySwapBytes: optional(obj, 'memorySwapBytes', field, (v, f) => integer(v, f, -1)),
    memoryReservationBytes: optional(obj, 'memoryReservationBytes', field, memory('reservation')),
    memorySwappiness: optional(obj, 'memorySwappiness', field, (v, f) => integer(v, f, -1, 100)),
    oomKillDisable: optional(obj, 'oomKillDisable', field, boolean),
    cpus: optional(obj, 'cpus', field, (v, f) => cpus(v, f, hostCpus)),
    cpuPeriodUs: optional(obj, 'cpuPeriodUs', field, (v, f) => zeroOr(v, f, 1000, 1_000_000)),
    cpuBurstUs: optional(obj, 'cpuBurstUs', field, (v, f) => integer(v, f, 0)),
    cpuShares: optional(obj, 'cpuShares', field, (v, f) => zeroOr(v, f, 2, 262144)),
    cpusetCpus: optional(obj, 'cpusetCpus', field, (v, f) => cpuset(v, f, hostCpus)),
    cpusetMems: optional(obj, 'cpusetMems', field, (v, f) => cpuset(v, f)),
    pidsLimit: optional(obj, 'pidsLimit', field, (v, f) => integer(v, f, -1)),
    blkioWeight: optional(obj, 'blkioWeight', field, (v, f) => zeroOr(v, f, 10, 1000)),
    ioLimits: optional(obj, 'ioLimits', field, validateIoLimits),
  };
  checkSwap(obj, out, field);
  checkReservation(out, field);
  checkBurst(out, field);
  return dropUndefined(out);
}

/** The kernel's rule: a burst is spent from quota, so it needs one and cannot exceed it. */
function checkBurst(out: ResourcesSpec, field: string): void {
  const burst = out.cpuBurstUs ?? 0;
  if (burst === 0) return;
  const burstField = join(field, 'cpuBurstUs');
  if (!out.cpus) throw invalid(burstField, 'needs resources.cpus: a burst is quota carried over from earlier periods');
  const quota = cpuQuotaUs(out.cpus, out.cpuPeriodUs);
  if (burst > quota) throw invalid(burstField, `${burst} is above the CPU quota (${quota} µs per period, from resources.cpus): a burst must fit in the quota`);
}

/** docker: "Minimum memory limit can not be less than memory reservation limit". */
function checkReservation(out: ResourcesSpec, field: string): void {
  const reservation = out.memoryReservationBytes ?? 0;
  const limit = out.memoryBytes ?? 0;
  if (reservation > 0 && limit > 0 && reservation > limit) {
    throw invalid(join(field, 'memoryReservationBytes'), `${reservation} is above resources.memoryBytes (${limit}): a reservation must fit in the limit`);
  }
}

/** A limit or reservation: 0 (none) or at least docker's 6 MiB. */
const memory = (what: string) => (value: unknown, field: string): number => {
  const bytes = integer(value, field, 0);
  if (bytes !== 0 && bytes < MIN_MEMORY_BYTES) {
    throw invalid(field, `minimum memory ${what} is ${MIN_MEMORY_BYTES / MIB} MiB (${MIN_MEMORY_BYTES} bytes), got ${bytes}`);
  }
  return bytes;
};

function checkSwap(obj: Obj, out: ResourcesSpec, field: string): void {
  const swap = out.memorySwapBytes;
  if (swap === undefined || swap === 0) return;
  const memoryBytes = out.memoryBytes ?? 0;
  const swapField = join(field, 'memorySwapBytes');
  if (memoryBytes === 0) throw invalid(swapField, 'needs resources.memoryBytes: the swap limit is memory + swap');
  if (swap !== -1 && swap < memoryBytes) {
    throw invalid(swapField, `must be -1 (unlimited) or ≥ resources.memoryBytes (${memoryBytes}), got ${shown(obj.memorySwapBytes)}`);
  }
}

function cpus(value: unknown, field: string, hostCpus: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw invalid(field, `must be a number of CPUs > 0, got ${shown(value)}`);
  }
  // The kernel's smallest CFS quota is 1 ms of a 100 ms period.
  if (value !== 0 && (value < 0.01 || value > hostCpus)) {
    throw invalid(field, `must be between 0.01 and ${hostCpus} (the host's CPUs), got ${value}`);
  }
  return value;
}

function zeroOr(value: unknown, field: string, min: number, max: number): number {
  if (value === 0) return 0;
  return integer(value, field, min, max);
}

function cpuset(value: unknown, field: string, hostCpus?: number): string {
  const list = string(value, field);
  if (list === '') return list;
  let ids: number[];
  try {
    ids = parseCpuList(list);
  } catch (err) {
    throw invalid(field, `must be a list like "0-2,4": ${(err as Error).message}`);
  }
  const missing = hostCpus === undefined ? [] : ids.filter((n) => n >= hostCpus);
  if (missing.length > 0) throw invalid(field, `CPUs ${missing.join(',')} are not available (the host has 0-${hostCpus! - 1})`);
  return list;
}
