import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, parseBytes, parseDecimal, parseInteger } from '../../../agent/cli/units.js';

test('parseBytes reads docker sizes in binary units', () => {
  const cases: [string, number][] = [
    ['64m', 64 * 2 ** 20], ['64M', 64 * 2 ** 20], ['64mb', 64 * 2 ** 20], ['64MiB', 64 * 2 ** 20],
    ['512k', 512 * 1024], ['1g', 2 ** 30], ['1.5g', 1.5 * 2 ** 30], ['100', 100], ['100b', 100], ['2t', 2 * 2 ** 40],
  ];
  for (const [input, bytes] of cases) assert.equal(parseBytes(input, '--memory', 'berth run'), bytes, input);
});

test('parseBytes errors name the flag and the value', () => {
  for (const bad of ['', 'lots', '64x', '-1', '1.2.3m', 'm']) {
    assert.throws(() => parseBytes(bad, '--memory', 'berth run'), (e: any) => e.details.flag === '--memory' && e.message.includes(`"${bad}"`), bad);
  }
});

test('integers and decimals with minimums', () => {
  assert.equal(parseInteger('-1', '--pids-limit', 'c', -1), -1);
  assert.throws(() => parseInteger('-2', '--pids-limit', 'c', -1), /must be at least -1/);
  assert.throws(() => parseInteger('1.5', '--pids-limit', 'c'), /not an integer/);
  assert.equal(parseDecimal('0.5', '--cpus', 'c'), 0.5);
  assert.equal(parseDecimal('.25', '--cpus', 'c'), 0.25);
  assert.throws(() => parseDecimal('-1', '--cpus', 'c'), /--cpus: not a number/);
  assert.throws(() => parseDecimal('half', '--cpus', 'c'), /"half" for --cpus/);
});

test('formatBytes prints like docker units.BytesSize', () => {
  assert.equal(formatBytes(512), '512B');
  assert.equal(formatBytes(1024), '1KiB');
  assert.equal(formatBytes(64 * 2 ** 20), '64MiB');
  assert.equal(formatBytes(2087665664), '1.944GiB');
  assert.equal(formatBytes(1536), '1.5KiB');
});
