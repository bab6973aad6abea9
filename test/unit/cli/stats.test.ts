import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statsLine } from '../../../agent/cli/stats.js';
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
  assert.deepEqual(statsLine(sample(), 8 * 1024 ** 3, 'web'), {
    BlockIO: '4.1kB / 2MB', CPUPerc: '49.99%', Container: 'web', ID: 'ffffffffffff', MemPerc: '25.00%',
    MemUsage: '32MiB / 128MiB', Name: 'web', NetIO: '1.5kB / 648B', PIDs: '3',
  });
});

test('without a memory limit the host memory is the limit, like docker', () => {
  const s = sample({ stats: makeStats({ memory: { workingSetBytes: 1024 ** 3 } }) });
  const l = statsLine(s, 4 * 1024 ** 3);
  assert.equal(l.MemUsage, '1GiB / 4GiB');
  assert.equal(l.MemPerc, '25.00%');
  assert.equal(l.Container, s.id);
});
