// The stats readers against the fixture trees: every CgroupStats figure, same meaning on v1 and v2.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { copyStats, createCgroupManager, emptyStats, type CgroupStats, type CgroupStatsReader, readAllStats, STATS_PARTS } from '../../../agent/cgroups/index.js';
import { fixtureTree } from './fixture-tree.js';

// Both fixtures describe the same container in each version's own files.
const common = {
  cpu: {
    usageNs: 5_000_000_000, userNs: 3_000_000_000, systemNs: 1_500_000_000, periods: 100, throttledPeriods: 20, throttledNs: 400_000_000,
    burstPeriods: 1, burstNs: 10_000,
  },
  memory: {
    usageBytes: 104857600, workingSetBytes: 104857600 - 20971520, inactiveFileBytes: 20971520, activeFileBytes: 20971520, rssBytes: 62914560,
    cacheBytes: 41943040, swapBytes: 1048576, mappedFileBytes: 4194304, maxUsageBytes: 125829120, failcnt: 7, kernelBytes: 1000,
    fileDirtyBytes: 8192, fileWritebackBytes: 4096, workingsetRefaultAnon: 3, workingsetRefaultFile: 9, limitBytes: 268435456, swapLimitBytes: 536870912,
    reservationBytes: 67108864, pgfault: 12345, pgmajfault: 67,
  },
  pids: { current: 5, limit: 100 },
  // Named by the sampler, not by the reader.
  io: {
    readBytes: 5096, writeBytes: 10192, reads: 11, writes: 22,
    devices: [
      { major: 8, minor: 0, name: '', readBytes: 4096, writeBytes: 8192, reads: 1, writes: 2 },
      { major: 254, minor: 0, name: '', readBytes: 1000, writeBytes: 2000, reads: 10, writes: 20 },
    ],
  },
  spec: { cpuQuotaUs: 50000, cpuPeriodUs: 100000, cpuShares: 512 },
  pressure: { cpu: { someTotalUs: 1500, fullTotalUs: 500 }, memory: { someTotalUs: 2500, fullTotalUs: 700 }, io: { someTotalUs: 3500, fullTotalUs: 900 } },
};

/** The stats reader of the fixture's container c1, closed after the test. */
async function c1Reader(t: TestContext, tree: { root: string }): Promise<CgroupStatsReader> {
  const reader = (await createCgroupManager({ root: tree.root, parent: 'berth' })).statsReader('c1');
  t.after(() => reader.close());
  return reader;
}

test('v1 (hybrid) stats: cpuacct, cpu.stat, memory totals, oom_kill, pids, blkio, pressure from unified', async (t) => {
  const tree = fixtureTree('v1');
  t.after(() => tree.cleanup());
  const manager = await createCgroupManager({ root: tree.root, parent: 'berth' });
  const reader = manager.statsReader('c1');
  t.after(() => reader.close());
  const expected: CgroupStats = {
    ...common,
    cpu: { ...common.cpu, perCpuNs: [3_000_000_000, 2_000_000_000] },
    memory: { ...common.memory, oomEvents: 2, oomKills: 2, underOom: true },
  };
  assert.deepEqual(readAllStats(reader), expected);
});

test('v2 stats: cpu.stat usec → ns, memory.stat anon/file, swap.max + max, memory.events, io.stat, pressure', async (t) => {
  const tree = fixtureTree('v2');
  t.after(() => tree.cleanup());
  const manager = await createCgroupManager({ root: tree.root, parent: 'berth' });
  const reader = manager.statsReader('c1');
  t.after(() => reader.close());
  const expected: CgroupStats = {
    ...common,
    cpu: { ...common.cpu, systemNs: 2_000_000_000 },
    memory: { ...common.memory, oomEvents: 3, oomKills: 2, maxEvents: 7, highEvents: 4, pgscan: 100, pgsteal: 90, underOom: false },
    // cpu.weight 59 is what shares 512 became; weights are coarser than shares (every share in
    // 511..521 maps to 59), so the way back lands at the top of that range.
    spec: { ...common.spec, cpuShares: 521 },
  };
  assert.deepEqual(readAllStats(reader), expected);
});

