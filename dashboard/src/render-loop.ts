// The page's single animation-frame loop. Frames arrive at the sample interval; each one only
// marks the page dirty, and the next animation frame draws the visible view once. Chart updates
// are queued as frame tasks and run within a per-frame budget, continuing in the next frames, so
// no frame stalls. A hidden tab gets no animation frames, so it costs nothing until shown again.
// The duration of recent frames is kept so the browser tests can check the page stays smooth.
import { FrameTasks } from './frame-tasks.js';
import { Ring } from './ring.js';

export interface RenderStats { frames: number; recentMs: number[]; maxMs: number }

/** Per-frame time for queued chart updates: half a 60 Hz frame, leaving room for the browser's own work. */
const TASK_BUDGET_MS = 8;

export class RenderLoop {
  readonly tasks = new FrameTasks();
  private scheduled = false;
  private dirty = false;
  private frames = 0;
  private maxMs = 0;
  private readonly recent = new Ring<number>(240);

  constructor(private readonly draw: (now: number) => void) {}

  /** The visible view must be drawn again (new data, a click, a route change). */
  invalidate(): void {
    this.dirty = true;
    this.schedule();
  }

  /** Queues a chart update (replacing one queued under the same key) for the coming frames. */
  enqueue(key: string, task: () => void): void {
    this.tasks.enqueue(key, task);
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => this.frame());
  }

  private frame(): void {
    this.scheduled = false;
    const start = performance.now();
    // Queued chart updates run first, while the document is still clean from the last frame:
    // after the view's DOM writes, chart.js setting a canvas font would force a style and layout
    // pass of the whole page inside this frame. Charts queued by this frame's draw run in the next.
    let more = this.tasks.pending > 0 && this.tasks.run(TASK_BUDGET_MS);
    if (this.dirty) {
      this.dirty = false;
      this.draw(Date.now());
      more = more || this.tasks.pending > 0;
    }
    const ms = performance.now() - start;
    this.frames++;
    this.maxMs = Math.max(this.maxMs, ms);
    this.recent.push(ms);
    if (more) this.schedule();
  }

  stats(): RenderStats { return { frames: this.frames, recentMs: this.recent.toArray(), maxMs: this.maxMs }; }
}
