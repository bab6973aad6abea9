import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CriLogParser, CriOutputParser, parseSince } from '../../../agent/runtime/cri-log.js';

test('CRI records become log lines; P records join up to the F record of the same stream', () => {
  const p = new CriLogParser();
  const lines = p.push([
    '2026-01-01T00:00:00.000000001Z stdout F hello world',
    '2026-01-01T00:00:01.000000000Z stderr P part one ',
    '2026-01-01T00:00:01.500000000Z stdout F interleaved',
    '2026-01-01T00:00:02.000000000Z stderr F and two',
    '2026-01-01T00:00:03.000000000Z stdout F ',
    '',
  ].join('\n'));
  assert.deepEqual(lines, [
    { stream: 'stdout', time: '2026-01-01T00:00:00.000000001Z', line: 'hello world' },
    { stream: 'stdout', time: '2026-01-01T00:00:01.500000000Z', line: 'interleaved' },
    { stream: 'stderr', time: '2026-01-01T00:00:01.000000000Z', line: 'part one and two' },
    { stream: 'stdout', time: '2026-01-01T00:00:03.000000000Z', line: '' },
  ]);
});

test('a record split across chunks is parsed once complete; a trailing partial is flushed at the end', () => {
  const p = new CriLogParser();
  assert.deepEqual(p.push('2026-01-01T00:00:00Z stdout F ab'), []);
  assert.deepEqual(p.push('c\n2026-01-01T00:00:01Z stdout P no newline\n'), [{ stream: 'stdout', time: '2026-01-01T00:00:00Z', line: 'abc' }]);
  assert.deepEqual(p.flush(), [{ stream: 'stdout', time: '2026-01-01T00:00:01Z', line: 'no newline' }]);
  assert.deepEqual(p.flush(), []);
});

test('lines that are not CRI records are skipped', () => {
  const p = new CriLogParser();
  assert.deepEqual(p.push('garbage\n2026-01-01T00:00:00Z stdin F x\n'), []);
});

test('since accepts RFC 3339, unix seconds and durations back from now; rejects the rest', () => {
  const now = Date.parse('2026-01-01T12:00:00Z');
  assert.equal(parseSince('2026-01-01T11:00:00Z', now), Date.parse('2026-01-01T11:00:00Z'));
  assert.equal(parseSince('1700000000.5', now), 1_700_000_000_500);
  assert.equal(parseSince('10m', now), now - 600_000);
  assert.equal(parseSince('2h', now), now - 7_200_000);
  assert.equal(parseSince('yesterday', now), undefined);
});

test('attach and raw logs: records back to the bytes written (F adds the newline, P not), one chunk per run of a stream, other lines skipped, split anywhere', () => {
  const log = Buffer.concat([
    Buffer.from('2026-01-01T00:00:00.000000001Z stdout P / # \n'),
    Buffer.from('2026-01-01T00:00:00.000000002Z stdout F echo hi\r\n'),
    Buffer.from('2026-01-01T00:00:00.000000003Z stderr F oops\n'),
    Buffer.from('not a record\n2026-01-01T00:00:00.000000003Z stdin F skipped\n2026-01-01T00:00:00Z\n'),
    Buffer.from('2026-01-01T00:00:00.000000004Z stdout P '), Buffer.from([0xff, 0x00, 0x80]), Buffer.from('\n'),
    Buffer.from('2026-01-01T00:00:00.000000005Z stdout F\n'), // an empty line
  ]);
  const expected = [
    { stream: 'stdout', data: Buffer.from('/ # echo hi\r\n') },
    { stream: 'stderr', data: Buffer.from('oops\n') },
    { stream: 'stdout', data: Buffer.concat([Buffer.from([0xff, 0x00, 0x80]), Buffer.from('\n')]) },
  ];
  assert.deepEqual(new CriOutputParser().push(log), expected);
  // Byte by byte: the same bytes per stream, whatever the chunks.
  const parser = new CriOutputParser();
  const pieces = [...log].flatMap((b) => parser.push(Buffer.from([b])));
  for (const stream of ['stdout', 'stderr'] as const) {
    const join = (chunks: { stream: string; data: Buffer }[]) => Buffer.concat(chunks.filter((c) => c.stream === stream).map((c) => c.data));
    assert.ok(join(pieces).equals(join(expected)), stream);
  }
});
