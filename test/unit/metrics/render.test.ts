// The byte-writing renderer against a plain string oracle: the same rows spelled series by series
// with template strings and String(v), the way the exposition format reads. Any difference in a
// label, a number, a header or an omitted family shows as a text mismatch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CONTAINER_ROWS, ExpositionRenderer, HOST_ROWS, type ContainerRow, type ContainerView, type HostRow } from '../../../agent/metrics/index.js';
import { encodeText } from '../../../agent/metrics/text-buffer.js';
import { seriesLabels, type MetricsLabelSelection } from '../../../agent/metrics/container-labels.js';
import type { HostSample } from '../../../agent/sampler/types.js';
import { seededRandom, syntheticHost, syntheticViews } from '../../helpers/metric-samples.js';

function oracleValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

const oracleEscape = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

function oracle(views: readonly ContainerView[], host: HostSample | undefined,
  rows: readonly ContainerRow[] = CONTAINER_ROWS, hostRows: readonly HostRow[] = HOST_ROWS, selection: MetricsLabelSelection = 'all'): string {
  const header = (r: { name: string; help: string; type: string }) =>
    `# HELP ${r.name} ${r.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n# TYPE ${r.name} ${r.type}\n`;
  let text = '';
  for (const row of rows) {
    const lines: string[] = [];
    for (const view of views) {
      const { cgroup, name, image } = view.sample;
      const own = seriesLabels(view.info?.spec.labels, selection).map(([k, v]) => `,${k}="${oracleEscape(v)}"`).join('');
      const base = `id="${oracleEscape(cgroup)}",name="${oracleEscape(name)}"` + (row.base === 'container' ? `,image="${oracleEscape(image)}"${own}` : '');
      row.series(view, (value, extra) => lines.push(`${row.name}{${base}${extra ? `,${extra.text}` : ''}} ${oracleValue(value)}\n`));
    }
    if (lines.length) text += header(row) + lines.join('');
  }
  const { bootId, machineId, systemUuid } = host?.machine ?? { bootId: '', machineId: '', systemUuid: '' };
  const machine = [['boot_id', bootId], ['machine_id', machineId], ['system_uuid', systemUuid]].filter(([, v]) => v).map(([k, v]) => `${k}="${oracleEscape(v)}"`);
  const machineLabels = machine.length ? `{${machine.join(',')}}` : '';
  if (host) for (const row of hostRows) text += `${header(row)}${row.name}${row.machine ? machineLabels : ''} ${oracleValue(row.value(host))}\n`;
  return text;
}

/** A row that emits the given values for every container, one series each (`n="<index>"`). */
function valuesRow(values: readonly number[]): ContainerRow {
  return {
    name: 'test_values', help: 'Edge values.', type: 'gauge', base: 'container',
    series: (_view, emit) => values.forEach((v, i) => emit(v, encodeText(`n="${i}"`))),
  };
}

test('every tick renders exactly what the oracle spells, with prefixes cached across ticks', () => {
  const renderer = new ExpositionRenderer();
  for (let tick = 0; tick < 4; tick++) {
    const views = syntheticViews(120, tick);
    const host = syntheticHost(tick, views.length);
    assert.equal(renderer.render(views, host), oracle(views, host), `tick ${tick}`);
  }
});

test('numbers are spelled as String(v) would: integers of every size, floats, -0, non-finite', () => {
  const rand = seededRandom(42);
  const edges = [0, -0, 1, -1, 9, 10, 99, 100, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 1e15 - 1, 1e15, 2 ** 53 - 1, -(2 ** 53 - 1),
    2 ** 53, 2 ** 53 + 2, 9223372036854771712, 18446744073709551615, 1e21, 1.5, 0.1 + 0.2, 1e-6, 1e-7, 5e-324, -1.25e-9,
    1763900000.123, Number.MAX_VALUE, -Number.MAX_VALUE, NaN, Infinity, -Infinity];
  const randomIntegers = Array.from({ length: 400 }, (_, i) => Math.floor(rand() * 10 ** (i % 17)) * (i % 5 === 0 ? -1 : 1));
  const randomDoubles = Array.from({ length: 400 }, (_, i) => (rand() - 0.5) * 10 ** ((i % 40) - 20));
  const row = valuesRow([...edges, ...randomIntegers, ...randomDoubles]);
  const views = syntheticViews(3, 1);
  const text = new ExpositionRenderer({ containerRows: [row], hostRows: [] }).render(views, undefined);
  assert.equal(text, oracle(views, undefined, [row], []));
  assert.ok(text.includes(',n="1"} 0\n') && text.includes(' 9223372036854772000\n') && text.includes(' 1e+21\n'), 'spot checks of the spelling');
});

test('label values are escaped and non-ASCII text survives (the UTF-8 path)', () => {
  const views = syntheticViews(3, 1);
  views[0].sample.image = 'we"ird\\img\nx';
  views[1].sample.name = 'café-日本-😀';
  views[2].sample.network[1].name = 'wlän0';
  const renderer = new ExpositionRenderer();
  const text = renderer.render(views, undefined);
  assert.equal(text, oracle(views, undefined));
  assert.ok(text.includes('name="café-日本-😀"') && text.includes('interface="wlän0"') && text.includes('image="we\\"ird\\\\img\\nx"'));
  // The next render is ASCII again: the fast path must not keep decoding as UTF-8, nor the reverse.
  const plain = syntheticViews(3, 2);
  assert.equal(renderer.render(plain, undefined), oracle(plain, undefined));
});

