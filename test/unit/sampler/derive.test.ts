import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deriveCpu } from '../../../agent/sampler/derive.js';

test('cores from two samples: 0.5 s of CPU over 1 s is 0.5 cores, 50 %', () => {
  const d = deriveCpu({ monoMs: 1000, usageNs: 2e9, periods: 100, throttledPeriods: 10 },
    { monoMs: 2000, usageNs: 2.5e9, periods: 110, throttledPeriods: 15 });
  assert.equal(d.cores, 0.5);
  assert.equal(d.percent, 50);
  assert.equal(d.throttledRatio, 0.5);
});

test('first sample, no time passed, or a counter reset give zeros', () => {
  const cur = { monoMs: 2000, usageNs: 1e9, periods: 0, throttledPeriods: 0 };
  assert.deepEqual(deriveCpu(undefined, cur), { cores: 0, percent: 0, throttledRatio: 0 });
  assert.equal(deriveCpu({ ...cur }, cur).cores, 0);
  assert.equal(deriveCpu({ ...cur, monoMs: 1000, usageNs: 5e9 }, cur).cores, 0);
});

test('no quota periods → throttled ratio 0', () => {
  const d = deriveCpu({ monoMs: 0, usageNs: 0, periods: 0, throttledPeriods: 0 }, { monoMs: 500, usageNs: 1e9, periods: 0, throttledPeriods: 0 });
  assert.equal(d.cores, 2);
  assert.equal(d.throttledRatio, 0);
});
