// v1 pids controller (same files as v2).
import { join } from 'node:path';
import { v2Limit } from '../convert.js';
import { writeCgroupFile, type CgroupWrite } from '../fsio.js';
import { parseLimit } from '../parse.js';
import { parseUintBytes } from '../parse-bytes.js';
import type { StatFills } from '../stats.js';
import type { CgroupResources } from '../types.js';

export async function applyPids(dir: string, r: CgroupResources, write: CgroupWrite = writeCgroupFile): Promise<void> {
  if (r.pidsLimit !== undefined) await write(join(dir, 'pids.max'), v2Limit(r.pidsLimit));
}

/** A task count moves only by fork, exit or a move into the cgroup: all need a task of it to run. */
export const PIDS: StatFills = {
  active: { file: 'pids.current', parse(bytes, length, s) { s.pids.current = parseUintBytes(bytes, 0, length); } },
  full(get, s) { s.pids.limit = parseLimit(get('pids.max') ?? 'max') || 0; },
};
