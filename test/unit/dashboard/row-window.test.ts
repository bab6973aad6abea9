import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rowWindow } from '../../../dashboard/src/views/row-window.js';

test('a list starting below the fold: the rows from its top to the viewport\'s bottom plus the margin', () => {
  // 1000 rows of 30 px from 400 px down a 1000 px viewport, 200 px margin: 1200 - 400 = 800 px = 26.7 rows.
  assert.deepEqual(rowWindow(1000, 30, 400, 1000, 200), { from: 0, to: 27 });
});

test('a list scrolled into: the rows on screen and within the margin on either side', () => {
  // The list's top is 3000 px above the viewport: row 100 is at its top.
  assert.deepEqual(rowWindow(1000, 30, -3000, 1000, 300), { from: 90, to: 144 });
});

test('the ends clamp to the list', () => {
  assert.deepEqual(rowWindow(50, 30, -3000, 1000, 300), { from: 50, to: 50 }, 'scrolled past its end: none');
  assert.deepEqual(rowWindow(10, 30, 0, 1000, 300), { from: 0, to: 10 }, 'shorter than the screen: all');
  assert.deepEqual(rowWindow(0, 30, 0, 1000, 300), { from: 0, to: 0 });
});

test('no row height yet: a first screenful to measure one from', () => {
  assert.deepEqual(rowWindow(1000, 0, 400, 1000, 300), { from: 0, to: 50 });
  assert.deepEqual(rowWindow(3, NaN, 400, 1000, 300), { from: 0, to: 3 });
});
