import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ring } from '../../../dashboard/src/ring.js';

test('a ring keeps the newest items up to its capacity, oldest first', () => {
  const r = new Ring<number>(3);
  assert.deepEqual(r.toArray(), []);
  assert.equal(r.last(), undefined);
  for (const n of [1, 2, 3, 4, 5]) r.push(n);
  assert.equal(r.length, 3);
  assert.deepEqual(r.toArray(), [3, 4, 5]);
  assert.deepEqual([...r], [3, 4, 5]);
  assert.equal(r.at(0), 3);
  assert.equal(r.at(-1), 5);
  assert.equal(r.at(3), undefined);
  assert.equal(r.at(-4), undefined);
});

test('reset keeps only the newest capacity items; clear empties', () => {
  const r = new Ring<string>(2);
  r.reset(['a', 'b', 'c']);
  assert.deepEqual(r.toArray(), ['b', 'c']);
  r.push('d');
  assert.deepEqual(r.toArray(), ['c', 'd']);
  r.clear();
  assert.equal(r.length, 0);
  r.push('e');
  assert.deepEqual(r.toArray(), ['e']);
});

test('a capacity that is not a positive integer is refused with the value named', () => {
  assert.throws(() => new Ring(0), /ring capacity: expected a positive integer, got 0/);
  assert.throws(() => new Ring(2.5), /got 2.5/);
});
