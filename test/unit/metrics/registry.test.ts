import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createMetricsRegistry } from '../../../agent/metrics/index.js';
import { createSnapshotStore } from '../../../agent/sampler/index.js';
import type { ContainerInfo } from '../../../agent/runtime/types.js';
import type { ContainerSample, HostSample } from '../../../agent/sampler/types.js';
import { syntheticHost, syntheticViews } from '../../helpers/metric-samples.js';
import { FAKE_MACHINE, FakeStore } from '../../helpers/samples.js';
import { makeInfo, makeStats } from '../sampler/fakes.js';

const host = (time: number): HostSample => ({
  time, cpuCores: 2, cpuPercent: 10, memoryTotalBytes: 8 << 30, memoryAvailableBytes: 4 << 30, swapTotalBytes: 0, machine: FAKE_MACHINE, load1: 0, load5: 0, load15: 0,
  containersRunning: 1, containersFailed: 0, agent: { cpuSecondsTotal: 2, rssBytes: 1 << 20, sampleDurationSeconds: 0.003, sampleStride: 1 },
});

function sample(id: string, time: number, over: Partial<ContainerSample> = {}): ContainerSample {
  return {
    id, name: `c-${id}`, image: 'busybox:test', cgroup: `/berth/${id}`, time,
    stats: makeStats({ cpu: { usageNs: 1.5e9 }, memory: { workingSetBytes: 1024 } }),
    cpu: { cores: 0, percent: 0, throttledRatio: 0 },
    network: [{ name: 'lo', rxBytes: 1, rxPackets: 1, rxErrors: 0, rxDropped: 0, txBytes: 1, txPackets: 1, txErrors: 0, txDropped: 0 }],
    processes: 1, threads: 1, namespaces: [{ type: 'net', inode: 4026532204, hostShared: false }],
    ...over,
  };
}

function setup() {
  const store = createSnapshotStore(5);
  let containers: ContainerInfo[] = [];
  const registry = createMetricsRegistry({ store, runtime: { list: () => containers }, build: { version: '1.2.3' } });
  return {
    store, registry,
    setContainers: (c: ContainerInfo[]) => { containers = c; },
    record: (time: number, samples: ContainerSample[]) => store.record({ time, samples, host: host(time) }),
  };
}

const lines = (text: string, name: string) => text.split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));

test('series carry id, name, image; cpu="total"; lo stays out of network series; no timestamps', async () => {
  const { registry, setContainers, record } = setup();
  setContainers([makeInfo('a')]);
  record(1_763_900_000_000, [sample('a', 1_763_900_000_000)]);
  const text = await registry.metrics();
  assert.deepEqual(lines(text, 'container_cpu_usage_seconds_total'), ['container_cpu_usage_seconds_total{id="/berth/a",name="c-a",image="busybox:test",cpu="total"} 1.5']);
  assert.deepEqual(lines(text, 'container_network_receive_bytes_total'), [], 'lo is not exported');
  assert.deepEqual(lines(text, 'container_last_seen'), ['container_last_seen{id="/berth/a",name="c-a",image="busybox:test"} 1763900000']);
  assert.deepEqual(lines(text, 'container_start_time_seconds'), ['container_start_time_seconds{id="/berth/a",name="c-a",image="busybox:test"} 1795428001.5']);
  assert.deepEqual(lines(text, 'berth_container_namespace_info'), ['berth_container_namespace_info{id="/berth/a",name="c-a",type="net",inode="4026532204",host_shared="false"} 1']);
  assert.deepEqual(lines(text, 'machine_cpu_cores'), ['machine_cpu_cores{machine_id="3d1219c7c4c5404aaa1f6d2a48adfda4"} 2'], 'cAdvisor\'s machine labels, the empty ones left out');
  assert.deepEqual(lines(text, 'berth_build_info'), ['berth_build_info{version="1.2.3"} 1']);
  assert.equal(lines(text, 'container_cpu_cfs_periods_total').length, 0, 'no quota → no cfs series');
  for (const l of text.split('\n')) if (l && !l.startsWith('#')) assert.match(l, /^[a-z_]+(\{.*\})? \S+$/, `no timestamp: ${l}`);
  assert.equal(registry.contentType, 'text/plain; version=0.0.4; charset=utf-8');
  registry.close();
});

