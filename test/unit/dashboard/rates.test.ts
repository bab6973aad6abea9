import { test } from 'node:test';
import assert from 'node:assert/strict';
import { latestRate, ratePoints, valuePoints } from '../../../dashboard/src/rates.js';

const s = (t: number, v: number) => ({ t, v });

test('counters become per-second rates between consecutive samples', () => {
  const pts = ratePoints([s(1000, 0), s(1500, 500), s(2500, 1500)], (x) => x.v);
  assert.deepEqual(pts, [{ x: 1500, y: 1000 }, { x: 2500, y: 1000 }]);
});

test('a counter that went down (restart) and a repeated time give no point', () => {
  const pts = ratePoints([s(1000, 900), s(2000, 100), s(2000, 200), s(3000, 300)], (x) => x.v);
  assert.deepEqual(pts, [{ x: 3000, y: 100 }], 'measured from the newer of the two same-time samples');
});

test('latestRate needs two samples and never goes negative', () => {
  assert.equal(latestRate(s(2000, 10), undefined, (x) => x.v), 0);
  assert.equal(latestRate(s(2000, 10), s(1000, 20), (x) => x.v), 0);
  assert.equal(latestRate(s(2000, 30), s(1000, 20), (x) => x.v), 10);
  assert.deepEqual(valuePoints([s(1, 2)], (x) => x.t, (x) => x.v), [{ x: 1, y: 2 }]);
});
