import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_STRIDE, SampleBudget } from '../../../agent/sampler/budget.js';

/** A budget of 30 ms per tick past its first tick (left out of every window). */
function started(): SampleBudget {
  const budget = new SampleBudget(30);
  budget.record(0);
  return budget;
}

/** Records `ticks` ticks of `cpuMs` each; returns the stride after each. */
function run(budget: SampleBudget, ticks: number, cpuMs: number): number[] {
  const strides: number[] = [];
  for (let i = 0; i < ticks; i++) {
    budget.record(cpuMs);
    strides.push(budget.stride);
  }
  return strides;
}

test('within the budget the stride stays 1; without a budget it never moves', () => {
  assert.deepEqual(run(started(), 100, 29), new Array(100).fill(1));
  assert.deepEqual(run(new SampleBudget(Infinity), 100, 1e6), new Array(100).fill(1));
});

test('ticks over the budget raise the stride one step per window of 3 ticks, up to the max', () => {
  const budget = started();
  assert.deepEqual(run(budget, 6, 45), [1, 1, 2, 2, 2, 3]);
  run(budget, 30, 1000);
  assert.equal(budget.stride, MAX_STRIDE);
});

test('the first tick, which opens and reads everything, is left out', () => {
  const budget = new SampleBudget(30);
  budget.record(150);
  assert.deepEqual(run(budget, 3, 20), [1, 1, 1]);
});

test('one slow tick among cheap ones does not move the stride: the window is averaged', () => {
  const budget = started();
  budget.record(70); // e.g. the first tick, with every container's first full read
  budget.record(5);
  budget.record(5);
  assert.equal(budget.stride, 1);
});

test('once ticks are cheap again, one less is tried after 30 ticks, and kept while it holds', () => {
  const budget = started();
  run(budget, 6, 45);
  assert.equal(budget.stride, 3);
  const strides = run(budget, 66, 10);
  assert.equal(strides.indexOf(2), 29, 'tried after 30 ticks at 3');
  assert.equal(strides.indexOf(1), 60, 'and, having held, the next step 30 ticks later (the first tick at 2 not counted)');
  assert.deepEqual(run(budget, 100, 10), new Array(100).fill(1));
});

test('the first tick at a lower stride, with the full reads it had kept waiting, is left out of the window', () => {
  const budget = started();
  run(budget, 3, 45);
  run(budget, 30, 20);
  assert.equal(budget.stride, 1, 'trying 1');
  budget.record(80); // the burst of full reads
  run(budget, 3, 25);
  assert.equal(budget.stride, 1, 'kept: the ticks after the burst are within the budget');
});

test('a try that goes over at once steps back up, and the next try waits twice as long', () => {
  const budget = started();
  run(budget, 3, 45);
  assert.equal(budget.stride, 2);
  // The fleet costs 20 ms per tick at stride 2 and 40 at stride 1.
  const cost = () => (budget.stride === 1 ? 40 : 20);
  const strides: number[] = [];
  for (let i = 0; i < 200; i++) {
    budget.record(cost());
    strides.push(budget.stride);
  }
  const tries = strides.flatMap((s, i) => (s === 1 && strides[i - 1] === 2 ? [i] : []));
  assert.deepEqual(tries, [29, 93], 'tried after 30 ticks at stride 2, then after 60 (the next would be after 120)');
  assert.equal(strides.filter((s) => s === 1).length, 4 * tries.length, 'each try lasts its first tick (left out) and one window');
});