test('cfs series only with a quota; pressure only where the sample has it', async () => {
  const { registry, setContainers, record } = setup();
  setContainers([makeInfo('q')]);
  const stats = makeStats({ cpu: { periods: 10, throttledPeriods: 3, throttledNs: 2e8 }, spec: { cpuQuotaUs: 50000 },
    pressure: { cpu: { someTotalUs: 1500000, fullTotalUs: 500000 } } });
  record(1, [sample('q', 1, { stats })]);
  const text = await registry.metrics();
  assert.equal(lines(text, 'container_cpu_cfs_throttled_periods_total')[0].endsWith(' 3'), true);
  assert.equal(lines(text, 'container_cpu_cfs_throttled_seconds_total')[0].endsWith(' 0.2'), true);
  assert.equal(lines(text, 'container_spec_cpu_quota')[0].endsWith(' 50000'), true);
  assert.equal(lines(text, 'container_pressure_cpu_waiting_seconds_total')[0].endsWith(' 1.5'), true);
  assert.equal(lines(text, 'container_pressure_cpu_stalled_seconds_total')[0].endsWith(' 0.5'), true);
  assert.equal(lines(text, 'container_pressure_memory_waiting_seconds_total').length, 0);
  registry.close();
});

test('a removed container vanishes at the next scrape, before the next tick', async () => {
  const { registry, setContainers, record } = setup();
  setContainers([makeInfo('a'), makeInfo('b')]);
  record(1, [sample('a', 1), sample('b', 1)]);
  assert.equal(lines(await registry.metrics(), 'container_memory_working_set_bytes').length, 2);
  setContainers([makeInfo('a'), makeInfo('b', { status: 'exited', pid: 0 })]);
  const after = lines(await registry.metrics(), 'container_memory_working_set_bytes');
  assert.deepEqual(after, ['container_memory_working_set_bytes{id="/berth/a",name="c-a",image="busybox:test"} 1024']);
  registry.close();
});

test('label values are escaped', async () => {
  const { registry, setContainers, record } = setup();
  setContainers([makeInfo('x')]);
  record(1, [sample('x', 1, { image: 'we"ird\\img\nx' })]);
  const l = lines(await registry.metrics(), 'container_threads')[0];
  assert.equal(l, 'container_threads{id="/berth/x",name="c-x",image="we\\"ird\\\\img\\nx"} 1');
  registry.close();
});

test('sample durations and launches are observed', async () => {
  const { registry, record, store } = setup();
  record(1, []);
  registry.observeLaunch(0.2, 'success');
  registry.observeLaunch(3, 'failure');
  const text = await registry.metrics();
  assert.ok(text.includes('berth_sampler_duration_seconds_bucket{le="0.005"} 1\n'));
  assert.ok(text.includes('berth_container_launches_total{outcome="success"} 1\n'));
  assert.ok(text.includes('berth_container_launch_duration_seconds_bucket{le="0.25",outcome="success"} 1\n'));
  assert.ok(text.includes('berth_container_launch_duration_seconds_count{outcome="failure"} 1\n'));
  registry.close();
  record(2, []);
  assert.ok((await registry.metrics()).includes('berth_sampler_duration_seconds_count 1\n'), 'closed registry no longer observes');
  void store;
});

test('promtool check metrics is clean', { skip: !existsSync('/usr/bin/promtool') && 'promtool not installed' }, async () => {
  const { registry, setContainers, record } = setup();
  setContainers([makeInfo('a'), makeInfo('b')]);
  const stats = makeStats({ spec: { cpuQuotaUs: 50000 }, pressure: { cpu: { someTotalUs: 1, fullTotalUs: 1 }, memory: { someTotalUs: 1, fullTotalUs: 1 }, io: { someTotalUs: 1, fullTotalUs: 1 } } });
  const eth0 = { name: 'eth0', rxBytes: 1, rxPackets: 1, rxErrors: 0, rxDropped: 0, txBytes: 1, txPackets: 1, txErrors: 0, txDropped: 0 };
  record(1, [sample('a', 1, { stats, network: [eth0] }), sample('b', 1)]);
  registry.observeLaunch(0.1, 'success');
  const r = spawnSync('promtool', ['check', 'metrics'], { input: await registry.metrics(), encoding: 'utf8' });
  assert.equal(r.status, 0, `promtool: ${r.stdout}${r.stderr}`);
  registry.close();
});

test('within one tick, a scrape follows which containers are live even when their count stays the same', async (t) => {
  const { registry, setContainers, record } = setup();
  t.after(() => registry.close());
  record(1000, [sample('a', 1000), sample('b', 1000)]);
  setContainers([makeInfo('a')]);
  assert.deepEqual(lines(await registry.metrics(), 'container_last_seen').map((l) => /name="([^"]+)"/.exec(l)![1]), ['c-a']);
  setContainers([makeInfo('b')]); // a stopped, b still runs: one live container either way
  assert.deepEqual(lines(await registry.metrics(), 'container_last_seen').map((l) => /name="([^"]+)"/.exec(l)![1]), ['c-b']);
});

