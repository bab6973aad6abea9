// v2 memory controller: memory.max, memory.swap.max (swap alone, not memory + swap), and stats
// from memory.current/peak/stat/events.
import { join } from 'node:path';
import { BerthError } from '../../errors.js';
import { swapMaxV2, v2Limit } from '../convert.js';
import { cgroupError, fileExists, readOptionalFile, writeCgroupFile, type CgroupWrite } from '../fsio.js';
import { flatKeyValue, parseLimit, parseNumber } from '../parse.js';
import { parseUintBytes } from '../parse-bytes.js';
import { updateWorkingSet, type StatFills } from '../stats.js';
import type { CgroupResources } from '../types.js';

export async function applyMemoryV2(dir: string, r: CgroupResources, write: CgroupWrite = writeCgroupFile): Promise<void> {
  // Refused rather than dropped (docker drops it with a warning): a limit asked for is never silently not there.
  if (r.memorySwappiness !== undefined) {
    throw new BerthError('INVALID_SPEC', 'resources.memorySwappiness: cgroup v2 has no per-cgroup swappiness (memory.swappiness is v1 only)',
      { field: 'resources.memorySwappiness' });
  }
  if (r.oomKillDisable) {
    throw new BerthError('INVALID_SPEC', 'resources.oomKillDisable: cgroup v2 cannot turn the OOM killer off for a cgroup (memory.oom_control is v1 only)',
      { field: 'resources.oomKillDisable' });
  }
  if (r.memoryBytes !== undefined) await writeMemoryMax(dir, r.memoryBytes, write);
  // runc's mapping of docker's reservation: memory.low, best-effort protection from reclaim.
  if (r.memoryReservationBytes !== undefined) await write(join(dir, 'memory.low'), String(r.memoryReservationBytes));
  if (r.memorySwapBytes === undefined) return;
  const swapFile = join(dir, 'memory.swap.max');
  if (!(await fileExists(swapFile))) {
    if (r.memorySwapBytes <= 0) return; // unlimited swap is what a kernel without swap accounting gives anyway
    throw new BerthError('CGROUP_FAILED', `write ${swapFile}: ENOENT (no swap accounting: memorySwapBytes cannot be enforced)`, { path: swapFile });
  }
  await write(swapFile, swapMaxV2(r.memoryBytes ?? 0, r.memorySwapBytes));
}

/**
 * A memory.max below what the cgroup holds: v1's kernel reclaims and refuses what it cannot free
 * (EBUSY), v2's reclaims and then OOM-kills in the cgroup. berth keeps v1's answer on both: the new
 * limit goes to memory.high first, whose write reclaims and never kills; still above it afterwards,
 * the write is refused as EBUSY, memory.high put back. (Usage may grow between that check and the
 * memory.max write; memory.high throttles the cgroup meanwhile.)
 */
async function writeMemoryMax(dir: string, bytes: number, write: CgroupWrite): Promise<void> {
  const maxFile = join(dir, 'memory.max');
  const highFile = join(dir, 'memory.high');
  const held = async () => parseNumber((await readOptionalFile(join(dir, 'memory.current'))) ?? '') || 0;
  const highNow = ((await readOptionalFile(highFile)) ?? 'max').trim();
  const high = leftByCrash(highNow, bytes) ? 'max' : highNow;
  if (bytes <= 0 || (await held()) <= bytes) {
    await write(maxFile, v2Limit(bytes));
    if (high !== highNow) await writeCgroupFile(highFile, high);
    return;
  }
  await writeCgroupFile(highFile, String(bytes));
  try {
    const stillHeld = await held();
    if (stillHeld > bytes) {
      throw cgroupError('write', maxFile, Object.assign(new Error('EBUSY'), { code: 'EBUSY' }),
        `value "${bytes}": ${stillHeld} bytes held after reclaim, an OOM kill otherwise`);
    }
    await write(maxFile, String(bytes));
  } finally {
    await writeCgroupFile(highFile, high);
  }
}

/**
 * A memory.high at the very limit being written is what the function above leaves when the agent
 * dies before its `finally`: recovery makes the same update again (runtime/recover.ts), and it was
 * max before. (The kernel keeps it in pages: it reads back rounded down to the page size, at most
 * 64 KiB.) An operator's own memory.high there would hold the container where the limit does anyway.
 */
function leftByCrash(high: string, bytes: number): boolean {
  const value = Number(high);
  return bytes > 0 && high !== 'max' && value <= bytes && bytes - value < 64 << 10;
}

export const MEMORY_V2: StatFills = {
  active: {
    file: 'memory.current',
    parse(bytes, length, s) {
      s.memory.usageBytes = parseUintBytes(bytes, 0, length);
      updateWorkingSet(s.memory);
    },
  },
  memoryStat(get, s) {
    const m = s.memory;
    const stat = get('memory.stat') ?? '';
    m.inactiveFileBytes = flatKeyValue(stat, 'inactive_file') ?? 0;
    m.activeFileBytes = flatKeyValue(stat, 'active_file') ?? 0;
    m.rssBytes = flatKeyValue(stat, 'anon') ?? 0;
    m.cacheBytes = flatKeyValue(stat, 'file') ?? 0;
    m.mappedFileBytes = flatKeyValue(stat, 'file_mapped') ?? 0;
    m.pgfault = flatKeyValue(stat, 'pgfault') ?? 0;
    m.pgmajfault = flatKeyValue(stat, 'pgmajfault') ?? 0;
    m.kernelBytes = flatKeyValue(stat, 'kernel') ?? 0;
    m.fileDirtyBytes = flatKeyValue(stat, 'file_dirty') ?? 0;
    m.fileWritebackBytes = flatKeyValue(stat, 'file_writeback') ?? 0;
    m.workingsetRefaultAnon = flatKeyValue(stat, 'workingset_refault_anon') ?? 0;
    m.workingsetRefaultFile = flatKeyValue(stat, 'workingset_refault_file') ?? 0;
    m.pgscan = flatKeyValue(stat, 'pgscan') ?? 0;
    m.pgsteal = flatKeyValue(stat, 'pgsteal') ?? 0;
    updateWorkingSet(m);
  },
  full(get, s) {
    const m = s.memory;
    m.swapBytes = parseNumber(get('memory.swap.current') ?? '') || 0;
    m.maxUsageBytes = parseNumber(get('memory.peak') ?? '') || 0; // memory.peak: kernel ≥ 5.19
    m.limitBytes = parseLimit(get('memory.max') ?? 'max') || 0;
    // memory.swap.max is swap alone; CgroupStats keeps v1's memory + swap meaning.
    const swapMax = parseLimit(get('memory.swap.max') ?? 'max') || 0;
    m.swapLimitBytes = swapMax > 0 && m.limitBytes > 0 ? swapMax + m.limitBytes : 0;
    // cAdvisor reads memory.min here (container/common/helpers.go), which nothing docker-like sets;
    // berth reads memory.low, where --memory-reservation goes (as runc puts it), so the figure
    // means the same on v1 and v2.
    m.reservationBytes = parseLimit(get('memory.low') ?? '0') || 0;
    const events = get('memory.events') ?? '';
    // `max` counts the times usage hit memory.max: the nearest v2 figure to v1's failcnt.
    m.maxEvents = flatKeyValue(events, 'max') ?? 0;
    m.failcnt = m.maxEvents;
    m.highEvents = flatKeyValue(events, 'high') ?? 0;
    m.oomEvents = flatKeyValue(events, 'oom') ?? 0;
    m.oomKills = flatKeyValue(events, 'oom_kill') ?? 0;
  },
};
