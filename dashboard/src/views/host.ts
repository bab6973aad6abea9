// The host overview: live charts of CPU, memory, load and running containers, plus tiles with
// the current figures (including the agent's own cost).
import { limitLine, maxY, type ChartSummary, type LiveChart } from '../charts.js';
import { h, setText } from '../dom.js';
import { formatAgentCost, formatBytes, niceCeil } from '../format.js';
import { latestRate, valuePoints } from '../rates.js';
import { HISTORY_POINTS, type DashboardState } from '../state.js';
import type { HostSample } from '../protocol.js';
import { chartCard } from './chart-card.js';
import { COLORS } from './colors.js';
import type { Schedule } from './view.js';

const pct = (v: number) => `${v.toFixed(0)}%`;
const time = (s: HostSample) => s.time;
const num = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(2));

export class HostPanel {
  readonly root: HTMLElement;
  private readonly cpu; private readonly memory; private readonly load; private readonly running;
  private readonly tiles: Record<'cores' | 'memory' | 'load' | 'running' | 'agent', HTMLElement>;
  private drawnRevision = -1;

  constructor(private readonly state: DashboardState, private readonly schedule: Schedule) {
    this.cpu = chartCard({ id: 'host-cpu', title: 'Host CPU', format: pct, series: [{ label: 'busy', color: COLORS.primary, fill: true }] });
    this.memory = chartCard({ id: 'host-memory', title: 'Host memory', format: formatBytes, yTickCount: 5, series: [
      { label: 'used', color: COLORS.secondary, fill: true }, { label: 'total', color: COLORS.limit, limit: true }] });
    this.load = chartCard({ id: 'host-load', title: 'Load average', format: num, series: [
      { label: '1 min', color: COLORS.primary }, { label: '5 min', color: COLORS.secondary },
      { label: '15 min', color: COLORS.tertiary }, { label: 'cores', color: COLORS.limit, limit: true }] });
    this.running = chartCard({ id: 'host-running', title: 'Containers running', format: num, series: [
      { label: 'running', color: COLORS.muted, stepped: true, fill: true }] });
    const tile = (label: string) => {
      const value = h('div', { class: 'tile-value' }, '–');
      return { el: h('div', { class: 'tile' }, h('div', { class: 'tile-label' }, label), value), value };
    };
    const t = { cores: tile('CPU cores'), memory: tile('Memory available'), load: tile('Load 1 / 5 / 15'),
      running: tile('Containers running'), agent: tile('berth agent') };
    this.tiles = { cores: t.cores.value, memory: t.memory.value, load: t.load.value, running: t.running.value, agent: t.agent.value };
    this.root = h('section', { class: 'host-panel', 'aria-label': 'Host overview' },
      h('div', { class: 'tiles' }, ...Object.values(t).map((x) => x.el)),
      h('div', { class: 'chart-grid' }, this.cpu.card, this.memory.card, this.load.card, this.running.card));
  }

  render(force: boolean): void {
    if (!force && this.drawnRevision === this.state.revisions.host) return;
    this.drawnRevision = this.state.revisions.host;
    const last = this.state.host.last();
    if (!last) return;
    this.renderTiles(last, this.state.host.at(-2));
    // Each chart is its own frame task: the data is read when the task runs, so a chart whose
    // update waited a frame still draws the newest samples.
    this.schedule('host-cpu', () => this.drawCpu());
    this.schedule('host-memory', () => this.drawMemory());
    this.schedule('host-load', () => this.drawLoad());
    this.schedule('host-running', () => this.drawRunning());
  }

  private window(): { samples: HostSample[]; last: HostSample; xMin: number; xMax: number } | undefined {
    const samples = this.state.host.toArray();
    const last = samples.at(-1);
    if (!last) return undefined;
    return { samples, last, xMax: last.time, xMin: last.time - HISTORY_POINTS * this.state.intervalMs };
  }

  private drawCpu(): void {
    const w = this.window();
    if (!w) return;
    this.cpu.chart.update([valuePoints(w.samples, time, (s) => s.cpuPercent)], w.xMin, w.xMax, 100);
    setText(this.cpu.value, pct(w.last.cpuPercent));
  }

  private drawMemory(): void {
    const w = this.window();
    if (!w) return;
    const used = valuePoints(w.samples, time, (s) => s.memoryTotalBytes - s.memoryAvailableBytes);
    const total = w.last.memoryTotalBytes;
    this.memory.chart.update([used, limitLine(total, w.xMin, w.xMax)], w.xMin, w.xMax, Math.max(total, maxY([used])));
    setText(this.memory.value, `${formatBytes(total - w.last.memoryAvailableBytes)} used`);
  }

  private drawLoad(): void {
    const w = this.window();
    if (!w) return;
    const loads = [valuePoints(w.samples, time, (s) => s.load1), valuePoints(w.samples, time, (s) => s.load5), valuePoints(w.samples, time, (s) => s.load15)];
    const cores = w.last.cpuCores;
    this.load.chart.update([...loads, limitLine(cores, w.xMin, w.xMax)], w.xMin, w.xMax, niceCeil(Math.max(maxY(loads), cores)));
    setText(this.load.value, num(w.last.load1));
  }

  private drawRunning(): void {
    const w = this.window();
    if (!w) return;
    const running = valuePoints(w.samples, time, (s) => s.containersRunning);
    this.running.chart.update([running], w.xMin, w.xMax, Math.max(5, niceCeil(maxY([running]))));
    setText(this.running.value, String(w.last.containersRunning));
  }

  private renderTiles(last: HostSample, before: HostSample | undefined): void {
    setText(this.tiles.cores, String(last.cpuCores));
    setText(this.tiles.memory, `${formatBytes(last.memoryAvailableBytes)} of ${formatBytes(last.memoryTotalBytes)}`);
    setText(this.tiles.load, `${num(last.load1)} / ${num(last.load5)} / ${num(last.load15)}`);
    setText(this.tiles.running, String(last.containersRunning));
    const agentCpu = latestRate({ t: last.time, v: last.agent.cpuSecondsTotal },
      before && { t: before.time, v: before.agent.cpuSecondsTotal }, (s) => s.v);
    setText(this.tiles.agent, formatAgentCost(agentCpu, last.agent));
  }

  charts(): ChartSummary[] {
    return [this.cpu.chart, this.memory.chart, this.load.chart, this.running.chart].map((c: LiveChart) => c.summary());
  }
}
