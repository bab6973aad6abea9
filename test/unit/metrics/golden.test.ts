// Fixture cgroup trees (v1 hybrid and v2, read by the real cgroups code) + fixture /proc → the
// exact exposition text in test/fixtures/metrics/. `UPDATE_GOLDEN=1` rewrites the golden files
// (review the diff: it is the exported contract).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createCgroupManager } from '../../../agent/cgroups/index.js';
import { createMetricsRegistry } from '../../../agent/metrics/index.js';
import { createSampler } from '../../../agent/sampler/index.js';
import { FakeClock, makeInfo, silentLogger } from '../sampler/fakes.js';

const FIXTURES = resolve(import.meta.dirname, '../../fixtures');

for (const version of ['v1', 'v2'] as const) {
  test(`golden exposition from the ${version} fixture tree`, async (t) => {
    // Read-only use of the fixture tree: statsReader never writes.
    const cgroups = await createCgroupManager({ root: join(FIXTURES, 'cgroups', version), parent: 'berth' });
    const info = makeInfo('c1', { name: 'web', cgroup: cgroups.path('c1'), spec: { image: 'busybox:golden', labels: { 'com.docker.compose.service': 'web', tier: 'front' } } as never });
    const runtime = { list: () => [info] };
    const clock = new FakeClock();
    const sampler = createSampler({ runtime, cgroups, intervalMs: 1000, procRoot: join(FIXTURES, 'proc'),
      sysRoot: join(FIXTURES, 'sys'), etcRoot: join(FIXTURES, 'etc'), logger: silentLogger, clock,
      agentUsage: () => ({ cpuSecondsTotal: 12.5, rssBytes: 50331648 }) });
    t.after(() => sampler.stop());
    const registry = createMetricsRegistry({ store: sampler.store, runtime, build: { version: 'golden', node_version: 'v20', cgroup_version: cgroups.version },
      monotonicMs: () => clock.mono });
    t.after(() => registry.close());
    await sampler.tickNow();
    clock.advance(1000);
    await sampler.tickNow();
    const text = await registry.metrics();
    const golden = join(FIXTURES, 'metrics', `${version}.prom`);
    if (process.env.UPDATE_GOLDEN) writeFileSync(golden, text);
    assert.equal(text, readFileSync(golden, 'utf8'));
    if (existsSync('/usr/bin/promtool')) {
      const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
      assert.equal(r.status, 0, `promtool: ${r.stdout}${r.stderr}`);
    }
  });
}
