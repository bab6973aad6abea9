// What every view of the page offers main.ts: shown for a route, drawn by the render loop only
// while visible, and told when it is left so it can drop its subscriptions.
import type { ChartSummary } from '../charts.js';
import type { Route } from '../router.js';

export interface View {
  readonly root: HTMLElement;
  enter(route: Route): void;
  leave(): void;
  /** Draws what changed since the last call; `now` is the page's wall clock in ms. */
  render(now: number): void;
  /** The charts this view shows, for the `window.__berth` debug hook. */
  charts(): ChartSummary[];
}

/** Queues a (chart) update for the coming animation frames under a key; see frame-tasks.ts. */
export type Schedule = (key: string, task: () => void) => void;
