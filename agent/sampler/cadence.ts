// How often each part of a container is read (README "Metrics" has the table). Reading every file of
// every container every second costs ~14-16 file reads per container on cgroup v1 (each 3-8 µs of
// syscall and kernel formatting on a VM); most of those figures cannot move unless the container
// ran. So, per container and tick:
//   - the CPU usage probe, always: CPU figures are exact at every tick;
//   - when the usage moved (a task ran): memory usage and working set, pids, v1 throttling, the
//     network counters (unless the netns had only lo at the last read: see below; containers in
//     the host's netns share one read per tick), and the process count when the task count changed;
//   - memory.stat (working set's inactive file part, rss, cache, faults) when memory usage moved
//     by MEMORY_STAT_STEP_BYTES since it was last read: the working set is then off by less than
//     that step;
//   - the network counters of a netns that has only lo (a container's own, berth's default): at
//     full reads. They count traffic between the container's own tasks, which cAdvisor's series
//     (and docker stats) leave out, and reading them cost one file read in five for a busy
//     container. An interface moved in later shows at the next full read, and from then on its
//     counters are read whenever the container ran;
//   - everything: on the first tick; every `fullEvery` ticks for a container that ran since its
//     last full read, every IDLE_FULL_FACTOR × fullEvery ticks for one that did not (like
//     cAdvisor's housekeeping, which backs off to 60 s for idle containers, but with the probe
//     noticing activity within a tick); and right after berth changed the cgroup's settings.
//     Containers are spread over the ticks by their phase, so a tick does a share of the full
//     reads instead of all of them at once.
// What an idle container can still see change between full reads (memory shrinking under reclaim,
// packets the kernel answers without waking a task, I/O writeback) is at most 6 × fullEvery ticks old.
// Over the sampler's CPU budget (budget.ts), a container that ran reads its active part only on its
// turn, every `stride` ticks, and its full reads are `stride` times rarer; CPU usage is read every tick.

/** Idle containers get a full read this many times less often. */
export const IDLE_FULL_FACTOR = 6;

/** 1 MiB: the resolution docker stats shows memory in. */
export const MEMORY_STAT_STEP_BYTES = 1 << 20;

export class ReadCadence {
  private ticksSinceFull = Infinity; // the first read is full
  private ranSinceFull = false;
  private usageAtMemoryStat = -Infinity;
  /** The container ran since its active part was last read. */
  private ranSinceActive = false;

  /**
   * `phase` (0 ≤ phase < fullEvery) delays the second full read, spreading containers over ticks;
   * `turn` spreads them over the ticks of a stride.
   */
  constructor(private phase: number, private readonly turn: number) {}

  /**
   * Called once per tick after the probe: true when this tick reads everything. `ran`: the probe
   * saw CPU usage move; `settingsChanged`: berth changed the cgroup's settings since the last full read.
   */
  fullTurn(fullEvery: number, ran: boolean, settingsChanged: boolean): boolean {
    this.ranSinceFull ||= ran;
    this.ticksSinceFull++;
    const every = this.ranSinceFull ? fullEvery : fullEvery * IDLE_FULL_FACTOR;
    if (!settingsChanged && this.ticksSinceFull < every + this.phase) return false;
    if (this.ticksSinceFull !== Infinity) this.phase = 0; // the phase delays only the second full read
    this.ticksSinceFull = 0;
    this.ranSinceFull = false;
    this.ranSinceActive = false; // a full read reads the active part too
    return true;
  }

  /**
   * Called on ticks that are not full reads: true when the active part is read, i.e. the container
   * ran since it was last read and this tick is its turn (every tick at stride 1).
   */
  activeTurn(tick: number, stride: number, ran: boolean): boolean {
    this.ranSinceActive ||= ran;
    if (!this.ranSinceActive || (tick + this.turn) % stride !== 0) return false;
    this.ranSinceActive = false;
    return true;
  }

  /** Whether memory.stat is due, given the memory usage just read. */
  memoryStatDue(full: boolean, usageBytes: number): boolean {
    return full || Math.abs(usageBytes - this.usageAtMemoryStat) >= MEMORY_STAT_STEP_BYTES;
  }

  memoryStatRead(usageBytes: number): void {
    this.usageAtMemoryStat = usageBytes;
  }
}
