// Renders the table rows to Prometheus text. Hand-built because the container part is the bulk
// of a scrape (~70 series per container: 1000 containers ≈ 70k series, 13 MB) and it runs on the
// event loop, stalling the sampler and every request while it runs. So: label prefixes are
// encoded once per container and copied as bytes, family names and headers once per renderer,
// and everything is written into one reused buffer (text-buffer.ts says why not strings).
// REFERENCE.md §3.8: prom-client's per-value label formatting costs several times more.
import type { MachineInfo } from '../sampler/machine.js';
import type { HostSample } from '../sampler/types.js';
import { seriesLabels, type MetricsLabelSelection } from './container-labels.js';
import { escapeLabelValue } from './series-labels.js';
import { CONTAINER_ROWS, HOST_ROWS, type ContainerRow, type ContainerView, type Emit, type HostRow } from './table.js';
import { encodeText, ExpositionBuffer, piecesToString, type EncodedText } from './text-buffer.js';

const SPACE = 0x20;
const NEWLINE = 0x0a;

/**
 * A container's label sets up to their last value, without the closing brace: `container` is
 * `{id="…",name="…",image="…"` and its container_label_* labels, `idName` `{id="…",name="…"`.
 */
interface ContainerLabels { key: string; container: EncodedText; idName: EncodedText }

interface EncodedRow<Row> { row: Row; name: EncodedText; header: EncodedText }

function familyHeader(name: string, help: string, type: string): string {
  return `# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n# TYPE ${name} ${type}\n`;
}

function encodeRow<Row extends { name: string; help: string; type: string }>(row: Row): EncodedRow<Row> {
  return { row, name: encodeText(row.name), header: encodeText(familyHeader(row.name, row.help, row.type)) };
}

export interface RendererOptions {
  containerRows?: readonly ContainerRow[];
  hostRows?: readonly HostRow[];
  /** Which container labels the container series carry as container_label_* (default all, as cAdvisor). */
  containerLabels?: MetricsLabelSelection;
}

export class ExpositionRenderer {
  /** Encoded label sets per container id; pruned to the rendered containers each time. */
  private readonly labels = new Map<string, ContainerLabels>();
  private readonly out = new ExpositionBuffer();
  private readonly containerRows: readonly EncodedRow<ContainerRow>[];
  private readonly hostRows: readonly EncodedRow<HostRow>[];
  /** How many pieces the last render took: as many spare ones are worth keeping. */
  private piecesPerText = 0;

  private readonly labelSelection: MetricsLabelSelection;
  private machineLabels: { of: MachineInfo; text: EncodedText | undefined } | undefined;

  constructor({ containerRows = CONTAINER_ROWS, hostRows = HOST_ROWS, containerLabels = 'all' }: RendererOptions = {}) {
    this.containerRows = containerRows.map(encodeRow);
    this.hostRows = hostRows.map(encodeRow);
    this.labelSelection = containerLabels;
  }

  /** The exposition text as UTF-8 pieces, ready for the socket. */
  renderBytes(views: readonly ContainerView[], host: HostSample | undefined): Buffer[] {
    const labels = views.map((v) => this.labelsFor(v));
    if (this.labels.size > views.length) this.prune(views);
    this.out.reset();
    for (const row of this.containerRows) this.renderRow(row, views, labels);
    if (host) for (const row of this.hostRows) this.renderHostRow(row, host);
    const pieces = this.out.takePieces();
    this.piecesPerText = pieces.length;
    return pieces;
  }

  render(views: readonly ContainerView[], host: HostSample | undefined): string {
    return piecesToString(this.renderBytes(views, host));
  }

  /** Pieces of an earlier render that nothing reads any more: later renders write into them. */
  recycle(pieces: readonly Buffer[]): void {
    this.out.recycle(pieces, this.piecesPerText);
  }

  private renderRow({ row, name, header }: EncodedRow<ContainerRow>, views: readonly ContainerView[], labels: readonly ContainerLabels[]): void {
    const out = this.out;
    // The header goes out with the first series: a family with none this time (no quota → no
    // cfs series) is left out, header and all.
    let headerDue = true;
    let base: EncodedText;
    const emit: Emit = (value, extra) => {
      if (headerDue) { out.bytes(header); headerDue = false; }
      out.series(name.bytes, base.bytes, extra?.bytes, value);
    };
    for (let i = 0; i < views.length; i++) {
      base = row.base === 'container' ? labels[i].container : labels[i].idName;
      row.series(views[i], emit);
    }
  }

  private renderHostRow({ row, name, header }: EncodedRow<HostRow>, host: HostSample): void {
    const out = this.out;
    out.bytes(header);
    out.bytes(name);
    const labels = row.machine ? this.machineLabelsOf(host.machine) : undefined;
    if (labels) out.bytes(labels);
    out.byte(SPACE);
    out.value(row.value(host));
    out.byte(NEWLINE);
  }

  /** `{boot_id="…",machine_id="…",system_uuid="…"}` without the empty ones; undefined when all are. Cached: the host's is one object. */
  private machineLabelsOf(machine: MachineInfo): EncodedText | undefined {
    if (this.machineLabels?.of !== machine) {
      const pairs = [['boot_id', machine.bootId], ['machine_id', machine.machineId], ['system_uuid', machine.systemUuid]].filter(([, v]) => v !== '');
      const text = pairs.length ? `{${pairs.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}` : '';
      this.machineLabels = { of: machine, text: text ? encodeText(text) : undefined };
    }
    return this.machineLabels.text;
  }

  private labelsFor({ sample, info }: ContainerView): ContainerLabels {
    // A container's own labels are fixed at create: they need not be part of the key.
    const key = `${sample.cgroup}\0${sample.name}\0${sample.image}`;
    let labels = this.labels.get(sample.id);
    if (!labels || labels.key !== key) {
      const idName = `{id="${escapeLabelValue(sample.cgroup)}",name="${escapeLabelValue(sample.name)}"`;
      let container = `${idName},image="${escapeLabelValue(sample.image)}"`;
      for (const [name, value] of seriesLabels(info?.spec.labels, this.labelSelection)) container += `,${name}="${escapeLabelValue(value)}"`;
      labels = { key, idName: encodeText(idName), container: encodeText(container) };
      this.labels.set(sample.id, labels);
    }
    return labels;
  }

  private prune(views: readonly ContainerView[]): void {
    const keep = new Set(views.map((v) => v.sample.id));
    for (const id of this.labels.keys()) if (!keep.has(id)) this.labels.delete(id);
  }
}
