// The live container list: one row per container, sortable by any column, filterable. Only the
// rows on or near the screen are in the DOM (row-window.ts), between two spacer rows as high as the
// rows left out, so the page scrolls as if all were there. Rows are kept and updated in place (only
// cells whose text changed are written); rows are moved only when the order changed.
import { h, setAttr, setClass, setStyle, setText } from '../dom.js';
import { formatCpuPercent, formatDuration, formatStatus, formatUsage, shortId } from '../format.js';
import type { DashboardState } from '../state.js';
import { compareRows, matchesFilter, nextSort, rowModel, type RowModel, type Sort, type SortKey } from './list-model.js';
import { rowWindow } from './row-window.js';

/** How far beyond the viewport, above and below, rows are drawn: a share of its height. */
const MARGIN_SCREENS = 0.5;

const COLUMNS: { key: SortKey; label: string; numeric?: boolean }[] = [
  { key: 'name', label: 'Name' }, { key: 'id', label: 'ID' }, { key: 'status', label: 'State' },
  { key: 'image', label: 'Image / rootfs' }, { key: 'cpu', label: 'CPU %', numeric: true },
  { key: 'memory', label: 'Memory / limit', numeric: true }, { key: 'pids', label: 'PIDs', numeric: true },
  { key: 'uptime', label: 'Uptime', numeric: true }, { key: 'policy', label: 'Policy' },
];

interface Row { tr: HTMLTableRowElement; cells: HTMLTableCellElement[]; link: HTMLAnchorElement }

export class ContainerList {
  readonly root: HTMLElement;
  private readonly table: HTMLTableElement;
  private readonly tbody: HTMLTableSectionElement;
  /** The spacers' cells: as high as the rows left out above and below the window. */
  private readonly above: HTMLTableCellElement;
  private readonly below: HTMLTableCellElement;
  private readonly belowRow: HTMLTableRowElement;
  private readonly headers = new Map<SortKey, HTMLTableCellElement>();
  private readonly rows = new Map<string, Row>();
  private readonly empty: HTMLElement;
  private readonly count: HTMLElement;
  private order: string[] = [];
  private sort: Sort = { key: 'name', dir: 1 };
  private filter = '';
  private readonly onScroll = (): void => this.onChange();

  constructor(private readonly state: DashboardState, private readonly onChange: () => void) {
    const headRow = h('tr', {});
    for (const col of COLUMNS) {
      const button = h('button', { type: 'button', 'data-sort': col.key }, col.label);
      button.addEventListener('click', () => this.sortBy(col.key));
      const th = h('th', { scope: 'col', class: col.numeric ? 'num' : undefined }, button);
      this.headers.set(col.key, th);
      headRow.append(th);
    }
    this.above = h('td', { colspan: COLUMNS.length });
    this.below = h('td', { colspan: COLUMNS.length });
    this.belowRow = h('tr', { class: 'spacer', 'aria-hidden': 'true' }, this.below);
    this.tbody = h('tbody', {}, h('tr', { class: 'spacer', 'aria-hidden': 'true' }, this.above), this.belowRow);
    const filter = h('input', { type: 'search', placeholder: 'Filter by name, id, image, state or label (key=value)', 'aria-label': 'Filter containers' });
    filter.addEventListener('input', () => { this.filter = filter.value.trim(); this.onChange(); });
    this.empty = h('p', { class: 'empty' }, 'No containers. Start one with `berth run --rootfs DIR -- CMD`.');
    this.count = h('span', { class: 'count' });
    this.root = h('section', { class: 'container-list', 'aria-label': 'Containers' },
      h('div', { class: 'section-head' }, h('h2', {}, 'Containers ', this.count), filter),
      h('div', { class: 'table-wrap' }, (this.table = h('table', { id: 'container-table' }, h('thead', {}, headRow), this.tbody))),
      this.empty);
    this.markSort();
  }

  /** Scrolling and resizing change which rows are on screen: listened to while the list is shown. */
  attach(): void {
    window.addEventListener('scroll', this.onScroll, { passive: true });
    window.addEventListener('resize', this.onScroll);
  }

  detach(): void {
    window.removeEventListener('scroll', this.onScroll);
    window.removeEventListener('resize', this.onScroll);
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
    // Read before this render's writes: at most one layout, of the few rows in the DOM.
    const rowHeight = this.rowHeight();
    const { from, to } = rowWindow(models.length, rowHeight, this.tbody.getBoundingClientRect().top, window.innerHeight, MARGIN_SCREENS * window.innerHeight);
    const shown = models.slice(from, to);
    const wanted = new Set(shown.map((m) => m.id));
    for (const [id, row] of this.rows) {
      if (!wanted.has(id)) { row.tr.remove(); this.rows.delete(id); }
    }
    shown.forEach((m, i) => {
      const row = this.rows.get(m.id) ?? this.create(m.id);
      this.update(row, m);
      setAttr(row.tr, 'aria-rowindex', String(from + i + 2)); // 1 is the header row
    });
    const order = shown.map((m) => m.id);
    if (!sameOrder(order, this.order)) {
      for (const id of order) this.tbody.insertBefore(this.rows.get(id)!.tr, this.belowRow); // moves an existing row
      this.order = order;
    }
    setStyle(this.above, 'height', `${from * rowHeight}px`);
    setStyle(this.below, 'height', `${(models.length - to) * rowHeight}px`);
    setAttr(this.table, 'aria-rowcount', String(models.length + 1));
    if (!(rowHeight > 0) && shown.length > 0) this.onChange(); // measure the rows just drawn, then place the window
    setText(this.count, `(${models.length}${models.length === this.state.containers.size ? '' : ` of ${this.state.containers.size}`})`);
    this.empty.hidden = this.state.containers.size > 0;
  }

  /**
   * The height of one row, from the rows in the DOM (every row is one line: cells do not wrap); 0
   * when there are none. From first top to last bottom, so the spacers match the rows to the pixel.
   */
  private rowHeight(): number {
    if (this.order.length === 0) return 0;
    const first = this.rows.get(this.order[0]!)!.tr.getBoundingClientRect();
    const last = this.rows.get(this.order[this.order.length - 1]!)!.tr.getBoundingClientRect();
    return (last.bottom - first.top) / this.order.length;
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
    setText(status!, formatStatus(m));
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
