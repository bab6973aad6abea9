import { test } from 'node:test';
import assert from 'node:assert/strict';
import http, { type IncomingMessage } from 'node:http';
import { gunzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { buildServer } from '../../../agent/api/index.js';
import { EventBus } from '../../../agent/events/index.js';
import { BerthError } from '../../../agent/errors.js';
import { createMetricsRegistry } from '../../../agent/metrics/index.js';
import { createSnapshotStore } from '../../../agent/sampler/index.js';
import type { ContainerInfo, Runtime } from '../../../agent/runtime/types.js';
import type { ContainerSample, HostSample } from '../../../agent/sampler/types.js';
import { syntheticHost, syntheticViews } from '../../helpers/metric-samples.js';
import { FAKE_MACHINE, FakeStore } from '../../helpers/samples.js';
import { makeInfo, makeStats } from '../sampler/fakes.js';

function setup(t: { after(fn: () => unknown): void }, listener: 'unix' | 'tcp' = 'unix') {
  const containers: ContainerInfo[] = [makeInfo('aaaa')];
  const runtime = {
    list: () => containers,
    create: async (spec: { name?: string }) => {
      if (spec.name === 'denied') throw new BerthError('POLICY_DENIED', 'denied by test/rule');
      if (spec.name === 'broken') throw new BerthError('LAUNCH_FAILED', 'mount failed');
      return makeInfo('bbbb');
    },
    get: (idOrName: string) => {
      const c = containers.find((x) => x.id === idOrName || x.name === idOrName);
      if (!c) throw new BerthError('NOT_FOUND', `no such container: ${idOrName}`);
      return c;
    },
  } as unknown as Runtime;
  const snapshot = createSnapshotStore(10);
  const metrics = createMetricsRegistry({ store: snapshot, runtime });
  const facts = { version: '0', startedAt: '', stateDir: '', cgroupVersion: 'v1', cgroupParent: 'berth', rulesDir: '', socket: '', listen: '', sampleIntervalMs: 1000 };
  const app = buildServer({ runtime, events: new EventBus(), logger: pino({ level: 'silent' }), facts, listener, snapshot, metrics });
  t.after(() => { metrics.close(); return app.close(); });
  const host = (time: number) => ({ time, cpuCores: 2, memoryTotalBytes: 1 << 30, machine: FAKE_MACHINE, agent: { sampleDurationSeconds: 0.001 } }) as HostSample;
  for (let i = 1; i <= 3; i++) {
    const sample = { id: 'aaaa', name: 'c-aaaa', image: 'img', cgroup: '/berth/aaaa', time: i, stats: makeStats({ memory: { workingSetBytes: i } }),
      cpu: { cores: 0, percent: 0, throttledRatio: 0 }, network: [], processes: 1, threads: 1, namespaces: [] } as ContainerSample;
    snapshot.record({ time: i, samples: [sample], host: host(i) });
  }
  return app;
}

test('GET /metrics answers Prometheus text on the TCP listener without a token', async (t) => {
  const app = setup(t, 'tcp');
  const r = await app.inject({ method: 'GET', url: '/metrics' });
  assert.equal(r.statusCode, 200);
  assert.equal(r.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
  assert.match(r.body, /^container_memory_working_set_bytes\{id="\/berth\/aaaa",name="c-aaaa",image="img"\} 3$/m);
});

test('GET /metrics is gzip-compressed when the scraper asks for it (as Prometheus does), plain text otherwise', async (t) => {
  const app = setup(t, 'tcp');
  const gzip = await app.inject({ method: 'GET', url: '/metrics', headers: { 'accept-encoding': 'gzip' } });
  assert.equal(gzip.statusCode, 200);
  assert.equal(gzip.headers['content-encoding'], 'gzip');
  assert.equal(gzip.headers.vary, 'accept-encoding');
  assert.equal(Number(gzip.headers['content-length']), gzip.rawPayload.length);
  const text = gunzipSync(gzip.rawPayload).toString();
  assert.match(text, /^container_memory_working_set_bytes\{id="\/berth\/aaaa",name="c-aaaa",image="img"\} 3$/m);
  assert.match(text, /^berth_metrics_scrapes_total\{encoding="gzip"\} 1$/m);
  for (const headers of [{}, { 'accept-encoding': 'gzip;q=0, identity' }]) {
    const plain = await app.inject({ method: 'GET', url: '/metrics', headers });
    assert.equal(plain.headers['content-encoding'], undefined, JSON.stringify(headers));
    assert.equal(plain.headers.vary, 'accept-encoding');
    assert.match(plain.body, /^berth_metrics_scrapes_total\{encoding="gzip"\} 1$/m);
  }
  assert.match((await app.inject({ method: 'GET', url: '/metrics' })).body, /^berth_metrics_scrapes_total\{encoding="identity"\} 3$/m);
});

test('GET /v1/containers/:id/stats gives the recent history by id or name, limit bounds it', async (t) => {
  const app = setup(t);
  const all = await app.inject({ method: 'GET', url: '/v1/containers/c-aaaa/stats' });
  assert.equal(all.statusCode, 200);
  assert.deepEqual(all.json().samples.map((s: ContainerSample) => s.stats.memory.workingSetBytes), [1, 2, 3]);
  const two = await app.inject({ method: 'GET', url: '/v1/containers/aaaa/stats?limit=2' });
  assert.deepEqual(two.json().samples.map((s: ContainerSample) => s.time), [2, 3]);
  const bad = await app.inject({ method: 'GET', url: '/v1/containers/aaaa/stats?limit=0' });
  assert.equal(bad.statusCode, 400);
  const missing = await app.inject({ method: 'GET', url: '/v1/containers/nope/stats' });
  assert.equal(missing.statusCode, 404);
  assert.equal(missing.json().error.code, 'NOT_FOUND');
});

test('GET /v1/stats gives the host and every latest sample; GET /v1/containers/:id carries `sample`', async (t) => {
  const app = setup(t);
  const r = (await app.inject({ method: 'GET', url: '/v1/stats' })).json();
  assert.equal(r.host.time, 3);
  assert.deepEqual(r.containers.map((s: ContainerSample) => [s.id, s.time]), [['aaaa', 3]]);
  const info = (await app.inject({ method: 'GET', url: '/v1/containers/aaaa' })).json();
  assert.equal(info.sample.time, 3);
  assert.equal(info.sample.stats.memory.workingSetBytes, 3);
});

test('every launch request is counted and timed by outcome in berth_container_launch*', async (t) => {
  const app = setup(t);
  const create = (name: string) => app.inject({ method: 'POST', url: '/v1/containers', payload: { name, rootfs: '/r', cmd: ['/bin/true'] } });
  assert.equal((await create('ok')).statusCode, 201);
  assert.equal((await create('denied')).statusCode, 403);
  assert.equal((await create('broken')).statusCode, 500);
  const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
  for (const outcome of ['success', 'denied', 'failure']) {
    assert.match(text, new RegExp(`^berth_container_launches_total\\{outcome="${outcome}"\\} 1$`, 'm'));
    assert.match(text, new RegExp(`^berth_container_launch_duration_seconds_count\\{outcome="${outcome}"\\} 1$`, 'm'));
  }
});

test('a slow scraper receives its own tick\'s text while newer ticks are rendered and scraped', async (t) => {
  // 2500 containers: ~30 MB of text, more than loopback's socket buffers take in, so the server is
  // still sending the first text (its pieces) while the later ones are rendered.
  const store = new FakeStore();
  let infos: ContainerInfo[] = [];
  const runtime = { list: () => infos } as unknown as Runtime;
  const metrics = createMetricsRegistry({ store, runtime });
  const facts = { version: '0', startedAt: '', stateDir: '', cgroupVersion: 'v1', cgroupParent: 'berth', rulesDir: '', socket: '', listen: '', sampleIntervalMs: 1000 };
  const app = buildServer({ runtime, events: new EventBus(), logger: pino({ level: 'silent' }), facts, listener: 'tcp', snapshot: store, metrics });
  t.after(() => { metrics.close(); return app.close(); });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const tick = async (n: number): Promise<string> => {
    const views = syntheticViews(2500, n);
    infos = views.map((v) => v.info!);
    store.push({ time: views[0].sample.time, samples: views.map((v) => v.sample), host: syntheticHost(n, views.length) });
    return metrics.metrics();
  };

  const firstText = await tick(1);
  const slow = await new Promise<IncomingMessage>((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/metrics' }, (res) => { res.pause(); resolve(res); }).on('error', reject);
  });
  for (let n = 2; n <= 4; n++) {
    const text = await tick(n);
    const fast = await fetch(`http://127.0.0.1:${port}/metrics`); // gzip, decoded by fetch
    assert.equal(withoutScrapeCount(await fast.text()), withoutScrapeCount(text), `tick ${n}`);
  }
  const chunks: Buffer[] = [];
  for await (const chunk of slow) chunks.push(chunk as Buffer);
  const body = withoutScrapeCount(Buffer.concat(chunks).toString());
  assert.equal(body.length, withoutScrapeCount(firstText).length);
  assert.ok(body === withoutScrapeCount(firstText), 'the slow scraper got the first tick\'s text, byte for byte');
});

/** The text but the scrape counter's samples, which each scrape moves (metrics() does not count). */
function withoutScrapeCount(text: string): string {
  return text.replace(/^berth_metrics_scrapes_total\{.*\n/gm, '');
}
