// /metrics render cost without root or cgroups: `node --import tsx test/bench/render.ts [N] [--ticks T]`.
// N synthetic v1-like containers (test/helpers/metric-samples.ts: 4 interfaces, 8 namespaces, a
// CFS quota, pressure) go through the real MetricsRegistry, fed tick by tick like the sampler
// feeds it, and every tick is scraped the way GET /metrics does (`registry.scrape()`, whose bytes
// are handed back once "sent"):
//  - cold: the very first render in this process (nothing compiled, no memory written before),
//    which the registry makes by itself on the turn of the event loop after the first tick; and
//    the first scrape, which then finds that text,
//  - render: the first scrape after each later tick, which renders the containers,
//  - cached: a second scrape of the same tick,
//  - gzip: a third one asking for gzip, as Prometheus does (the same text, compressed), and its size.
// A scrape comes at the earliest on the turn after the tick's (the bench waits for it).
// Every tick's samples are built before its timers start; with `node --expose-gc` a full GC runs
// then too, so a render does not pay for collecting the bench's own sample objects (the figures
// are then the render's own; without it they include whatever GC falls into the render).
// Two fleets: containers without labels, and with the 8 labels docker compose sets (each becomes a
// container_label_* label on ~75 series per container, as on cAdvisor). Prints one table.
import { containersAndTicks } from '../helpers/bench-args.js';
import { performance } from 'node:perf_hooks';
import { createMetricsRegistry } from '../../agent/metrics/index.js';
import type { ContainerInfo } from '../../agent/runtime/types.js';
import { syntheticHost, syntheticViews } from '../helpers/metric-samples.js';
import { FakeStore } from '../helpers/samples.js';

async function timed<T>(fn: () => T | Promise<T>): Promise<{ ms: number; result: T }> {
  const start = performance.now();
  const result = await fn();
  return { ms: performance.now() - start, result };
}

const collectGarbage = (globalThis as { gc?: () => void }).gc;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** What docker compose puts on every container it runs: the labels a cAdvisor fleet commonly carries. */
const COMPOSE_LABELS: Record<string, string> = {
  'com.docker.compose.config-hash': 'd3c7b1e0f4a2c6e89b5d1f0a7c3e2b4d6f8a0c1e3b5d7f9a2c4e6b8d0f1a3c5e',
  'com.docker.compose.container-number': '1',
  'com.docker.compose.oneoff': 'False',
  'com.docker.compose.project': 'shop',
  'com.docker.compose.project.config_files': '/srv/shop/compose.yaml',
  'com.docker.compose.project.working_dir': '/srv/shop',
  'com.docker.compose.service': 'web',
  'com.docker.compose.version': '2.29.7',
};

interface Fleet { name: string; labels?: Record<string, string> }
interface Measured { series: number; bytes: number; gzipBytes: number; firstRender: number; cold: number; renders: number[]; cached: number[]; gzip: number[] }

async function measure(containers: number, ticks: number, fleet: Fleet): Promise<Measured> {
  const store = new FakeStore();
  let infos: ContainerInfo[] = [];
  const registry = createMetricsRegistry({ store, runtime: { list: () => infos } });
  const rows: { render: number; cached: number; gzip: number }[] = [];
  let text = '';
  let gzipBytes = 0;
  let firstRender = 0;
  try {
    for (let t = 0; t <= ticks; t++) {
      const views = syntheticViews(containers, t);
      infos = views.map((v) => v.info!);
      if (fleet.labels) for (const info of infos) info.spec.labels = fleet.labels;
      store.push({ time: views[0].sample.time, samples: views.map((v) => v.sample), host: syntheticHost(t, containers) });
      collectGarbage?.();
      const turn = await timed(() => new Promise((resolve) => setImmediate(resolve)));
      if (t === 0) firstRender = turn.ms;
      const render = await timed(() => registry.scrape());
      const cached = await timed(() => registry.scrape());
      const gzip = await timed(() => registry.scrape('gzip'));
      if (t === ticks) text = await registry.metrics();
      render.result.sent();
      cached.result.sent();
      gzipBytes = gzip.result.parts[0].length;
      rows.push({ render: render.ms, cached: cached.ms, gzip: gzip.ms });
    }
  } finally {
    registry.close();
  }
  const [cold, ...warm] = rows;
  return {
    series: text.split('\n').filter((l) => l && !l.startsWith('#')).length, bytes: Buffer.byteLength(text), gzipBytes,
    firstRender, cold: cold!.render, renders: warm.map((r) => r.render), cached: warm.map((r) => r.cached), gzip: warm.map((r) => r.gzip),
  };
}

async function main(): Promise<void> {
  const { containers, ticks } = containersAndTicks({ containers: 1000, ticks: 30 });
  const fleets: Fleet[] = [{ name: 'no labels' }, { name: '8 compose labels', labels: COMPOSE_LABELS }];
  const pad = (v: string | number, w: number) => String(v).padStart(w);
  const ms = (v: number) => v.toFixed(1);
  process.stdout.write(`${pad('N', 6)} ${'fleet'.padEnd(17)} ${pad('series', 8)} ${pad('KiB', 6)} | cold: ${pad('render', 7)} ${pad('scrape', 7)} | `
    + `${ticks} ticks: ${pad('min', 6)} ${pad('median', 7)} ${pad('max', 6)} ${pad('cached', 7)} ${pad('gzip', 6)}   (ms) ${pad('gzip KiB', 8)}\n`);
  for (const fleet of fleets) {
    const m = await measure(containers, ticks, fleet);
    process.stdout.write(`${pad(containers, 6)} ${fleet.name.padEnd(17)} ${pad(m.series, 8)} ${pad((m.bytes / 1024).toFixed(0), 6)} |       ${pad(ms(m.firstRender), 7)} `
      + `${pad(ms(m.cold), 7)} | ${' '.repeat(String(ticks).length + 8)}${pad(ms(Math.min(...m.renders)), 6)} ${pad(ms(median(m.renders)), 7)} `
      + `${pad(ms(Math.max(...m.renders)), 6)} ${pad(ms(median(m.cached)), 7)} ${pad(ms(median(m.gzip)), 6)}        ${pad((m.gzipBytes / 1024).toFixed(0), 8)}`
      + `${collectGarbage ? '   (GC before each tick)' : ''}\n`);
  }
  process.stdout.write('cold: the first fleet\'s is the process\'s very first render; the next fleet\'s code is compiled already\n');
}

main().catch((err) => { process.stderr.write(`bench failed: ${(err as Error).stack}\n`); process.exitCode = 1; });
