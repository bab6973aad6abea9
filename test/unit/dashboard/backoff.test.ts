import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay } from '../../../dashboard/src/backoff.js';

const opts = { initialMs: 500, maxMs: 15_000, factor: 2 };

test('reconnect delays double per attempt, with jitter in the upper half, up to the cap', () => {
  assert.equal(backoffDelay(0, opts, () => 0), 250);
  assert.equal(backoffDelay(0, opts, () => 0.999999), 500);
  assert.equal(backoffDelay(1, opts, () => 0), 500);
  assert.equal(backoffDelay(3, opts, () => 0), 2000);
  assert.equal(backoffDelay(10, opts, () => 0), 7500, 'capped at maxMs, never below half of it');
  assert.equal(backoffDelay(50, opts, () => 0.999999), 15_000);
});

test('delays never decrease with the attempt for the same jitter', () => {
  let prev = 0;
  for (let a = 0; a < 12; a++) {
    const d = backoffDelay(a, opts, () => 0.5);
    assert.ok(d >= prev, `attempt ${a}: ${d} < ${prev}`);
    prev = d;
  }
});
