// chart.js line charts tuned for streaming (chart.js docs, "Performance"): no animation, no
// parsing (data is already {x, y} sorted by x), normalized, no point markers, fixed axes (the
// caller passes min/max, so chart.js never scans the data for them), update('none'). The data
// arrays are rebuilt from the bounded rings, so a chart never holds more than a ring's points.
import {
  Chart, Filler, LinearScale, LineController, LineElement, PointElement, Tooltip, type ChartDataset,
} from 'chart.js';
import type { Point } from './rates.js';

/** Called once by main.ts (not on import): chart.js only knows the parts it is given. */
export function registerChartParts(): void {
  Chart.register(LineController, LineElement, PointElement, LinearScale, Tooltip, Filler);
}

export interface SeriesDef {
  label: string;
  color: string;
  /** A limit or quota line: dashed, drawn over the whole window. */
  limit?: boolean;
  fill?: boolean;
  stepped?: boolean;
}

export interface LiveChartOptions {
  id: string;
  title: string;
  series: SeriesDef[];
  format: (value: number) => string;
  /** Evenly spaced y ticks (for maxima that are not round, like a memory limit); else chart.js picks round steps. */
  yTickCount?: number;
}

export interface ChartSummary { id: string; title: string; datasets: { label: string; points: number; last: number | null }[] }

export interface SeriesData { points: Point[] }

export class LiveChart {
  readonly chart: Chart<'line', Point[]>;
  private readonly resizer: ResizeObserver;

  constructor(readonly canvas: HTMLCanvasElement, readonly opts: LiveChartOptions) {
    const datasets: ChartDataset<'line', Point[]>[] = opts.series.map((s) => ({
      label: s.label,
      data: [],
      borderColor: s.color,
      backgroundColor: `${s.color}33`,
      borderWidth: s.limit ? 1 : 1.5,
      borderDash: s.limit ? [6, 4] : [],
      fill: s.fill ? 'origin' : false,
      stepped: s.stepped ?? false,
      pointRadius: 0,
      pointHoverRadius: 0,
      tension: 0,
      spanGaps: true,
      parsing: false,
      normalized: true,
    }));
    this.chart = new Chart<'line', Point[]>(canvas, {
      type: 'line',
      data: { datasets },
      options: {
        animation: false,
        parsing: false,
        normalized: true,
        // chart.js's own responsive mode watches the whole document with a MutationObserver per
        // chart, so every list update would wake ten observers; a ResizeObserver on the box suffices.
        responsive: false,
        maintainAspectRatio: false,
        interaction: { mode: 'nearest', axis: 'x', intersect: false },
        elements: { point: { radius: 0 } },
        plugins: {
          // The legend is static HTML (chart-card.ts): chart.js would measure and lay it out on every update.
          legend: { display: false },
          tooltip: { callbacks: { label: (ctx) => `${ctx.dataset.label ?? ''}: ${opts.format(ctx.parsed.y ?? 0)}` } },
        },
        scales: {
          x: {
            type: 'linear', min: -1, max: 0,
            ticks: { maxTicksLimit: 7, maxRotation: 0, font: { size: 10 }, callback: (value) => relativeTick(Number(value)) },
            grid: { color: '#8882' },
          },
          y: {
            type: 'linear', min: 0, max: 1,
            ticks: { maxTicksLimit: 5, count: opts.yTickCount, font: { size: 10 }, callback: (value) => opts.format(Number(value)) },
            grid: { color: '#8882' },
          },
        },
      },
    });
    this.resizer = new ResizeObserver(([entry]) => {
      const { width, height } = entry!.contentRect;
      // A hidden view's box measures 0: keep the last size, redraw when shown.
      if (width > 0 && height > 0 && (width !== this.chart.width || height !== this.chart.height)) this.chart.resize(width, height);
    });
    if (canvas.parentElement) this.resizer.observe(canvas.parentElement);
  }

  /**
   * Replaces the data (one array per series, same order as `series`, x in epoch ms; the arrays are
   * taken over) and the fixed axes, then redraws without animation. The x axis shows seconds
   * before `xMax`, so its ticks fall on round values ("-60s") whatever the clock says.
   */
  update(series: Point[][], xMin: number, xMax: number, yMax: number): void {
    const { datasets } = this.chart.data;
    for (let i = 0; i < datasets.length; i++) {
      const points = series[i] ?? [];
      for (const p of points) p.x = (p.x - xMax) / 1000;
      datasets[i]!.data = points;
    }
    const scales = this.chart.options.scales!;
    scales.x!.min = Math.min(-1, (xMin - xMax) / 1000);
    scales.x!.max = 0;
    scales.y!.max = yMax;
    this.chart.update('none');
  }

  summary(): ChartSummary {
    return {
      id: this.opts.id,
      title: this.opts.title,
      datasets: this.chart.data.datasets.map((d) => ({ label: d.label ?? '', points: d.data.length, last: d.data.at(-1)?.y ?? null })),
    };
  }

  destroy(): void {
    this.resizer.disconnect();
    this.chart.destroy();
  }
}

/** A horizontal line over the window at `value`; none when the value is 0 (no limit). */
export function limitLine(value: number, xMin: number, xMax: number): Point[] {
  return value > 0 ? [{ x: xMin, y: value }, { x: xMax, y: value }] : [];
}

/** Largest y over several series (for the fixed y axis). */
export function maxY(series: Point[][]): number {
  let max = 0;
  for (const s of series) for (const p of s) if (p.y > max) max = p.y;
  return max;
}

/** x axis labels, in seconds relative to the newest point: "-4m", "-30s", "now". */
function relativeTick(seconds: number): string {
  const ago = Math.round(-seconds);
  if (ago <= 0) return 'now';
  return ago % 60 === 0 ? `-${ago / 60}m` : `-${ago}s`;
}
