// The container detail's six live charts: CPU with the quota line, memory (usage, working set,
// limit), block I/O and network rates, pids with the limit line, and CFS throttling. Each chart
// is its own frame task (see frame-tasks.ts) and reads the container's ring when it runs.
import { limitLine, maxY, type ChartSummary } from '../charts.js';
import { h, setText } from '../dom.js';
import { formatBytes, formatCpuPercent, formatPercent, formatRate, niceCeil } from '../format.js';
import { latestRate, ratePoints, valuePoints, type Point } from '../rates.js';
import { HISTORY_POINTS, type ContainerState } from '../state.js';
import type { StreamSample } from '../protocol.js';
import { chartCard } from './chart-card.js';
import { COLORS } from './colors.js';
import type { Schedule } from './view.js';

const t = (s: StreamSample) => s.t;
const count = (v: number) => String(Math.round(v));

/** What every chart of one container draws from: its samples and the time axis they span. */
interface ChartWindow {
  c: ContainerState;
  samples: StreamSample[];
  last: StreamSample;
  before: StreamSample | undefined;
  xMin: number;
  xMax: number;
  line: (value: number) => Point[];
}

export class ContainerCharts {
  readonly root: HTMLElement;
  private readonly cpu = chartCard({ id: 'container-cpu', title: 'CPU', format: formatCpuPercent, series: [
    { label: 'used', color: COLORS.primary, fill: true }, { label: 'quota', color: COLORS.limit, limit: true }] });
  private readonly memory = chartCard({ id: 'container-memory', title: 'Memory', format: formatBytes, yTickCount: 5, series: [
    { label: 'usage', color: COLORS.tertiary }, { label: 'working set', color: COLORS.secondary, fill: true },
    { label: 'limit', color: COLORS.limit, limit: true }] });
  private readonly io = chartCard({ id: 'container-io', title: 'Block I/O', format: formatRate, series: [
    { label: 'read', color: COLORS.primary }, { label: 'write', color: COLORS.tertiary }] });
  private readonly net = chartCard({ id: 'container-net', title: 'Network', format: formatRate, series: [
    { label: 'received', color: COLORS.secondary }, { label: 'sent', color: COLORS.muted }] });
  private readonly pids = chartCard({ id: 'container-pids', title: 'PIDs', format: count, series: [
    { label: 'pids', color: COLORS.primary, stepped: true }, { label: 'limit', color: COLORS.limit, limit: true }] });
  private readonly throttle = chartCard({ id: 'container-throttle', title: 'CPU throttling', format: formatPercent, series: [
    { label: 'throttled periods', color: COLORS.limit, fill: true }] });
  private readonly draws: [string, (w: ChartWindow) => void][] = [
    ['container-cpu', (w) => this.drawCpu(w)], ['container-memory', (w) => this.drawMemory(w)],
    ['container-io', (w) => this.drawIo(w)], ['container-net', (w) => this.drawNet(w)],
    ['container-pids', (w) => this.drawPids(w)], ['container-throttle', (w) => this.drawThrottle(w)],
  ];

  constructor(private readonly schedule: Schedule) {
    this.root = h('div', { class: 'chart-grid detail-charts' }, ...this.all().map((c) => c.card));
  }

  private all() { return [this.cpu, this.memory, this.io, this.net, this.pids, this.throttle]; }

  clear(): void {
    for (const c of this.all()) {
      c.chart.update([], 0, 1, 1);
      setText(c.value, '');
    }
  }

  /** Queues a redraw of every chart from the container's ring. */
  render(c: ContainerState, intervalMs: number): void {
    for (const [key, draw] of this.draws) {
      this.schedule(key, () => {
        const w = chartWindow(c, intervalMs);
        if (w) draw(w);
      });
    }
  }

  private drawCpu({ c, samples, last, xMin, xMax, line }: ChartWindow): void {
    const quota = last.cpuQuotaCores || c.summary.limits.cpus;
    const cpu = valuePoints(samples, t, (s) => s.cpuCores);
    this.cpu.chart.update([cpu, line(quota)], xMin, xMax, niceCeil(Math.max(maxY([cpu]), quota, 0.01)));
    setText(this.cpu.value, `${formatCpuPercent(last.cpuCores)}${quota ? ` of ${formatCpuPercent(quota)}` : ''}`);
  }

  private drawMemory({ c, samples, last, xMin, xMax, line }: ChartWindow): void {
    const limit = last.memLimit || c.summary.limits.memoryBytes;
    const mem = [valuePoints(samples, t, (s) => s.memUsage), valuePoints(samples, t, (s) => s.memWorkingSet)];
    this.memory.chart.update([...mem, line(limit)], xMin, xMax, limit > 0 ? Math.max(limit, maxY(mem)) : niceCeil(Math.max(maxY(mem), 1 << 20)));
    setText(this.memory.value, `${formatBytes(last.memWorkingSet)}${limit ? ` of ${formatBytes(limit)}` : ''}`);
  }

  private drawIo({ samples, last, before, xMin, xMax }: ChartWindow): void {
    const io = [ratePoints(samples, (s) => s.ioReadBytes), ratePoints(samples, (s) => s.ioWriteBytes)];
    this.io.chart.update(io, xMin, xMax, niceCeil(Math.max(maxY(io), 1000)));
    setText(this.io.value, `${formatRate(latestRate(last, before, (s) => s.ioReadBytes))} r · ${formatRate(latestRate(last, before, (s) => s.ioWriteBytes))} w`);
  }

  private drawNet({ samples, last, before, xMin, xMax }: ChartWindow): void {
    const net = [ratePoints(samples, (s) => s.netRxBytes), ratePoints(samples, (s) => s.netTxBytes)];
    this.net.chart.update(net, xMin, xMax, niceCeil(Math.max(maxY(net), 1000)));
    setText(this.net.value, `${formatRate(latestRate(last, before, (s) => s.netRxBytes))} in · ${formatRate(latestRate(last, before, (s) => s.netTxBytes))} out`);
  }

  private drawPids({ c, samples, last, xMin, xMax, line }: ChartWindow): void {
    const pidsLimit = last.pidsLimit || c.summary.limits.pidsLimit;
    const pids = valuePoints(samples, t, (s) => s.pids);
    this.pids.chart.update([pids, line(pidsLimit)], xMin, xMax, niceCeil(Math.max(maxY([pids]), pidsLimit, 5)));
    setText(this.pids.value, pidsLimit ? `${last.pids} of ${pidsLimit}` : String(last.pids));
  }

  private drawThrottle({ samples, last, xMin, xMax }: ChartWindow): void {
    this.throttle.chart.update([valuePoints(samples, t, (s) => s.throttledRatio)], xMin, xMax, 1);
    setText(this.throttle.value, formatPercent(last.throttledRatio));
  }

  charts(): ChartSummary[] { return this.all().map((c) => c.chart.summary()); }
}

function chartWindow(c: ContainerState, intervalMs: number): ChartWindow | undefined {
  const samples = c.samples.toArray();
  const last = samples.at(-1);
  if (!last) return undefined;
  const xMax = last.t;
  const xMin = xMax - HISTORY_POINTS * intervalMs;
  return { c, samples, last, before: samples.at(-2), xMin, xMax, line: (v) => limitLine(v, xMin, xMax) };
}
