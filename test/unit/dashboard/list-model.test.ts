import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PolicyTracker } from '../../../dashboard/src/policy-state.js';
import { Ring } from '../../../dashboard/src/ring.js';
import type { ContainerState } from '../../../dashboard/src/state.js';
import type { StreamSample } from '../../../dashboard/src/protocol.js';
import { compareRows, matchesFilter, nextSort, rowModel, type RowModel } from '../../../dashboard/src/views/list-model.js';
import { sample, summary } from './fixtures.js';

function container(id: string, name: string, samples: StreamSample[], over = {}): ContainerState {
  const ring = new Ring<StreamSample>(10);
  ring.reset(samples);
  return { summary: summary(id, name, over), samples: ring };
}

const NOW = Date.parse('2024-01-01T00:01:01.000Z');

test('a running container row has its latest figures; limits fall back to the spec', () => {
  const c = container('1'.repeat(64), 'web', [sample('1'.repeat(64), 1, { cpuCores: 0.5, memWorkingSet: 2048, pids: 3, pidsLimit: 50 })],
    { limits: { cpus: 0, memoryBytes: 4096, pidsLimit: 0 } });
  const row = rowModel(c, new PolicyTracker(), NOW);
  assert.equal(row.cpuCores, 0.5);
  assert.equal(row.memBytes, 2048);
  assert.equal(row.memLimit, 4096, 'memLimit 0 in the sample → the spec limit');
  assert.equal(row.pidsLimit, 50);
  assert.equal(row.uptimeMs, 60_000);
});

test('an exited container shows no figures and no uptime, but its exit code', () => {
  const c = container('2'.repeat(64), 'job', [sample('2'.repeat(64), 1)], { status: 'exited', exitCode: 137 });
  const row = rowModel(c, new PolicyTracker(), NOW);
  assert.equal(row.cpuCores, -1);
  assert.equal(row.uptimeMs, -1);
  assert.equal(row.exitCode, 137);
});

function rows(): RowModel[] {
  const p = new PolicyTracker();
  return [
    rowModel(container('c'.repeat(64), 'beta', [sample('c'.repeat(64), 1, { cpuCores: 0.2 })], { labels: { tier: 'web', 'com.docker.compose.service': 'front' } }), p, NOW),
    rowModel(container('a'.repeat(64), 'alpha', [sample('a'.repeat(64), 1, { cpuCores: 0.9 })]), p, NOW),
    rowModel(container('b'.repeat(64), 'gamma', [sample('b'.repeat(64), 1, { cpuCores: 0.2 })]), p, NOW),
  ];
}

test('sorting by a column, ties broken by name; numbers sort biggest first on the first click', () => {
  const byName = rows().sort(compareRows({ key: 'name', dir: 1 })).map((r) => r.name);
  assert.deepEqual(byName, ['alpha', 'beta', 'gamma']);
  const cpuSort = nextSort({ key: 'name', dir: 1 }, 'cpu');
  assert.deepEqual(cpuSort, { key: 'cpu', dir: -1 });
  assert.deepEqual(rows().sort(compareRows(cpuSort)).map((r) => r.name), ['alpha', 'beta', 'gamma']);
  const flipped = nextSort(cpuSort, 'cpu');
  assert.deepEqual(flipped, { key: 'cpu', dir: 1 });
  assert.deepEqual(rows().sort(compareRows(flipped)).map((r) => r.name), ['beta', 'gamma', 'alpha']);
  assert.deepEqual(nextSort({ key: 'cpu', dir: -1 }, 'name'), { key: 'name', dir: 1 });
});

test('the filter matches name, id prefix, image or exact state', () => {
  const [beta] = rows();
  assert.ok(matchesFilter(beta!, ''));
  assert.ok(matchesFilter(beta!, 'BET'));
  assert.ok(matchesFilter(beta!, 'ccc'));
  assert.ok(matchesFilter(beta!, 'rootfs'));
  assert.ok(matchesFilter(beta!, 'running'));
  assert.ok(!matchesFilter(beta!, 'alpha'));
});

test('KEY=VALUE filters by a label, exactly; KEY= by any value of it', () => {
  const [beta, alpha] = rows();
  assert.ok(matchesFilter(beta!, 'tier=web'));
  assert.ok(matchesFilter(beta!, 'com.docker.compose.service=front'));
  assert.ok(matchesFilter(beta!, 'tier='));
  assert.ok(!matchesFilter(beta!, 'tier=we'), 'the value exactly');
  assert.ok(!matchesFilter(beta!, 'Tier=web'), 'keys are case-sensitive, as docker\'s');
  assert.ok(!matchesFilter(alpha!, 'tier='), 'a container without the label');
});
