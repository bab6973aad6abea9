// A titled box holding one chart's canvas and its legend (plain HTML, drawn once). The canvas sits in a fixed-height wrapper because a
// responsive chart.js chart takes its size from its parent.
import { LiveChart, type LiveChartOptions } from '../charts.js';
import { h } from '../dom.js';

export function chartCard(opts: LiveChartOptions): { card: HTMLElement; chart: LiveChart; value: HTMLElement } {
  const canvas = h('canvas', { 'aria-label': opts.title, role: 'img' });
  const value = h('span', { class: 'chart-value' });
  const legend = h('div', { class: 'chart-legend' }, ...opts.series.map((s) =>
    h('span', { class: s.limit ? 'key key-limit' : 'key', style: `--key: ${s.color}` }, s.label)));
  const card = h('figure', { class: 'chart-card', 'data-chart': opts.id },
    h('figcaption', {}, h('span', { class: 'chart-title' }, opts.title), value),
    h('div', { class: 'chart-box' }, canvas), legend);
  return { card, chart: new LiveChart(canvas, opts), value };
}
