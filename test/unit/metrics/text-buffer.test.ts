// ExpositionBuffer against plain JavaScript: numbers as formatValue (String(v)) spells them, and
// text of several pieces (1 MiB each) with non-ASCII characters on either side of the seams.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeText, ExpositionBuffer, formatValue } from '../../../agent/metrics/text-buffer.js';
import { seededRandom } from '../../helpers/metric-samples.js';

test('value() spells every number as formatValue does', () => {
  const rand = seededRandom(7);
  const values = [0, -0, 5, -5, 10, 2 ** 31, -(2 ** 31), 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 53, 1e16, 1e21, 1e-7, 0.5, NaN, Infinity, -Infinity];
  for (let digits = 1; digits <= 17; digits++) {
    for (let i = 0; i < 50; i++) {
      const v = Math.floor(rand() * 10 ** digits);
      values.push(v, -v, v / 1e9, v / 1e6, v / 1000);
    }
  }
  const out = new ExpositionBuffer();
  for (const v of values) { out.value(v); out.byte(0x0a); }
  assert.deepEqual(out.take().split('\n').slice(0, -1), values.map(formatValue));
});

test('text of many pieces comes out whole, UTF-8 included, whatever falls on a seam', () => {
  const rand = seededRandom(11);
  const words = ['plain', 'café', '日本語', '😀', 'x'.repeat(999), 'é'.repeat(333)];
  const out = new ExpositionBuffer();
  const expected: string[] = [];
  for (let total = 0; total < 3.5 * 2 ** 20;) {
    const word = words[Math.floor(rand() * words.length)];
    if (rand() < 0.5) out.string(word); else out.bytes(encodeText(word));
    expected.push(word);
    total += Buffer.byteLength(word);
  }
  const text = out.take();
  assert.equal(text, expected.join(''));
  assert.equal(out.take(), '', 'take() starts the next text');
});

test('one write longer than a piece, and an ASCII piece after a UTF-8 one', () => {
  const out = new ExpositionBuffer();
  const huge = `${'ü'.repeat(400_000)}${'a'.repeat(300_000)}`; // 1.1 MB of UTF-8 in one write
  out.string('start ');
  out.string(huge);
  out.string('a'.repeat(2 ** 20));
  assert.equal(out.take(), `start ${huge}${'a'.repeat(2 ** 20)}`);
});

test('reset() drops what a failed render left behind', () => {
  const out = new ExpositionBuffer();
  out.string('half a render');
  out.reset();
  out.value(42);
  assert.equal(out.take(), '42');
});

test('encodeText keeps non-ASCII text as UTF-8', () => {
  assert.equal(Buffer.from(encodeText('日本').bytes).toString('utf8'), '日本');
});
