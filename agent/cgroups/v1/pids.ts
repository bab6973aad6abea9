// v1 pids controller (same files as v2).
import { join } from 'node:path';
import { v2Limit } from '../convert.js';
import { writeCgroupFile } from '../fsio.js';
import { parseLimit, parseNumber } from '../parse.js';
import type { StatGetter } from '../stats.js';
import type { CgroupResources, CgroupStats } from '../types.js';

export async function applyPids(dir: string, r: CgroupResources): Promise<void> {
  if (r.pidsLimit !== undefined) await writeCgroupFile(join(dir, 'pids.max'), v2Limit(r.pidsLimit));
}

export function fillPids(get: StatGetter, s: CgroupStats): void {
  s.pids.current = parseNumber(get('pids.current') ?? '') || 0;
  s.pids.limit = parseLimit(get('pids.max') ?? 'max') || 0;
}
