// The live container list: one row per container, sortable by any column, filterable. Rows are
// kept and updated in place (only cells whose text changed are written); rows are moved only when
// the order changed, so 100 containers ticking every second stay cheap.
import { h, setAttr, setClass, setText } from '../dom.js';
import { formatCpuPercent, formatDuration, formatUsage, shortId } from '../format.js';
import type { DashboardState } from '../state.js';
import { compareRows, matchesFilter, nextSort, rowModel, type RowModel, type Sort, type SortKey } from './list-model.js';

const COLUMNS: { key: SortKey; label: string; numeric?: boolean }[] = [
  { key: 'name', label: 'Name' }, { key: 'id', label: 'ID' }, { key: 'status', label: 'State' },
  { key: 'image', label: 'Image / rootfs' }, { key: 'cpu', label: 'CPU %', numeric: true },
  { key: 'memory', label: 'Memory / limit', numeric: true }, { key: 'pids', label: 'PIDs', numeric: true },
  { key: 'uptime', label: 'Uptime', numeric: true }, { key: 'policy', label: 'Policy' },
];

interface Row { tr: HTMLTableRowElement; cells: HTMLTableCellElement[]; link: HTMLAnchorElement }

export class ContainerList {
  readonly root: HTMLElement;
  private readonly tbody: HTMLTableSectionElement;
  private readonly headers = new Map<SortKey, HTMLTableCellElement>();
  private readonly rows = new Map<string, Row>();
  private readonly empty: HTMLElement;
  private readonly count: HTMLElement;
  private order: string[] = [];
  private sort: Sort = { key: 'name', dir: 1 };
  private filter = '';

  constructor(private readonly state: DashboardState, private readonly onChange: () => void) {
    const headRow = h('tr', {});
    for (const col of COLUMNS) {
      const button = h('button', { type: 'button', 'data-sort': col.key }, col.label);
      button.addEventListener('click', () => this.sortBy(col.key));
      const th = h('th', { scope: 'col', class: col.numeric ? 'num' : undefined }, button);
      this.headers.set(col.key, th);
      headRow.append(th);
    }
    this.tbody = h('tbody', {});
    const filter = h('input', { type: 'search', placeholder: 'Filter by name, id, image or state', 'aria-label': 'Filter containers' });
    filter.addEventListener('input', () => { this.filter = filter.value.trim(); this.onChange(); });
    this.empty = h('p', { class: 'empty' }, 'No containers. Start one with `berth run --rootfs DIR -- CMD`.');
    this.count = h('span', { class: 'count' });
    this.root = h('section', { class: 'container-list', 'aria-label': 'Containers' },
      h('div', { class: 'section-head' }, h('h2', {}, 'Containers ', this.count), filter),
      h('div', { class: 'table-wrap' }, h('table', { id: 'container-table' }, h('thead', {}, headRow), this.tbody)),
      this.empty);
    this.markSort();
  }

  private sortBy(key: SortKey): void {
    this.sort = nextSort(this.sort, key);
    this.markSort();
    this.onChange();
  }

  private markSort(): void {
    for (const [key, th] of this.headers) {
      setAttr(th, 'aria-sort', key === this.sort.key ? (this.sort.dir === 1 ? 'ascending' : 'descending') : undefined);
    }
  }

  render(now: number): void {
    const models: RowModel[] = [];
    for (const c of this.state.containers.values()) {
      const m = rowModel(c, this.state.policy, now);
      if (matchesFilter(m, this.filter)) models.push(m);
    }
    models.sort(compareRows(this.sort));
    const wanted = new Set(models.map((m) => m.id));
    for (const [id, row] of this.rows) {
      if (!wanted.has(id)) { row.tr.remove(); this.rows.delete(id); }
    }
    for (const m of models) this.update(this.rows.get(m.id) ?? this.create(m.id), m);
    const order = models.map((m) => m.id);
    if (!sameOrder(order, this.order)) {
      for (const id of order) this.tbody.append(this.rows.get(id)!.tr); // append moves an existing row
      this.order = order;
    }
    setText(this.count, `(${models.length}${models.length === this.state.containers.size ? '' : ` of ${this.state.containers.size}`})`);
    this.empty.hidden = this.state.containers.size > 0;
  }

  private create(id: string): Row {
    const link = h('a', { href: `#/containers/${id}` });
    const cells = COLUMNS.map((col) => h('td', { class: col.numeric ? 'num' : undefined }));
    cells[0]!.append(link);
    const tr = h('tr', { 'data-id': id }, ...cells);
    const row = { tr, cells, link };
    this.rows.set(id, row);
    return row;
  }

  private update(row: Row, m: RowModel): void {
    const [, id, status, image, cpu, mem, pids, uptime, policy] = row.cells as [HTMLTableCellElement, ...HTMLTableCellElement[]];
    setText(row.link, m.name);
    setText(id!, shortId(m.id));
    setText(status!, m.status === 'exited' && m.exitCode !== undefined ? `exited (${m.exitCode})` : m.status);
    setClass(status!, `status status-${m.status}`);
    setText(image!, m.image);
    setAttr(image!, 'title', m.image);
    setText(cpu!, m.cpuCores < 0 ? '–' : formatCpuPercent(m.cpuCores));
    setText(mem!, m.memBytes < 0 ? '–' : formatUsage(m.memBytes, m.memLimit));
    setText(pids!, m.pids < 0 ? '–' : m.pidsLimit > 0 ? `${m.pids} / ${m.pidsLimit}` : String(m.pids));
    setText(uptime!, m.uptimeMs < 0 ? '–' : formatDuration(m.uptimeMs));
    setText(policy!, m.policy.text);
    setAttr(policy!, 'title', m.policy.text);
    setClass(policy!, `policy policy-${m.policy.level}`);
  }
}

function sameOrder(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
