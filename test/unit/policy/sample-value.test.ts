// The hand-written per-tick sample converter (agent/policy/sample-value.ts) must build exactly
// what the documented mapping (sample-view.ts) plus the generic typed converter build.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCelEnv } from '../../../agent/policy/cel.js';
import { sampleView } from '../../../agent/policy/sample-view.js';
import type { HealthState } from '../../../agent/runtime/types.js';
import { fakeSample, fakeStats } from '../../helpers/samples.js';

test('the one-pass sample converter equals sampleView + the generic converter', () => {
  const cel = createCelEnv();
  const plain = fakeSample('a'.repeat(64), 1700000000123);
  const busy = fakeSample('b'.repeat(64), 5000, {
    stats: fakeStats({ cpuUsageNs: 12_345_678_901, memoryBytes: 250e6, limitBytes: 268435456, pids: 95 }),
    cpu: { cores: 1.75, percent: 87.5, throttledRatio: 0.6 }, processes: 120, threads: 300,
    network: [
      { name: 'eth0', rxBytes: 1000, txBytes: 2000, rxPackets: 1, txPackets: 2, rxDropped: 3, txDropped: 4, rxErrors: 0, txErrors: 0 },
      { name: 'eth1', rxBytes: 10, txBytes: 20, rxPackets: 1, txPackets: 2, rxDropped: 0, txDropped: 1, rxErrors: 0, txErrors: 0 },
    ],
  });
  Object.assign(busy.stats.cpu, { periods: 100, throttledPeriods: 60, throttledNs: 5e9 });
  Object.assign(busy.stats.memory, { oomEvents: 2, oomKills: 1, swapBytes: 7, cacheBytes: 8, failcnt: 9, maxUsageBytes: 10 });
  Object.assign(busy.stats.io, { readBytes: 1, writeBytes: 2e9, reads: 3, writes: 4 });
  busy.stats.spec.cpuQuotaUs = 50000;
  busy.stats.pids.limit = 100;
  // Non-finite numbers (a rate over a zero interval) become 0, as the generic converter makes them.
  const odd = fakeSample('c'.repeat(64), Number.NaN, { cpu: { cores: Number.POSITIVE_INFINITY, percent: Number.NaN, throttledRatio: -0 } });
  odd.stats.spec = { cpuQuotaUs: 1, cpuPeriodUs: 0, cpuShares: 0 };
  const unhealthy: HealthState = { status: 'unhealthy', failingStreak: 4, log: [] };
  for (const [s, health] of [[plain, undefined], [busy, unhealthy], [odd, undefined]] as const) {
    const fast = cel.sample(s, health);
    const reference = cel.sampleFromView(sampleView(s, health));
    assert.deepStrictEqual(fast, reference, s.id.slice(0, 6));
    assert.equal(Object.getPrototypeOf(fast), Object.getPrototypeOf(reference), 'same generated class');
  }
  assert.equal(cel.sample(busy).network && (cel.sample(busy).network as { rxBytes: number }).rxBytes, 1010);
  assert.deepEqual({ ...(cel.sample(busy, unhealthy).health as object) }, { status: 'unhealthy', failingStreak: 4 });
  assert.deepEqual({ ...(cel.sample(plain).health as object) }, { status: 'none', failingStreak: 0 }, 'no healthcheck');
});
