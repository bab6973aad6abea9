import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  flatKeyValue, parseBlkio, parseCpuMax, parseFlatKeyed, parseLimit, parseNestedKeyed, parseNumber, parseNumberList, parsePids, parsePressure,
} from '../../../agent/cgroups/index.js';

test('parseNumber trims and rejects empty or non-numeric text', () => {
  assert.equal(parseNumber('123\n'), 123);
  assert.ok(Number.isNaN(parseNumber('')));
  assert.ok(Number.isNaN(parseNumber('max')));
});

test('parseLimit maps max, -1 and v1 huge values to 0 (unlimited) and keeps real limits', () => {
  assert.equal(parseLimit('max\n'), 0);
  assert.equal(parseLimit('-1'), 0);
  assert.equal(parseLimit('9223372036854771712\n'), 0);
  assert.equal(parseLimit('268435456\n'), 268435456);
  assert.equal(parseLimit('0'), 0);
  assert.ok(Number.isNaN(parseLimit('lots')));
});

test('parseFlatKeyed reads key value lines, ignoring blank and malformed lines', () => {
  assert.deepEqual(parseFlatKeyed('usage_usec 5\nuser_usec 3\n\nbogus\nsystem_usec 2'), { usage_usec: 5, user_usec: 3, system_usec: 2 });
  assert.deepEqual(parseFlatKeyed(''), {});
});

test('parseNestedKeyed reads io.stat lines per device, with max as 0', () => {
  const parsed = parseNestedKeyed('8:0 rbytes=4096 wbytes=8192 rios=1 wios=2\n254:0 rbytes=1 wbytes=max\n');
  assert.deepEqual(parsed, { '8:0': { rbytes: 4096, wbytes: 8192, rios: 1, wios: 2 }, '254:0': { rbytes: 1, wbytes: 0 } });
  assert.deepEqual(parseNestedKeyed(''), {});
});

test('parsePressure takes the some and full totals', () => {
  const text = 'some avg10=1.00 avg60=0.50 avg300=0.10 total=1500\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=500\n';
  assert.deepEqual(parsePressure(text), { someTotalUs: 1500, fullTotalUs: 500 });
  // The root cgroup's cpu.pressure has only "some" on older kernels.
  assert.deepEqual(parsePressure('some avg10=0.00 avg60=0.00 avg300=0.00 total=7\n'), { someTotalUs: 7, fullTotalUs: 0 });
  assert.deepEqual(parsePressure('full avg10=0.00 total=9'), { someTotalUs: 0, fullTotalUs: 9 }, 'full first, no newline at the end');
  assert.deepEqual(parsePressure('some avg10=0.00\nfull avg10=0.00 total=3\n'), { someTotalUs: 0, fullTotalUs: 3 }, 'a line without total');
  assert.deepEqual(parsePressure(''), { someTotalUs: 0, fullTotalUs: 0 });
});

test('parseBlkio gives Read and Write per device, in file order', () => {
  const text = '8:0 Read 4096\n8:0 Write 8192\n8:0 Sync 12288\n8:0 Total 12288\n254:16 Read 1000\n254:16 Write 2000\nTotal 15288\n';
  assert.deepEqual(parseBlkio(text), [{ major: 8, minor: 0, read: 4096, write: 8192 }, { major: 254, minor: 16, read: 1000, write: 2000 }]);
  assert.deepEqual(parseBlkio('Total 0\n'), []);
  // A device whose lines are not together (never seen, but nothing in the format forbids it) stays one device.
  assert.deepEqual(parseBlkio('8:0 Read 1\n9:0 Read 2\n8:0 Write 3\n'), [{ major: 8, minor: 0, read: 1, write: 3 }, { major: 9, minor: 0, read: 2, write: 0 }]);
});

test('parseNumberList reads cpuacct.usage_percpu with its trailing space', () => {
  assert.deepEqual(parseNumberList('3000000000 2000000000 \n'), [3000000000, 2000000000]);
  assert.deepEqual(parseNumberList('\n'), []);
});

test('parsePids reads one pid per line', () => {
  assert.deepEqual(parsePids('1\n42\n'), [1, 42]);
  assert.deepEqual(parsePids(''), []);
});

test('parseCpuMax reads quota and period, max as no quota', () => {
  assert.deepEqual(parseCpuMax('50000 100000\n'), { quotaUs: 50000, periodUs: 100000 });
  assert.deepEqual(parseCpuMax('max 100000\n'), { quotaUs: 0, periodUs: 100000 });
});

test('flatKeyValue finds a key only at a line start and only as a whole key', () => {
  const text = 'rss 2\ntotal_rss 62914560\ninactive_file 7\ntotal_inactive_file 20\n';
  assert.equal(flatKeyValue(text, 'rss'), 2);
  assert.equal(flatKeyValue(text, 'total_rss'), 62914560);
  assert.equal(flatKeyValue(text, 'inactive_file'), 7);
  assert.equal(flatKeyValue(text, 'total_inactive_file'), 20);
  assert.equal(flatKeyValue(text, 'total'), undefined);
  assert.equal(flatKeyValue(text, 'swap'), undefined);
  assert.equal(flatKeyValue('oom 3\noom_kill 2', 'oom_kill'), 2, 'last line without newline');
  assert.equal(flatKeyValue('oom_kill 2\noom 3\n', 'oom'), 3, 'a key that prefixes an earlier one');
});
