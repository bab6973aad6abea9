// Values derived from two consecutive samples of one container. Time comes from a monotonic
// clock so a wall-clock jump never shows up as a CPU spike.
import type { ContainerSample } from './types.js';

/** What is kept of the previous sample to derive rates. */
export interface CpuMark { monoMs: number; usageNs: number; periods: number; throttledPeriods: number }

export type DerivedCpu = ContainerSample['cpu'];

/** No rate: the first sample, or a container whose CPU usage did not move. */
export const NO_CPU: DerivedCpu = Object.freeze({ cores: 0, percent: 0, throttledRatio: 0 });

/**
 * cores = Δusage / Δtime; percent = cores × 100 (docker's CPU %: 100 % = one core busy);
 * throttledRatio = Δthrottled periods / Δperiods (0..1). The first sample, a counter going
 * backwards (cgroup recreated) or no time passing give zeros rather than a made-up rate.
 */
export function deriveCpu(prev: CpuMark | undefined, cur: CpuMark): DerivedCpu {
  if (!prev) return NO_CPU;
  const dtMs = cur.monoMs - prev.monoMs;
  const dUsage = cur.usageNs - prev.usageNs;
  if (!(dtMs > 0) || dUsage < 0) return NO_CPU; // also no previous time yet (NaN)
  const cores = dUsage / (dtMs * 1e6);
  const dPeriods = cur.periods - prev.periods;
  const dThrottled = cur.throttledPeriods - prev.throttledPeriods;
  const throttledRatio = dPeriods > 0 && dThrottled >= 0 ? Math.min(1, dThrottled / dPeriods) : 0;
  return { cores, percent: cores * 100, throttledRatio };
}