test('the reader re-reads the same open files: new content shows, the cgroup vanishing gives null', async (t) => {
  const tree = fixtureTree('v2');
  t.after(() => tree.cleanup());
  const manager = await createCgroupManager({ root: tree.root, parent: 'berth' });
  const reader = manager.statsReader('c1');
  t.after(() => reader.close());
  tree.write('berth/c1/memory.current', '1\n');
  tree.write('berth/c1/memory.max', 'max\n');
  const stats = readAllStats(reader)!;
  assert.equal(stats.memory.usageBytes, 1);
  assert.equal(stats.memory.workingSetBytes, 0, 'working set floors at 0 when inactive_file exceeds usage');
  assert.equal(stats.memory.limitBytes, 0);
  assert.equal(stats.memory.swapLimitBytes, 0, 'no memory limit: memory + swap is unlimited too');
  // A plain file that was deleted still reads through its open fd; a cgroup directory that is gone
  // answers ENODEV, which real kernels do (shown in the integration test). Here: a reader opened late.
  rmSync(`${tree.root}/berth/c1`, { recursive: true });
  const late = manager.statsReader('c1');
  t.after(() => late.close());
  assert.equal(readAllStats(late), null);
  for (const attempt of [1, 2]) assert.equal(late.read('cpu', emptyStats()), false, `the probe of a gone cgroup, read ${attempt}: gone, not an absent file's zeros`);
});

test('the cpu probe re-reads its open file each time and fills only the CPU figures, on v1 and v2', async (t) => {
  for (const [version, file, content, usageNs] of [
    ['v1', 'cpuacct/berth/c1/cpuacct.usage', '7000000001\n', 7_000_000_001],
    ['v2', 'berth/c1/cpu.stat', 'usage_usec 7000001\nuser_usec 6\nsystem_usec 5\nnr_periods 4\nnr_throttled 3\nthrottled_usec 2\nnr_bursts 8\nburst_usec 9\n', 7_000_001_000],
  ] as const) {
    const tree = fixtureTree(version);
    t.after(() => tree.cleanup());
    const reader = await c1Reader(t, tree);
    const stats = emptyStats();
    assert.ok(reader.read('cpu', stats));
    assert.equal(stats.cpu.usageNs, common.cpu.usageNs, version);
    tree.write(file, content);
    assert.ok(reader.read('cpu', stats));
    assert.equal(stats.cpu.usageNs, usageNs, `${version}: the new content`);
    if (version === 'v2') assert.deepEqual(stats.cpu, { usageNs, userNs: 6000, systemNs: 5000, periods: 4, throttledPeriods: 3, throttledNs: 2000, burstPeriods: 8, burstNs: 9000 });
    assert.deepEqual(stats.memory, emptyStats().memory, `${version}: nothing but CPU figures`);
  }
});

test('a big memory.stat grows the shared buffer instead of being cut off', async (t) => {
  const tree = fixtureTree('v1');
  t.after(() => tree.cleanup());
  const padding = Array.from({ length: 400 }, (_, i) => `padding_key_number_${i} ${i}`).join('\n');
  tree.write('memory/berth/c1/memory.stat', `${padding}\ntotal_rss 4242\ntotal_inactive_file 0\n`);
  const manager = await createCgroupManager({ root: tree.root, parent: 'berth' });
  const reader = manager.statsReader('c1');
  t.after(() => reader.close());
  assert.ok(padding.length > 8192);
  assert.equal(readAllStats(reader)!.memory.rssBytes, 4242);
  assert.equal(readAllStats(reader)!.memory.rssBytes, 4242, 'second read with the grown buffer');
});

test('optional files missing (no memsw, no memory.peak, no pressure) leave 0 or absent, not errors', async (t) => {
  const tree = fixtureTree('v2');
  t.after(() => tree.cleanup());
  for (const f of ['memory.peak', 'memory.swap.max', 'memory.swap.current', 'cpu.pressure', 'memory.pressure', 'io.pressure', 'cpu.weight']) {
    rmSync(`${tree.root}/berth/c1/${f}`);
  }
  const manager = await createCgroupManager({ root: tree.root, parent: 'berth' });
  const reader = manager.statsReader('c1');
  t.after(() => reader.close());
  const stats = readAllStats(reader)!;
  assert.equal(stats.memory.maxUsageBytes, 0);
  assert.equal(stats.memory.swapLimitBytes, 0);
  assert.equal(stats.pressure, undefined);
  assert.equal(stats.spec.cpuShares, 0);
  assert.equal(stats.memory.usageBytes, 104857600);
});

