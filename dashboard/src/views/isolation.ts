// The isolation matrix: one row per container, one column per namespace type; a cell is red
// where the container shares that namespace with the host. Only drawn when the set of containers
// or their namespaces changed.
import type { ChartSummary } from '../charts.js';
import { h, setText } from '../dom.js';
import { isolationOf, NAMESPACE_COLUMNS, NAMESPACE_MEANING, sharedWithHost } from '../namespaces.js';
import type { DashboardState } from '../state.js';
import type { View } from './view.js';

export class IsolationView implements View {
  readonly root: HTMLElement;
  private readonly tbody: HTMLTableSectionElement;
  private readonly summary: HTMLElement;
  private drawnRevision = -1;

  constructor(private readonly state: DashboardState) {
    this.tbody = h('tbody', {});
    this.summary = h('p', { class: 'hint' });
    const head = h('tr', {}, h('th', { scope: 'col' }, 'Container'),
      ...NAMESPACE_COLUMNS.map((t) => h('th', { scope: 'col', title: NAMESPACE_MEANING[t] }, t)));
    this.root = h('div', { id: 'view-isolation', class: 'view' },
      h('section', { 'aria-label': 'Isolation matrix' },
        h('div', { class: 'section-head' }, h('h2', {}, 'Isolation matrix')),
        h('p', { class: 'hint' }, 'Namespaces of each running container. ',
          h('span', { class: 'ns ns-host' }, 'host'), ' = shared with the host (not isolated); ',
          h('span', { class: 'ns ns-private' }, 'private'), ' = its own; – = not sampled yet.'),
        h('div', { class: 'table-wrap' }, h('table', { id: 'isolation-matrix', class: 'matrix' }, h('thead', {}, head), this.tbody)),
        this.summary));
  }

  enter(): void { this.drawnRevision = -1; }
  leave(): void {}

  render(): void {
    if (this.drawnRevision === this.state.revisions.list) return;
    this.drawnRevision = this.state.revisions.list;
    const containers = [...this.state.containers.values()]
      .filter((c) => c.summary.status === 'running' || c.summary.status === 'paused')
      .sort((a, b) => a.summary.name.localeCompare(b.summary.name));
    const rows = containers.map(({ summary }) => h('tr', { 'data-id': summary.id },
      h('th', { scope: 'row' }, h('a', { href: `#/containers/${summary.id}` }, summary.name)),
      ...NAMESPACE_COLUMNS.map((t) => {
        const { isolation, inode } = isolationOf(summary.namespaces, t);
        const text = isolation === 'unknown' ? '–' : isolation;
        return h('td', { class: `ns ns-${isolation}`, 'data-ns': t, title: inode ? `${t}:[${inode}]` : undefined }, text);
      })));
    this.tbody.replaceChildren(...rows);
    const perType = new Map<string, number>();
    for (const c of containers) for (const t of sharedWithHost(c.summary.namespaces)) perType.set(t, (perType.get(t) ?? 0) + 1);
    const shared = [...perType].map(([t, n]) => `${t} ${n}`).join(', ');
    setText(this.summary, containers.length === 0 ? 'No running containers.'
      : `${containers.length} running. Shared with the host: ${shared || 'none'}.`);
  }

  charts(): ChartSummary[] { return []; }
}
