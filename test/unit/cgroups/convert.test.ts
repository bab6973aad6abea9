import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blkioWeightToIoWeight, deviceRuleString, swapMaxV2, sharesToWeight, v1Limit, v2Limit, weightToShares } from '../../../agent/cgroups/convert.js';

test('sharesToWeight follows crun: 1024 → 100, ends clamp to 1 and 10000, monotonic', () => {
  assert.equal(sharesToWeight(1024), 100);
  assert.equal(sharesToWeight(2), 1);
  assert.equal(sharesToWeight(262_144), 10_000);
  assert.equal(sharesToWeight(512), 59);
  let previous = 0;
  for (let s = 2; s <= 262_144; s *= 2) {
    const w = sharesToWeight(s);
    assert.ok(w >= previous && w >= 1 && w <= 10_000, `weight ${w} for shares ${s}`);
    previous = w;
  }
});

test('weightToShares inverts sharesToWeight closely enough to report the shares given', () => {
  assert.equal(weightToShares(100), 1024);
  for (const shares of [2, 100, 256, 512, 1024, 2048, 4096, 100_000, 262_144]) {
    const back = weightToShares(sharesToWeight(shares));
    assert.ok(Math.abs(back - shares) / shares < 0.05, `shares ${shares} → weight ${sharesToWeight(shares)} → ${back}`);
  }
});

test('blkioWeightToIoWeight maps 10..1000 onto 1..10000', () => {
  assert.equal(blkioWeightToIoWeight(10), 1);
  assert.equal(blkioWeightToIoWeight(1000), 10_000);
  assert.equal(blkioWeightToIoWeight(500), 4950);
});

test('swapMaxV2 is swap alone: memory+swap minus memory, unlimited as max', () => {
  assert.equal(swapMaxV2(256 << 20, 512 << 20), String(256 << 20));
  assert.equal(swapMaxV2(256 << 20, 256 << 20), '0');
  assert.equal(swapMaxV2(256 << 20, -1), 'max');
  assert.equal(swapMaxV2(256 << 20, 0), 'max');
});

test('limits: 0 means unlimited, spelled -1 on v1 and max on v2', () => {
  assert.equal(v1Limit(0), '-1');
  assert.equal(v1Limit(4096), '4096');
  assert.equal(v2Limit(0), 'max');
  assert.equal(v2Limit(4096), '4096');
});

test('deviceRuleString writes the devices cgroup syntax with * for -1', () => {
  assert.equal(deviceRuleString({ type: 'c', major: 1, minor: 5, access: 'rwm' }), 'c 1:5 rwm');
  assert.equal(deviceRuleString({ type: 'c', major: 136, minor: -1, access: 'rw' }), 'c 136:* rw');
  assert.equal(deviceRuleString({ type: 'b', major: -1, minor: -1, access: 'm' }), 'b *:* m');
  assert.equal(deviceRuleString({ type: 'a', major: -1, minor: -1, access: 'rwm' }), 'a');
});
