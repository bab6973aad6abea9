// A real Prometheus server (Debian's `prometheus`) scraping a real agent every second: the target
// is up and rate(container_cpu_usage_seconds_total) of a half-core spinner is ~0.5, also when
// selected and grouped by its labels (cAdvisor's container_label_*); its scrapes are gzip-compressed;
// and the queries of the cAdvisor Grafana dashboards berth promises to serve (193, 14282:
// ../shared/REFERENCE.md §3.4) answer for berth's containers.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { busyboxRootfs } from '../../helpers/rootfs.js';
import { apiRequest, freePort, startAgent, type TestAgent } from '../../helpers/agent.js';
import { waitFor } from '../../helpers/wait.js';

const PROMETHEUS = '/usr/bin/prometheus';
const SKIP = { skip: !existsSync(PROMETHEUS) && 'prometheus not installed', timeout: 120_000 };

interface PromResult { metric: Record<string, string>; value: [number, string] }

/** A Prometheus scraping `agent` every second, up; its query API. Killed and removed after the test. */
async function startPrometheus(t: TestContext, agent: TestAgent) {
  const dir = mkdtempSync(join(tmpdir(), 'berth-prometheus-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const port = await freePort();
  writeFileSync(join(dir, 'prometheus.yml'), [
    'global: { scrape_interval: 1s, evaluation_interval: 1s }',
    'scrape_configs:',
    '  - job_name: berth',
    `    static_configs: [{ targets: ["127.0.0.1:${agent.port}"] }]`,
    '',
  ].join('\n'));
  const prom = spawn(PROMETHEUS, [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  prom.stderr!.on('data', (d) => { log += d; });
  t.after(async () => {
    if (prom.exitCode !== null) return;
    const exited = new Promise((r) => prom.once('exit', r));
    prom.kill('SIGKILL');
    await exited;
  });
  const url = `http://127.0.0.1:${port}`;
  const api = async (path: string) => {
    if (prom.exitCode !== null) throw new Error(`prometheus exited ${prom.exitCode}: ${log}`);
    return (await apiRequest(url, 'GET', path)).body;
  };
  const query = async (promql: string): Promise<PromResult[]> => (await api(`/api/v1/query?query=${encodeURIComponent(promql)}`)).data?.result ?? [];

  await waitFor('the berth target to be up', async () => {
    const targets = await api('/api/v1/targets');
    return targets.data?.activeTargets?.some((x: { health: string; scrapeUrl: string }) =>
      x.health === 'up' && x.scrapeUrl === `http://127.0.0.1:${agent.port}/metrics`);
  }, { timeoutMs: 30_000, intervalMs: 250 });
  return { api, query };
}

async function run(agent: TestAgent, body: object): Promise<void> {
  const created = await agent.api('POST', '/v1/containers', { rootfs: busyboxRootfs(), image: 'busybox:test', start: true, ...body });
  assert.equal(created.status, 201, JSON.stringify(created.body));
}

test('Prometheus scrapes the agent: target up, rate(cpu) of a --cpus 0.5 spinner ≈ 0.5 (0.3..0.65), by name and by label', SKIP, async (t) => {
  const agent = await startAgent({ sampleInterval: '250ms' });
  t.after(() => agent.stop());
  await run(agent, { name: 'prom-spin', cmd: ['sh', '-c', 'while :; do :; done'], resources: { cpus: 0.5 },
    labels: { 'com.docker.compose.service': 'spin', tier: 'batch' } });
  const { query } = await startPrometheus(t, agent);

  // rate() over 5 s needs ≥ 2 scrapes of the spinner inside the window; wait until the window is full.
  const rate = await waitFor('a full 5 s rate window', async () => {
    const r = await query('rate(container_cpu_usage_seconds_total{name="prom-spin",cpu="total"}[5s])');
    const samples = await query('count_over_time(container_cpu_usage_seconds_total{name="prom-spin"}[5s])');
    const n = Number(samples[0]?.value[1] ?? 0);
    return n >= 4 && r.length === 1 ? Number(r[0].value[1]) : undefined;
  }, { timeoutMs: 30_000, intervalMs: 500 });
  assert.ok(rate > 0.3 && rate < 0.65, `rate = ${rate}`);
  const byLabel = await query('sum by (container_label_tier) (rate(container_cpu_usage_seconds_total{container_label_com_docker_compose_service="spin",cpu="total"}[5s]))');
  assert.deepEqual(byLabel.map((r) => r.metric), [{ container_label_tier: 'batch' }]);
  const labelRate = Number(byLabel[0].value[1]);
  assert.ok(labelRate > 0.3 && labelRate < 0.65, `rate by label = ${labelRate}`);
  const up = await query('up{job="berth"}');
  assert.equal(up[0].value[1], '1');
  // Prometheus asks for gzip on every scrape, and got it: the agent counted them as such.
  const scrapes = await query('berth_metrics_scrapes_total{job="berth"}');
  const byEncoding = Object.fromEntries(scrapes.map((r) => [r.metric.encoding, Number(r.value[1])]));
  assert.deepEqual(Object.keys(byEncoding), ['gzip'], JSON.stringify(byEncoding));
  assert.ok(byEncoding.gzip >= 4, JSON.stringify(byEncoding));
});

test('the queries of cAdvisor dashboards 193 and 14282 answer for berth\'s containers', SKIP, async (t) => {
  const agent = await startAgent({ sampleInterval: '250ms' });
  t.after(() => agent.stop());
  const compose = { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'web', 'com.docker.compose.project.working_dir': '/srv/shop' };
  // A busy container in a network namespace of its own (lo only: no network series, as cAdvisor
  // leaves lo out) and one in the host's, whose interfaces are the host's (the network panels).
  await run(agent, { name: 'dash-busy', cmd: ['sh', '-c', 'while :; do :; done'], resources: { cpus: 0.2 }, labels: compose });
  await run(agent, { name: 'dash-host', cmd: ['sleep', '600'], namespaces: { net: 'host' }, labels: compose });
  const { api, query } = await startPrometheus(t, agent);
  const names = (results: PromResult[]) => results.map((r) => r.metric.name).sort();
  const value = (results: PromResult[], name: string) => Number(results.find((r) => r.metric.name === name)?.value[1]);

  // A rate is the increase over the whole window: only right once Prometheus has scraped for all of it.
  await waitFor('a full 10 s window of scrapes', async () =>
    Number((await query('count_over_time(container_last_seen{name="dash-busy"}[10s])'))[0]?.value[1] ?? 0) >= 9,
  { timeoutMs: 40_000, intervalMs: 500 });
  // On v1 the user/system split moves at the sampler's full reads, and in clock ticks: a wide tolerance.
  const userRate = await query('sum by (name) (rate(container_cpu_user_seconds_total{image!=""}[10s])) * 100');
  assert.ok(value(userRate, 'dash-busy') > 5 && value(userRate, 'dash-busy') < 35, `user CPU % of a 0.2-core spinner: ${value(userRate, 'dash-busy')}`);

  // 193: running containers, their memory, per-container CPU and network.
  assert.equal((await query('count(container_last_seen{image!=""})'))[0].value[1], '2');
  assert.ok(Number((await query('sum(container_memory_usage_bytes{image!=""})'))[0].value[1]) > 0);
  const received = await waitFor('a network rate of the host-network container', async () => {
    const r = await query('sum by (name) (irate(container_network_receive_bytes_total{image!=""}[10s]))');
    return r.length > 0 ? r : undefined;
  }, { timeoutMs: 20_000, intervalMs: 500 });
  assert.deepEqual(names(received), ['dash-host'], 'lo is left out, so only the host-network container has network series');
  assert.equal(names(await query('sum by (name) (irate(container_network_transmit_bytes_total{image!=""}[10s]))')).join(), 'dash-host');

  // 14282: the `name` variable, CPU by name, rss and cache by name, uptime with the compose labels.
  const nameValues = await api(`/api/v1/label/name/values?match[]=${encodeURIComponent('{__name__=~"container.*"}')}`);
  assert.deepEqual(nameValues.data, ['dash-busy', 'dash-host']);
  const cpu = await query('sum by (name) (rate(container_cpu_usage_seconds_total{name=~".+"}[10s])) * 100');
  assert.ok(value(cpu, 'dash-busy') > 10 && value(cpu, 'dash-busy') < 30, `CPU % of a 0.2-core spinner: ${value(cpu, 'dash-busy')}`);
  for (const series of ['container_memory_rss', 'container_memory_cache']) {
    assert.deepEqual(names(await query(`sum by (name) (${series}{name=~".+"})`)), ['dash-busy', 'dash-host'], series);
  }
  const uptime = await query('time() - max by (container_label_com_docker_compose_project, container_label_com_docker_compose_project_working_dir, '
    + 'container_label_com_docker_compose_service, image, name) (container_start_time_seconds{name=~".+"})');
  assert.deepEqual(names(uptime), ['dash-busy', 'dash-host']);
  for (const r of uptime) {
    assert.equal(r.metric.container_label_com_docker_compose_project, 'shop');
    assert.equal(r.metric.container_label_com_docker_compose_project_working_dir, '/srv/shop');
    assert.equal(r.metric.container_label_com_docker_compose_service, 'web');
    assert.equal(r.metric.image, 'busybox:test');
    assert.ok(Number(r.value[1]) > 0 && Number(r.value[1]) < 120, `uptime of ${r.metric.name}: ${r.value[1]}`);
  }
});
