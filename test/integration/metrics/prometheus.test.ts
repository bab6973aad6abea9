// A real Prometheus server (Debian's `prometheus`) scraping a real agent every second: the target
// is up and rate(container_cpu_usage_seconds_total) of a half-core spinner is ~0.5, also when
// selected and grouped by its labels (cAdvisor's container_label_*); its scrapes are gzip-compressed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { busyboxRootfs } from '../../helpers/rootfs.js';
import { apiRequest, freePort, startAgent } from '../../helpers/agent.js';
import { waitFor } from '../../helpers/wait.js';

const PROMETHEUS = '/usr/bin/prometheus';

test('Prometheus scrapes the agent: target up, rate(cpu) of a --cpus 0.5 spinner ≈ 0.5 (0.3..0.65), by name and by label',
  { skip: !existsSync(PROMETHEUS) && 'prometheus not installed', timeout: 120_000 }, async (t) => {
    const agent = await startAgent({ sampleInterval: '250ms' });
    t.after(() => agent.stop());
    const created = await agent.api('POST', '/v1/containers',
      { name: 'prom-spin', rootfs: busyboxRootfs(), image: 'busybox:test', cmd: ['sh', '-c', 'while :; do :; done'], resources: { cpus: 0.5 },
        labels: { 'com.docker.compose.service': 'spin', tier: 'batch' }, start: true });
    assert.equal(created.status, 201, JSON.stringify(created.body));

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

    await waitFor('the berth target to be up', async () => {
      const targets = await api('/api/v1/targets');
      return targets.data?.activeTargets?.some((x: { health: string; scrapeUrl: string }) =>
        x.health === 'up' && x.scrapeUrl === `http://127.0.0.1:${agent.port}/metrics`);
    }, { timeoutMs: 30_000, intervalMs: 250 });

    const query = encodeURIComponent('rate(container_cpu_usage_seconds_total{name="prom-spin",cpu="total"}[5s])');
    // rate() over 5 s needs ≥ 2 scrapes of the spinner inside the window; wait until the window is full.
    const rate = await waitFor('a full 5 s rate window', async () => {
      const r = await api(`/api/v1/query?query=${query}`);
      const samples = await api(`/api/v1/query?query=${encodeURIComponent('count_over_time(container_cpu_usage_seconds_total{name="prom-spin"}[5s])')}`);
      const n = Number(samples.data?.result?.[0]?.value?.[1] ?? 0);
      return n >= 4 && r.data?.result?.length === 1 ? Number(r.data.result[0].value[1]) : undefined;
    }, { timeoutMs: 30_000, intervalMs: 500 });
    assert.ok(rate > 0.3 && rate < 0.65, `rate = ${rate}`);
    const byLabel = await api(`/api/v1/query?query=${encodeURIComponent(
      'sum by (container_label_tier) (rate(container_cpu_usage_seconds_total{container_label_com_docker_compose_service="spin",cpu="total"}[5s]))')}`);
    assert.deepEqual(byLabel.data.result.map((r: { metric: object }) => r.metric), [{ container_label_tier: 'batch' }]);
    const labelRate = Number(byLabel.data.result[0].value[1]);
    assert.ok(labelRate > 0.3 && labelRate < 0.65, `rate by label = ${labelRate}`);
    const up = await api(`/api/v1/query?query=${encodeURIComponent('up{job="berth"}')}`);
    assert.equal(up.data.result[0].value[1], '1');
    // Prometheus asks for gzip on every scrape, and got it: the agent counted them as such.
    const scrapes = await api(`/api/v1/query?query=${encodeURIComponent('berth_metrics_scrapes_total{job="berth"}')}`);
    const byEncoding = Object.fromEntries(scrapes.data.result.map((r: { metric: { encoding: string }; value: [number, string] }) => [r.metric.encoding, Number(r.value[1])]));
    assert.deepEqual(Object.keys(byEncoding), ['gzip'], JSON.stringify(byEncoding));
    assert.ok(byEncoding.gzip >= 4, JSON.stringify(byEncoding));
  });
