import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FlatKeyedBytes, parseUintBytes } from '../../../agent/cgroups/parse-bytes.js';

const bytes = (text: string): Buffer => Buffer.from(text, 'latin1');

test('parseUintBytes reads the leading decimal of a range and stops at its first non-digit', () => {
  const b = bytes('123456789012\n');
  assert.equal(parseUintBytes(b, 0, b.length), 123456789012);
  assert.equal(parseUintBytes(b, 3, 6), 456, 'only inside the range');
  assert.equal(parseUintBytes(bytes('max\n'), 0, 4), 0);
  assert.equal(parseUintBytes(b, 0, 0), 0, 'an empty range (an absent file)');
});

test('FlatKeyedBytes takes only whole keys, in its own key order, and 0 for a key the file lacks', () => {
  const parser = new FlatKeyedBytes(['usage_usec', 'nr_throttled', 'throttled_usec']);
  // nr_throttled_extra and usage_usec_total share a prefix with wanted keys; the last line has no newline.
  const text = 'usage_usec_total 1\nusage_usec 500\nnr_periods 7\nnr_throttled_extra 9\n\nbogus\nnr_throttled 3';
  assert.deepEqual([...parser.parse(bytes(text), text.length)], [500, 3, 0]);
});

test('FlatKeyedBytes reads only the given length and resets the values of the previous parse', () => {
  const parser = new FlatKeyedBytes(['a', 'b']);
  assert.deepEqual([...parser.parse(bytes('a 1\nb 2\n'), 8)], [1, 2]);
  const buffer = bytes('b 5\na 99999\n');
  assert.deepEqual([...parser.parse(buffer, 4)], [0, 5], 'a beyond the length is not read; a from the last parse is gone');
  assert.deepEqual([...parser.parse(buffer, 0)], [0, 0]);
});