test('the bytes of a replaced text are written into again only after every scrape sending them is over', async (t) => {
  const store = new FakeStore();
  let infos: ContainerInfo[] = [];
  const registry = createMetricsRegistry({ store, runtime: { list: () => infos } });
  t.after(() => registry.close());
  const tick = async (n: number) => {
    const views = syntheticViews(300, n); // ~4 MB of text: several pieces
    infos = views.map((v) => v.info!);
    store.push({ time: views[0].sample.time, samples: views.map((v) => v.sample), host: syntheticHost(n, views.length) });
    const scrape = await registry.scrape();
    // The memory of the container pieces (the last part, berth's own series, is a small Buffer of node's shared pool).
    const memory = new Set(scrape.parts.slice(0, -1).map((p) => p.buffer));
    return { scrape, copy: Buffer.concat(scrape.parts), memory };
  };
  const first = await tick(1);
  const second = await tick(2); // the first is still being sent
  assert.ok(first.scrape.parts.length > 2, 'the text spans several pieces');
  assert.ok(!first.copy.equals(second.copy), 'two ticks give two texts');
  assert.equal([...second.memory].filter((m) => first.memory.has(m)).length, 0, 'the second text was not written into the first one\'s pieces');
  assert.ok(Buffer.concat(first.scrape.parts).equals(first.copy), 'the first scrape still holds its own bytes');

  first.scrape.sent();
  second.scrape.sent();
  second.scrape.sent(); // twice: counted once
  const third = await tick(3);
  const reused = [...third.memory].filter((m) => first.memory.has(m) || second.memory.has(m));
  assert.ok(reused.length >= third.memory.size - 1, `the third text reuses pieces of the earlier ones (${reused.length} of ${third.memory.size})`);
  assert.equal(third.copy.toString(), await registry.metrics());
  third.scrape.sent();
});

test('a gzip scrape is the same text compressed, counts itself, and frees its pieces without waiting for sent()', async (t) => {
  const store = new FakeStore();
  let infos: ContainerInfo[] = [];
  const registry = createMetricsRegistry({ store, runtime: { list: () => infos } });
  t.after(() => registry.close());
  const push = (n: number) => {
    const views = syntheticViews(300, n);
    infos = views.map((v) => v.info!);
    store.push({ time: views[0].sample.time, samples: views.map((v) => v.sample), host: syntheticHost(n, views.length) });
  };
  push(1);
  const plain = await registry.scrape('identity');
  const memory = new Set(plain.parts.slice(0, -1).map((p) => p.buffer));
  plain.sent();
  push(2);
  const compressed = await registry.scrape('gzip'); // its sent() is never called
  assert.equal(compressed.parts.length, 1);
  const text = gunzipSync(compressed.parts[0]).toString();
  assert.equal(text, await registry.metrics());
  assert.ok(compressed.parts[0].length * 10 < text.length, `compressed ${compressed.parts[0].length} of ${text.length} bytes`);
  assert.match(text, /^berth_metrics_scrapes_total\{encoding="gzip"\} 1$/m);
  assert.match(text, /^berth_metrics_scrapes_total\{encoding="identity"\} 1$/m);
  push(3);
  const next = await registry.scrape('identity');
  const reused = next.parts.slice(0, -1).filter((p) => memory.has(p.buffer)).length;
  assert.ok(reused >= next.parts.length - 2, `the third text is written into the pieces the compressed scrape let go (${reused} of ${next.parts.length - 1})`);
  next.sent();
});

test('the first tick with containers is rendered at once, and the first scrape sends that text', async (t) => {
  const store = createSnapshotStore(5);
  let clockReads = 0; // a render reads the monotonic clock twice (its duration)
  const registry = createMetricsRegistry({ store, runtime: { list: () => [makeInfo('a')] }, monotonicMs: () => { clockReads++; return 0; } });
  t.after(() => registry.close());
  const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
  store.record({ time: 1000, samples: [], host: host(1000) });
  await nextTurn();
  assert.equal(clockReads, 0, 'no containers yet: nothing rendered');
  store.record({ time: 2000, samples: [sample('a', 2000)], host: host(2000) });
  await nextTurn();
  assert.equal(clockReads, 2, 'rendered with no scrape');
  assert.match(await registry.metrics(), /^container_last_seen\{id="\/berth\/a"[^}]*\} 2$/m);
  assert.equal(clockReads, 2, 'the scrape sent what was rendered');
  store.record({ time: 3000, samples: [sample('a', 3000)], host: host(3000) });
  await nextTurn();
  assert.equal(clockReads, 2, 'later ticks render only when scraped');
});
