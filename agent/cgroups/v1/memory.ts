// v1 memory controller: limit, memsw (memory + swap), soft limit and swappiness, usage and memory.stat totals.
import { join } from 'node:path';
import { BerthError } from '../../errors.js';
import { v1Limit } from '../convert.js';
import { readCgroupFile, writeCgroupFile, type CgroupWrite } from '../fsio.js';
import { flatKeyValue, parseLimit, parseNumber } from '../parse.js';
import { parseUintBytes } from '../parse-bytes.js';
import { updateWorkingSet, type StatFills } from '../stats.js';
import type { CgroupResources } from '../types.js';

const LIMIT = 'memory.limit_in_bytes';
const MEMSW = 'memory.memsw.limit_in_bytes';
const SOFT_LIMIT = 'memory.soft_limit_in_bytes';

/**
 * The kernel requires memsw ≥ limit at every moment, so when the new limit is above the current
 * memsw limit, memsw goes first; otherwise the limit goes first.
 */
export async function applyMemoryV1(dir: string, r: CgroupResources, hasMemsw: boolean, write: CgroupWrite = writeCgroupFile): Promise<void> {
  const writeLimit = async (): Promise<void> => { if (r.memoryBytes !== undefined) await write(join(dir, LIMIT), v1Limit(r.memoryBytes)); };
  const writeMemsw = async (): Promise<void> => {
    if (r.memorySwapBytes === undefined) return;
    if (!hasMemsw) {
      if (r.memorySwapBytes <= 0) return; // unlimited swap is what a kernel without swap accounting gives anyway
      throw new BerthError('CGROUP_FAILED', `write ${join(dir, MEMSW)}: ENOENT (no swap accounting on this kernel: memorySwapBytes cannot be enforced)`);
    }
    await write(join(dir, MEMSW), v1Limit(r.memorySwapBytes));
  };
  const newLimit = r.memoryBytes !== undefined ? r.memoryBytes : undefined;
  const memswFirst = hasMemsw && r.memorySwapBytes !== undefined && newLimit !== undefined
    && (newLimit <= 0 || newLimit > (parseLimit(await readCgroupFile(join(dir, MEMSW))) || Infinity));
  if (memswFirst) { await writeMemsw(); await writeLimit(); } else { await writeLimit(); await writeMemsw(); }
  // The soft limit is not bound to the others: the kernel takes any value (above the limit it never applies).
  if (r.memoryReservationBytes !== undefined) await write(join(dir, SOFT_LIMIT), v1Limit(r.memoryReservationBytes));
  if (r.memorySwappiness !== undefined) await write(join(dir, 'memory.swappiness'), String(r.memorySwappiness));
  if (r.oomKillDisable !== undefined) await write(join(dir, 'memory.oom_control'), r.oomKillDisable ? '1' : '0');
}

export const MEMORY_V1: StatFills = {
  active: {
    file: 'memory.usage_in_bytes',
    parse(bytes, length, s) {
      s.memory.usageBytes = parseUintBytes(bytes, 0, length);
      updateWorkingSet(s.memory);
    },
  },
  memoryStat(get, s) {
    const m = s.memory;
    const stat = get('memory.stat') ?? '';
    m.inactiveFileBytes = flatKeyValue(stat, 'total_inactive_file') ?? 0;
    m.activeFileBytes = flatKeyValue(stat, 'total_active_file') ?? 0;
    m.rssBytes = flatKeyValue(stat, 'total_rss') ?? 0;
    m.cacheBytes = flatKeyValue(stat, 'total_cache') ?? 0;
    m.swapBytes = flatKeyValue(stat, 'total_swap') ?? 0;
    m.mappedFileBytes = flatKeyValue(stat, 'total_mapped_file') ?? 0;
    m.pgfault = flatKeyValue(stat, 'total_pgfault') ?? 0;
    m.pgmajfault = flatKeyValue(stat, 'total_pgmajfault') ?? 0;
    m.fileDirtyBytes = flatKeyValue(stat, 'total_dirty') ?? 0;
    m.fileWritebackBytes = flatKeyValue(stat, 'total_writeback') ?? 0;
    m.workingsetRefaultAnon = flatKeyValue(stat, 'total_workingset_refault_anon') ?? 0;
    m.workingsetRefaultFile = flatKeyValue(stat, 'total_workingset_refault_file') ?? 0;
    updateWorkingSet(m);
  },
  full(get, s) {
    const m = s.memory;
    m.maxUsageBytes = parseNumber(get('memory.max_usage_in_bytes') ?? '') || 0;
    m.failcnt = parseNumber(get('memory.failcnt') ?? '') || 0;
    m.kernelBytes = parseNumber(get('memory.kmem.usage_in_bytes') ?? '') || 0;
    m.limitBytes = parseLimit(get('memory.limit_in_bytes') ?? 'max') || 0;
    m.swapLimitBytes = parseLimit(get('memory.memsw.limit_in_bytes') ?? 'max') || 0;
    m.reservationBytes = parseLimit(get(SOFT_LIMIT) ?? 'max') || 0;
    // v1 counts only OOM kills; it has no separate "hit the limit and OOM'd" counter.
    const oomControl = get('memory.oom_control') ?? '';
    m.oomKills = flatKeyValue(oomControl, 'oom_kill') ?? 0;
    m.oomEvents = m.oomKills;
    m.underOom = flatKeyValue(oomControl, 'under_oom') === 1;
  },
};
