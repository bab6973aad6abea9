// PSI files of a cgroup2 directory (pure v2, or the unified mount of a hybrid host).
import { parsePressure } from '../parse.js';
import type { StatFills, StatGetter } from '../stats.js';
import type { CgroupStats } from '../types.js';

/** PSI totals are µs counters (rates over a Prometheus window stay exact when read less often). */
export const PRESSURE: StatFills = { full: fillPressure };

function fillPressure(get: StatGetter, s: CgroupStats): void {
  const cpu = get('cpu.pressure');
  const memory = get('memory.pressure');
  const io = get('io.pressure');
  if (cpu === undefined && memory === undefined && io === undefined) return;
  s.pressure = {};
  if (cpu !== undefined) s.pressure.cpu = parsePressure(cpu);
  if (memory !== undefined) s.pressure.memory = parsePressure(memory);
  if (io !== undefined) s.pressure.io = parsePressure(io);
}
