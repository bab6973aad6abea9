import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toStreamSample } from '../../../agent/stream/condense.js';
import type { ContainerSample, NamespaceSample } from '../../../agent/sampler/types.js';
import { makeStats } from '../sampler/fakes.js';

const iface = (name: string, rxBytes: number, txBytes: number) =>
  ({ name, rxBytes, rxPackets: 0, rxErrors: 0, rxDropped: 0, txBytes, txPackets: 0, txErrors: 0, txDropped: 0 });

const sample = (netHostShared: boolean): ContainerSample => ({
  id: 'a'.repeat(64), name: 'web', image: 'img', cgroup: '/berth/a', time: 1000,
  stats: makeStats({ spec: { cpuQuotaUs: 50_000, cpuPeriodUs: 100_000, cpuShares: 1024 } }),
  cpu: { cores: 0.123456, percent: 12.3456, throttledRatio: 0 },
  network: [iface('lo', 5000, 5000), iface('eth0', 1500, 600), iface('eth1', 500, 400)],
  processes: 1, threads: 1,
  namespaces: [{ type: 'net', inode: 4026531840, hostShared: netHostShared } satisfies NamespaceSample],
});

test('the stream sample\'s traffic: every interface but lo; none of its own in the host\'s network namespace', () => {
  const own = toStreamSample(sample(false));
  assert.deepEqual([own.netRxBytes, own.netTxBytes], [2000, 1000]);
  assert.deepEqual([own.cpuCores, own.cpuQuotaCores], [0.1235, 0.5]);
  const host = toStreamSample(sample(true));
  assert.deepEqual([host.netRxBytes, host.netTxBytes], [0, 0]);
});
