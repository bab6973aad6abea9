// Work that may be spread over several animation frames. A chart.js update costs a few ms on a
// software-rendered canvas; ten charts updated in one frame would drop frames, one or two per
// frame do not. Tasks are keyed: a chart queued again before it ran is drawn once, with the newest data.
export class FrameTasks {
  private readonly tasks = new Map<string, () => void>();

  get pending(): number { return this.tasks.size; }

  enqueue(key: string, task: () => void): void {
    this.tasks.delete(key); // re-queued work goes to the back, behind charts still waiting
    this.tasks.set(key, task);
  }

  /** Runs tasks in queue order until `budgetMs` is spent (always at least one); true when some remain. */
  run(budgetMs: number, clock: () => number = () => performance.now()): boolean {
    const start = clock();
    for (const [key, task] of this.tasks) {
      this.tasks.delete(key);
      task();
      if (clock() - start >= budgetMs) break;
    }
    return this.tasks.size > 0;
  }

  clear(): void { this.tasks.clear(); }
}
