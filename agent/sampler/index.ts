// The sampler folder's entry: createSampler wires the loop, the snapshot store and the timer.
import type { CgroupManager } from '../cgroups/types.js';
import type { Runtime } from '../runtime/types.js';
import { DEFAULT_CPU_BUDGET } from './budget.js';
import { turnOffPretenuring } from './pretenuring.js';
import { processCpuMicros, processUsage, Sampler, SYSTEM_CLOCK, type AgentUsage, type SamplerClock, type SamplerLogger } from './sampler.js';
import { createSnapshotStore } from './snapshot.js';
import type { SnapshotStore } from './types.js';

export type { ContainerSample, HostSample, SampleTick, SnapshotStore, NamespaceSample, InterfaceSample } from './types.js';
export { createSnapshotStore, type WritableSnapshotStore } from './snapshot.js';
export { deriveCpu } from './derive.js';
export { parseNetDev } from './network.js';
export { parseProcStat, parseMeminfo, parseLoadavg } from './host.js';
export type { SamplerClock, AgentUsage } from './sampler.js';
export { SAMPLED_STATUSES } from './sampler.js';

export interface SamplerOptions {
  runtime: Pick<Runtime, 'list'>;
  cgroups: Pick<CgroupManager, 'statsReader' | 'procsFiles' | 'version' | 'flushStats'>;
  intervalMs: number;
  procRoot?: string;
  /** The host's /sys and /etc, for the machine's identity and CPU topology (fixtures in tests). */
  sysRoot?: string;
  etcRoot?: string;
  historySize?: number;
  logger: SamplerLogger;
  /** Test seams: a fake clock, fixed agent usage, how often namespaces are re-read (in ticks). */
  clock?: SamplerClock;
  agentUsage?: () => AgentUsage;
  namespaceRefreshTicks?: number;
  /** Every how many ticks each container's figures are all read (default 10; 1 = everything every tick). */
  fullEveryTicks?: number;
  /**
   * Share of one core the ticks may take (default 0.03) before busy containers' figures other than
   * CPU usage are read less often (budget.ts); null: no budget, every figure as often as the cadence says.
   */
  cpuBudget?: number | null;
  /** Test seam: CPU µs used by the process (what a tick cost). */
  cpuMicros?: () => number;
  /** Containers per slice (default 100): a slice's hot reads (CPU probe, active part) run back to back. */
  sliceSize?: number;
  /**
   * Between slices the tick yields to the event loop once it has run this long since it last did
   * (default 4 ms), so a request waits about that long at most; 0 = after every slice.
   */
  yieldAfterMs?: number;
}

export interface SamplerHandle {
  store: SnapshotStore;
  /** Starts ticking: one tick at once, then every intervalMs (missed ticks are skipped, not queued). */
  start(): void;
  /** Stops the timer and closes every open file. */
  stop(): void;
  /** One tick now, outside the schedule (tests, and a fresh sample right after a launch). */
  tickNow(): Promise<void>;
}

export function createSampler(options: SamplerOptions): SamplerHandle {
  const { intervalMs, procRoot = '/proc', sysRoot = '/sys', etcRoot = '/etc', historySize = 300, logger } = options;
  if (!Number.isFinite(intervalMs) || intervalMs < 10) throw new Error(`sampler interval: must be at least 10 ms, got ${intervalMs}`);
  const fullEveryTicks = options.fullEveryTicks ?? 10;
  if (!(Number.isInteger(fullEveryTicks) && fullEveryTicks >= 1)) throw new Error(`sampler full-read cadence: must be a whole number of ticks ≥ 1, got ${fullEveryTicks}`);
  const cpuBudget = options.cpuBudget === undefined ? DEFAULT_CPU_BUDGET : options.cpuBudget;
  if (cpuBudget !== null && !(cpuBudget > 0 && cpuBudget <= 1)) throw new Error(`sampler CPU budget: must be a share of one core in (0, 1], got ${cpuBudget}`);
  turnOffPretenuring();
  const clock = options.clock ?? SYSTEM_CLOCK;
  const store = createSnapshotStore(historySize, (err) => logger.error({ err }, 'sampler: snapshot listener threw'));
  const sampler = new Sampler({
    runtime: options.runtime, cgroups: options.cgroups, store, procRoot, sysRoot, etcRoot, logger, clock,
    agentUsage: options.agentUsage ?? processUsage, namespaceRefreshTicks: options.namespaceRefreshTicks ?? 60,
    fullEveryTicks,
    cpuMicros: options.cpuMicros ?? processCpuMicros,
    cpuBudgetMsPerTick: cpuBudget === null ? Infinity : cpuBudget * intervalMs,
    sliceSize: options.sliceSize ?? 100,
    yieldAfterMs: options.yieldAfterMs ?? 4,
  });
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  // Ticks never overlap: a tickNow() during a scheduled tick runs after it.
  let last: Promise<unknown> = Promise.resolve();
  const serialTick = (): Promise<unknown> => (last = last.then(() => sampler.tick(), () => sampler.tick()));

  const runScheduled = async (): Promise<void> => {
    const started = clock.monotonicMs();
    try {
      await serialTick();
    } catch (err) {
      logger.error({ err }, 'sampler: tick failed');
    }
    if (!running) return;
    const elapsed = clock.monotonicMs() - started;
    timer = setTimeout(() => void runScheduled(), Math.max(0, intervalMs - (elapsed % intervalMs)));
    timer.unref(); // the listeners keep the daemon alive, not the sampler
  };

  return {
    store,
    start() {
      if (running) return;
      running = true;
      sampler.reopen();
      void runScheduled();
    },
    stop() {
      running = false;
      if (timer) clearTimeout(timer);
      timer = undefined;
      sampler.close();
    },
    async tickNow() {
      await serialTick();
    },
  };
}
