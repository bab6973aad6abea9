// The sampler's CPU budget (`--sample-budget`, default 3 % of one core). At 1000 containers that all
// run every second, reading each one's figures every tick costs 4-7 % of a core on this project's
// VM (README "Metrics"); most fleets are far from that, and cost a fraction of it. So the budget
// does not change what a tick reads until ticks cost more than it allows: then busy containers'
// figures other than CPU usage (the `active` part: memory usage and working set, pids, v1
// throttling, the network counters and the process count; and the full reads) are read every
// `stride` ticks instead of every tick, each container on its own turn, and the full reads `stride`
// times less often. CPU usage stays exact at every tick; the active part's figures are at most
// `stride` ticks old. The stride steps back down when the fleet calms: it tries one less every so
// often and keeps it while ticks stay within the budget.
// (Measured at 1000 busy containers: the CPU probe alone costs ~1.5 % of a core, the active part
// and the full reads ~1.7 % each; test/bench/sampler.ts settles at strides 4-6, ~2.3 %. With 4 as
// the most, one run in five went over 3 %, on a busier machine.)

/** 3 % of one core: the sampler's goal at 1000 containers sampled every second. */
export const DEFAULT_CPU_BUDGET = 0.03;

/** The most ticks a figure may age: beyond it, ticks cost what they cost (and the budget is exceeded). */
export const MAX_STRIDE = 6;
/** Ticks averaged before a step, so that one slow tick (a launch, a GC) does not move the stride. */
const WINDOW_TICKS = 3;
/** Ticks at a stride before one less is tried; doubled after each try that went over, up to the max. */
const RETRY_TICKS = 30;
const MAX_RETRY_TICKS = 600;

export class SampleBudget {
  /** Every how many ticks a busy container's figures beyond CPU usage are read. */
  stride = 1;
  private windowCpuMs = 0;
  private windowTicks = 0;
  private ticksAtStride = 0;
  private retryTicks = RETRY_TICKS;
  /** The stride was just lowered to try it: going over at once means it was too low. */
  private trying = false;
  /**
   * Ticks left out of the window: the very first, which opens every file and reads every container
   * fully (an agent started with 1000 containers: ~100 ms here); and the first at a lower stride,
   * which makes at once every full read that the higher one had kept waiting (1/stride of the busy
   * containers'). Neither says anything of the ticks after it.
   */
  private skipTicks = 1;

  /** `cpuMsPerTick`: the budget's share of a core × the sampling interval; Infinity for no budget. */
  constructor(private readonly cpuMsPerTick: number) {}

  /** Called after each tick with the CPU it took. */
  record(cpuMs: number): void {
    if (this.cpuMsPerTick === Infinity) return;
    if (this.skipTicks > 0) { this.skipTicks--; return; }
    this.windowCpuMs += cpuMs;
    this.ticksAtStride++;
    if (++this.windowTicks < WINDOW_TICKS) return;
    const over = this.windowCpuMs / this.windowTicks > this.cpuMsPerTick;
    this.windowCpuMs = 0;
    this.windowTicks = 0;
    if (over) {
      if (this.trying) this.retryTicks = Math.min(MAX_RETRY_TICKS, this.retryTicks * 2);
      this.trying = false;
      if (this.stride < MAX_STRIDE) this.setStride(this.stride + 1);
      return;
    }
    if (this.trying) this.retryTicks = RETRY_TICKS; // the lower stride holds
    this.trying = false;
    if (this.stride > 1 && this.ticksAtStride >= this.retryTicks) {
      this.setStride(this.stride - 1);
      this.trying = true;
      this.skipTicks = 1;
    }
  }

  private setStride(stride: number): void {
    this.stride = stride;
    this.ticksAtStride = 0;
  }
}