test('v1 blkio: the first family with device lines wins (bfq empty → throttle)', async (t) => {
  const tree = fixtureTree('v1');
  t.after(() => tree.cleanup());
  tree.write('blkio/berth/c1/blkio.bfq.io_service_bytes_recursive', '8:16 Read 7\n8:16 Write 9\nTotal 16\n');
  tree.write('blkio/berth/c1/blkio.bfq.io_serviced_recursive', '8:16 Read 1\n8:16 Write 1\nTotal 2\n');
  const manager = await createCgroupManager({ root: tree.root, parent: 'berth' });
  const reader = manager.statsReader('c1');
  t.after(() => reader.close());
  assert.deepEqual(readAllStats(reader)!.io,
    { readBytes: 7, writeBytes: 9, reads: 1, writes: 1, devices: [{ major: 8, minor: 16, name: '', readBytes: 7, writeBytes: 9, reads: 1, writes: 1 }] });
});

test('io: a read whose counters did not move keeps the devices array (the history shares it); one that moved replaces it', async (t) => {
  for (const [version, file, moved] of [
    ['v1', 'blkio/berth/c1/blkio.throttle.io_service_bytes_recursive', '8:0 Read 4096\n8:0 Write 8193\n254:0 Read 1000\n254:0 Write 2000\nTotal 15289\n'],
    ['v2', 'berth/c1/io.stat', '8:0 rbytes=4096 wbytes=8193 rios=1 wios=2\n254:0 rbytes=1000 wbytes=2000 rios=10 wios=20\n'],
  ] as const) {
    const tree = fixtureTree(version);
    t.after(() => tree.cleanup());
    const reader = await c1Reader(t, tree);
    const stats = emptyStats();
    assert.ok(reader.read('full', stats));
    const first = stats.io.devices;
    assert.equal(first.length, 2, version);
    assert.ok(reader.read('full', stats));
    assert.equal(stats.io.devices, first, `${version}: the same counters, the same array`);
    tree.write(file, moved);
    assert.ok(reader.read('full', stats));
    assert.notEqual(stats.io.devices, first, version);
    assert.equal(stats.io.writeBytes, 10193, `${version}: the new sum`);
    assert.equal(first[0].writeBytes, 8192, `${version}: the old array unchanged`);
  }
});

test('a closed reader returns null and closing twice is harmless', async (t) => {
  const tree = fixtureTree('v1');
  t.after(() => tree.cleanup());
  const reader = (await createCgroupManager({ root: tree.root, parent: 'berth' })).statsReader('c1');
  assert.notEqual(readAllStats(reader), null);
  reader.close();
  reader.close();
  assert.equal(readAllStats(reader), null);
});

test('v1: cpuacct.usage_all gives the user/system split in ns; the total and per-CPU figures stay those of cpuacct.usage(_percpu)', async (t) => {
  const tree = fixtureTree('v1');
  t.after(() => tree.cleanup());
  // Tick-sampled, as current kernels report it: its sum (4.9 s) is not the exact total (5 s).
  tree.write('cpuacct/berth/c1/cpuacct.usage_all', 'cpu user system\n0 1996000000 1000000000\n1 1500000000 404000000\n');
  const reader = await c1Reader(t, tree);
  const stats = emptyStats();
  assert.equal(reader.read('cpu', stats), true);
  assert.equal(stats.cpu.usageNs, 5_000_000_000);
  assert.equal(reader.read('full', stats), true);
  assert.deepEqual(stats.cpu, {
    usageNs: 5_000_000_000, userNs: 3_496_000_000, systemNs: 1_404_000_000, perCpuNs: [3_000_000_000, 2_000_000_000],
    periods: 100, throttledPeriods: 20, throttledNs: 400_000_000, burstPeriods: 1, burstNs: 10_000,
  });
});

