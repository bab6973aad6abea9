// How long the agent's event loop was blocked: a timer every LOOP_PROBE_MS notes when it ran; a
// gap between two runs beyond that period is time the loop could not run anything (a scrape, a
// websocket frame, the next tick). Node's monitorEventLoopDelay is not used: after its reset()
// the next late run goes unrecorded, so a stall right after a reading (the render that follows a
// tick) would never be seen.
const LOOP_PROBE_MS = 20;

export class LoopStallMeter {
  private last = performance.now();
  private longestGapMs = 0;

  constructor() {
    setInterval(() => this.note(performance.now()), LOOP_PROBE_MS).unref(); // measuring keeps no process alive
  }

  /** The longest stall (seconds) since the previous read, the one going on up to now included. */
  read(): number {
    const now = performance.now();
    this.note(now);
    const longest = this.longestGapMs;
    this.longestGapMs = 0;
    return Math.max(0, longest - LOOP_PROBE_MS) / 1000;
  }

  private note(now: number): void {
    this.longestGapMs = Math.max(this.longestGapMs, now - this.last);
    this.last = now;
  }
}
