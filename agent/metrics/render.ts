// Renders the table rows to Prometheus text. Hand-built because the container part is the bulk
// of a scrape (~40 series per container): label prefixes are escaped once per container and
// reused, values are appended straight into one string (REFERENCE.md §3.8: going through
// prom-client's per-value label formatting costs several times more at 10k+ series).
import type { HostSample } from '../sampler/types.js';
import { CONTAINER_ROWS, escapeLabelValue, HOST_ROWS, type ContainerRow, type ContainerView, type HostRow } from './table.js';

interface Prefixes { key: string; container: string; idName: string }

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

function familyHeader(name: string, help: string, type: string): string {
  return `# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n# TYPE ${name} ${type}\n`;
}

export class ExpositionRenderer {
  /** Escaped label prefixes per container id; pruned to the rendered containers each time. */
  private readonly prefixes = new Map<string, Prefixes>();

  constructor(
    private readonly containerRows: readonly ContainerRow[] = CONTAINER_ROWS,
    private readonly hostRows: readonly HostRow[] = HOST_ROWS,
  ) {}

  render(views: readonly ContainerView[], host: HostSample | undefined): string {
    const prefixes = views.map((v) => this.prefixFor(v));
    if (this.prefixes.size > views.length) this.prune(views);
    let out = '';
    for (const row of this.containerRows) out += renderRow(row, views, prefixes);
    if (host) for (const row of this.hostRows) out += familyHeader(row.name, row.help, row.type) + `${row.name} ${formatValue(row.value(host))}\n`;
    return out;
  }

  private prefixFor({ sample }: ContainerView): Prefixes {
    const key = `${sample.cgroup}\0${sample.name}\0${sample.image}`;
    let p = this.prefixes.get(sample.id);
    if (!p || p.key !== key) {
      const idName = `id="${escapeLabelValue(sample.cgroup)}",name="${escapeLabelValue(sample.name)}"`;
      p = { key, idName, container: `${idName},image="${escapeLabelValue(sample.image)}"` };
      this.prefixes.set(sample.id, p);
    }
    return p;
  }

  private prune(views: readonly ContainerView[]): void {
    const keep = new Set(views.map((v) => v.sample.id));
    for (const id of this.prefixes.keys()) if (!keep.has(id)) this.prefixes.delete(id);
  }
}

function renderRow(row: ContainerRow, views: readonly ContainerView[], prefixes: readonly Prefixes[]): string {
  let body = '';
  let labels = '';
  const emit = (value: number, extra?: string): void => {
    body += `${row.name}{${labels}${extra ? `,${extra}` : ''}} ${formatValue(value)}\n`;
  };
  for (let i = 0; i < views.length; i++) {
    labels = row.base === 'container' ? prefixes[i].container : prefixes[i].idName;
    row.series(views[i], emit);
  }
  return body ? familyHeader(row.name, row.help, row.type) + body : '';
}