for (const version of ['v1', 'v2'] as const) {
  test(`${version}: each part refreshes only its own figures and leaves the others as they were`, async (t) => {
    const tree = fixtureTree(version);
    t.after(() => tree.cleanup());
    const manager = await createCgroupManager({ root: tree.root, parent: 'berth' });
    const reader = manager.statsReader('c1');
    t.after(() => reader.close());
    const into = emptyStats();
    assert.equal(reader.read('cpu', into), true);
    assert.equal(into.cpu.usageNs, common.cpu.usageNs);
    assert.equal(into.memory.usageBytes, 0, 'the probe reads no memory file');
    assert.equal(into.spec.cpuShares, 0, 'nor settings');
    assert.equal(reader.read('active', into), true);
    assert.equal(into.memory.usageBytes, common.memory.usageBytes);
    assert.equal(into.pids.current, common.pids.current);
    if (version === 'v1') assert.equal(into.cpu.periods, 0, 'v1 throttling: no quota known before a full read, cpu.stat left to it');
    assert.equal(into.memory.workingSetBytes, common.memory.usageBytes, 'no memory.stat read yet: nothing inactive known');
    assert.equal(into.memory.limitBytes, 0, 'limits are full figures');
    assert.equal(reader.read('memoryStat', into), true);
    assert.equal(into.memory.workingSetBytes, common.memory.workingSetBytes);
    assert.equal(into.memory.rssBytes, common.memory.rssBytes);
    assert.equal(into.memory.maxUsageBytes, 0, 'peaks are full figures');
    // A new usage with the inactive figure of the last memory.stat read.
    tree.write(version === 'v1' ? 'memory/berth/c1/memory.usage_in_bytes' : 'berth/c1/memory.current', `${common.memory.usageBytes + 4096}\n`);
    assert.equal(reader.read('active', into), true);
    assert.equal(into.memory.workingSetBytes, common.memory.workingSetBytes + 4096);
    assert.equal(reader.read('full', into), true);
    assert.equal(into.memory.limitBytes, common.memory.limitBytes);
    assert.equal(into.pids.limit, common.pids.limit);
    assert.deepEqual(into.io, common.io);
    if (version === 'v1') {
      tree.write('cpu/berth/c1/cpu.stat', 'nr_periods 101\nnr_throttled 21\nthrottled_time 400000001\n');
      assert.equal(reader.read('active', into), true);
      assert.deepEqual([into.cpu.periods, into.cpu.throttledPeriods, into.cpu.throttledNs], [101, 21, 400000001], 'with a quota, active re-reads cpu.stat');
    }
  });
}

test('settingsChanged() says when update() moved the settings since the last full read', async (t) => {
  const tree = fixtureTree('v2');
  t.after(() => tree.cleanup());
  const manager = await createCgroupManager({ root: tree.root, parent: 'berth' });
  const reader = manager.statsReader('c1');
  t.after(() => reader.close());
  assert.equal(reader.settingsChanged(), false);
  await manager.update('c1', { memoryBytes: 128 << 20 });
  assert.equal(reader.settingsChanged(), true);
  const into = emptyStats();
  reader.read('active', into);
  assert.equal(reader.settingsChanged(), true, 'only a full read takes the change in');
  reader.read('full', into);
  assert.equal(reader.settingsChanged(), false);
  assert.equal(into.memory.limitBytes, 128 << 20);
});

for (const version of ['v1', 'v2'] as const) {
  test(`${version}: a copy for a sample keeps its figures through later reads`, async (t) => {
    const tree = fixtureTree(version);
    t.after(() => tree.cleanup());
    const reader = await c1Reader(t, tree);
    const current = readAllStats(reader)!;
    const copy = copyStats(current);
    const kept = structuredClone(copy);
    tree.write(version === 'v1' ? 'pids/berth/c1/pids.current' : 'berth/c1/pids.current', '6\n');
    tree.write(version === 'v1' ? 'memory/berth/c1/memory.usage_in_bytes' : 'berth/c1/memory.current', '1\n');
    for (const part of STATS_PARTS) assert.ok(reader.read(part, current), part);
    assert.deepEqual([current.pids.current, current.memory.usageBytes], [6, 1], 'the reads saw the new figures');
    assert.deepEqual(copy, kept, 'the copy is as it was');
  });
}
