import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BerthError } from '../../../agent/errors.js';
import { parseListFormat, renderList, type ItemFormat } from '../../../agent/cli/output-format.js';
import { STATS_FIELD_HEADERS, statsLine, stoppedLine } from '../../../agent/cli/stats.js';
import { formatDecimalBytes } from '../../../agent/cli/units.js';
import type { ContainerSample } from '../../../agent/sampler/types.js';
import { makeStats } from '../sampler/fakes.js';

test('decimal I/O sizes like docker (3 significant digits)', () => {
  assert.equal(formatDecimalBytes(0), '0B');
  assert.equal(formatDecimalBytes(999), '999B');
  assert.equal(formatDecimalBytes(720_000), '720kB');
  assert.equal(formatDecimalBytes(1_048_576), '1.05MB');
  assert.equal(formatDecimalBytes(2.5e9), '2.5GB');
});

const sample = (over: Partial<ContainerSample> = {}): ContainerSample => ({
  id: 'f'.repeat(64), name: 'web', image: 'img', cgroup: '/berth/x', time: 0,
  stats: makeStats({ memory: { workingSetBytes: 32 * 1024 * 1024, limitBytes: 128 * 1024 * 1024 }, io: { readBytes: 4096, writeBytes: 2_000_000 } }),
  cpu: { cores: 0.4999, percent: 49.99, throttledRatio: 0 },
  network: [
    { name: 'lo', rxBytes: 1e9, rxPackets: 0, rxErrors: 0, rxDropped: 0, txBytes: 1e9, txPackets: 0, txErrors: 0, txDropped: 0 },
    { name: 'eth0', rxBytes: 1500, rxPackets: 0, rxErrors: 0, rxDropped: 0, txBytes: 648, txPackets: 0, txErrors: 0, txDropped: 0 },
  ],
  processes: 1, threads: 3, namespaces: [], ...over,
});

test('a stats line has docker columns: working set over the limit, lo left out of NET I/O', () => {
  assert.deepEqual(statsLine(sample(), 8 * 1024 ** 3, { as: 'web' }), {
    BlockIO: '4.1kB / 2MB', CPUPerc: '49.99%', Container: 'web', ID: 'ffffffffffff', MemPerc: '25.00%',
    MemUsage: '32MiB / 128MiB', Name: 'web', NetIO: '1.5kB / 648B', PIDs: '3',
  });
});

test('a container in the host\'s network namespace shows no traffic of its own (the host\'s counters are not its), as docker stats does', () => {
  const ns = (hostShared: boolean) => [{ type: 'net' as const, inode: 4026531840, hostShared }, { type: 'pid' as const, inode: 4026531836, hostShared: true }];
  assert.equal(statsLine(sample({ namespaces: ns(true) }), 8 * 1024 ** 3).NetIO, '0B / 0B');
  assert.equal(statsLine(sample({ namespaces: ns(false) }), 8 * 1024 ** 3).NetIO, '1.5kB / 648B', 'a shared pid namespace does not matter');
});

test('without a memory limit the host memory is the limit, like docker', () => {
  const s = sample({ stats: makeStats({ memory: { workingSetBytes: 1024 ** 3 } }) });
  const l = statsLine(s, 4 * 1024 ** 3);
  assert.equal(l.MemUsage, '1GiB / 4GiB');
  assert.equal(l.MemPerc, '25.00%');
  assert.equal(l.Container, s.id);
});

test('a stopped container shows docker\'s zeros; --no-trunc shows whole ids', () => {
  const id = 'e'.repeat(64);
  assert.deepEqual(stoppedLine({ id, name: 'done' }), {
    BlockIO: '0B / 0B', CPUPerc: '0.00%', Container: id, ID: 'eeeeeeeeeeee', MemPerc: '0.00%', MemUsage: '0B / 0B', Name: 'done', NetIO: '0B / 0B', PIDs: '0',
  });
  assert.equal(stoppedLine({ id, name: 'done' }, { truncate: false }).ID, id);
  assert.equal(statsLine(sample(), 0, { truncate: false }).ID, 'f'.repeat(64));
});

test('--format: table TEMPLATE heads columns with docker\'s names and aligns them; a template prints a line per container', () => {
  const lines = [statsLine(sample(), 0), statsLine(sample({ name: 'a-much-longer-name' }), 0)];
  const table = parseListFormat('berth stats', 'table {{.Name}}\\t{{.CPUPerc}}\\t{{.PIDs}}');
  assert.equal(renderList('berth stats', table as ItemFormat, lines, STATS_FIELD_HEADERS), [
    `${'NAME'.padEnd(21)}${'CPU %'.padEnd(10)}PIDS`,
    `${'web'.padEnd(21)}${'49.99%'.padEnd(10)}3`,
    `${'a-much-longer-name'.padEnd(21)}${'49.99%'.padEnd(10)}3`,
    '',
  ].join('\n'));
  const plain = parseListFormat('berth stats', '{{.Name}}={{.MemPerc}}') as ItemFormat;
  assert.equal(renderList('berth stats', plain, lines, STATS_FIELD_HEADERS), 'web=25.00%\na-much-longer-name=25.00%\n');
  assert.equal(renderList('berth stats', plain, [], STATS_FIELD_HEADERS), '');
  assert.deepEqual(parseListFormat('berth stats', 'table'), { kind: 'table' });
  assert.deepEqual(parseListFormat('berth stats', undefined), { kind: 'table' });
});

test('--format errors are usage errors that show the template', () => {
  assert.throws(() => parseListFormat('berth stats', '{{.Name'), (err: BerthError) =>
    err.code === 'INVALID_REQUEST' && /^berth stats: --format: template "\{\{\.Name": at position 1: unclosed action/.test(err.message));
  const typo = parseListFormat('berth stats', '{{.Nmae}}') as ItemFormat;
  assert.throws(() => renderList('berth stats', typo, [statsLine(sample(), 0)], STATS_FIELD_HEADERS),
    /--format: template "\{\{\.Nmae\}\}": at position 3: no field Nmae \(there are: BlockIO, CPUPerc, Container, ID/);
});
