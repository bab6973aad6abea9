// The landing view: the host's live charts above the live container list.
import type { ChartSummary } from '../charts.js';
import { h } from '../dom.js';
import type { DashboardState } from '../state.js';
import { ContainerList } from './container-list.js';
import { HostPanel } from './host.js';
import type { Schedule, View } from './view.js';

export class OverviewView implements View {
  readonly root: HTMLElement;
  private readonly host: HostPanel;
  private readonly list: ContainerList;
  private fresh = true;

  constructor(state: DashboardState, invalidate: () => void, schedule: Schedule) {
    this.host = new HostPanel(state, schedule);
    this.list = new ContainerList(state, invalidate);
    this.root = h('div', { id: 'view-overview', class: 'view' }, this.host.root, this.list.root);
  }

  enter(): void {
    this.fresh = true;
    this.list.attach();
  }

  leave(): void { this.list.detach(); }

  render(now: number): void {
    this.host.render(this.fresh);
    this.list.render(now);
    this.fresh = false;
  }

  charts(): ChartSummary[] { return this.host.charts(); }
}