test('a renamed or re-imaged container gets new labels; a removed one is gone', () => {
  const renderer = new ExpositionRenderer();
  const views = syntheticViews(5, 1);
  renderer.render(views, undefined);
  const next = syntheticViews(5, 2).slice(1); // container 0 removed
  next[0].sample.name = 'renamed';
  next[1].sample.image = 'other:2';
  next[2].sample.cgroup = '/berth/moved';
  const text = renderer.render(next, undefined);
  assert.equal(text, oracle(next, undefined));
  assert.ok(!text.includes(`name="${views[0].sample.name}"`) && text.includes('name="renamed"'));
});

test('a family without series is left out, header included, and the host rows follow', () => {
  const views = syntheticViews(4, 1);
  for (const v of views) { v.sample.stats.spec.cpuQuotaUs = 0; delete v.sample.stats.pressure; v.sample.network = []; }
  const host = syntheticHost(1, 4);
  const text = new ExpositionRenderer().render(views, host);
  assert.equal(text, oracle(views, host));
  assert.ok(!text.includes('container_cpu_cfs_periods_total') && !text.includes('container_network_') && !text.includes('pressure'));
  assert.ok(text.endsWith(`berth_agent_resident_memory_bytes ${host.agent.rssBytes}\n`));
  assert.equal(new ExpositionRenderer().render([], undefined), '');
});

test('the buffer follows the container count up and down', () => {
  const renderer = new ExpositionRenderer();
  for (const count of [1, 300, 2, 0, 300, 50]) {
    const views = syntheticViews(count, count);
    assert.equal(renderer.render(views, undefined), oracle(views, undefined), `${count} containers`);
  }
});

/** Views whose containers carry labels: compose's, one with characters to escape, one with none. */
function labelledViews(): ContainerView[] {
  const views = syntheticViews(3, 1);
  views[0].info!.spec.labels = { 'com.docker.compose.service': 'web', 'com.docker.compose.project': 'shop', tier: 'front' };
  views[1].info!.spec.labels = { note: 'say "hi"\\n\nbye', 'a.b': 'dot', 'a-b': 'dash', empty: '' };
  views[2].info!.spec.labels = {};
  return views;
}

test('container labels follow image on every series that has it, sorted, escaped, and as selected', () => {
  const views = labelledViews();
  const text = new ExpositionRenderer().render(views, undefined);
  assert.equal(text, oracle(views, undefined));
  const id0 = views[0].sample.cgroup;
  assert.ok(text.includes(`container_memory_rss{id="${id0}",name="web-0",image="${views[0].sample.image}",`
    + 'container_label_com_docker_compose_project="shop",container_label_com_docker_compose_service="web",container_label_tier="front"} '));
  assert.ok(text.includes(',container_label_a_b="dash",container_label_note="say \\"hi\\"\\\\n\\nbye"} '), 'first key wins, value escaped');
  assert.ok(!text.includes('container_label_empty'));
  assert.ok(new RegExp(`berth_container_namespace_info\\{id="${id0}",name="web-0",type=`).test(text), 'not on the id,name series');
  const series = text.split('\n').filter((l) => l.startsWith('container_') && l.includes(`id="${id0}"`));
  assert.ok(series.length > 30 && series.every((l) => l.includes('container_label_tier="front"')), 'every container_* series of the container');

  const listed = new ExpositionRenderer({ containerLabels: ['tier', 'note'] }).render(views, undefined);
  assert.equal(listed, oracle(views, undefined, CONTAINER_ROWS, HOST_ROWS, ['tier', 'note']));
  assert.ok(listed.includes('container_label_tier="front"') && !listed.includes('compose'));
  const none = new ExpositionRenderer({ containerLabels: [] }).render(views, undefined);
  assert.equal(none, oracle(syntheticViews(3, 1), undefined), 'none: as a fleet without labels');
});

test('promtool accepts a render with container labels', { skip: !existsSync('/usr/bin/promtool') && 'promtool not installed' }, () => {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: new ExpositionRenderer().render(labelledViews(), undefined), encoding: 'utf8' });
  assert.equal(r.status, 0, `promtool: ${r.stdout}${r.stderr}`);
});

test('promtool accepts a synthetic render', { skip: !existsSync('/usr/bin/promtool') && 'promtool not installed' }, () => {
  const views = syntheticViews(20, 3);
  const r = spawnSync('promtool', ['check', 'metrics'], { input: new ExpositionRenderer().render(views, syntheticHost(3, 20)), encoding: 'utf8' });
  assert.equal(r.status, 0, `promtool: ${r.stdout}${r.stderr}`);
});

test('container_scrape_error is cAdvisor\'s 0/1; berth_containers_failed says how many', () => {
  const host = { ...syntheticHost(1, 5), containersFailed: 3 };
  const text = new ExpositionRenderer().render([], host);
  assert.ok(text.includes('\ncontainer_scrape_error 1\n') && text.includes('\nberth_containers_failed 3\n'));
  assert.ok(new ExpositionRenderer().render([], syntheticHost(1, 5)).includes('\ncontainer_scrape_error 0\n'));
});
