// The v1 (hybrid) manager on this machine's real kernel, under a random berth-test-xxxx parent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createCgroupManager, detectCgroupVersion, readAllStats } from '../../../agent/cgroups/index.js';
import { waitFor } from '../../helpers/wait.js';
import { assertAllocationCounted, busyCgroup, cleanUpAfter, exited, grows, place, processState, randomParent, spawnAllocator, spawnBusy } from './helpers.js';

const ROOT = '/sys/fs/cgroup';
const isHybrid = process.getuid?.() === 0 && existsSync(`${ROOT}/memory`) && detectCgroupVersion() !== 'v2';
const skip = isHybrid ? false : 'needs root on a v1/hybrid host';
const read = (path: string): string => readFileSync(path, 'utf8').trim();
// blkio weights exist only under the BFQ (or, before 5.0, CFQ) I/O scheduler; many VMs use none.
const blkioWeightFile = ['blkio.bfq.weight', 'blkio.weight'].find((f) => existsSync(join(ROOT, 'blkio', f)));

test('create applies the limits, and the kernel reads them back', { skip }, async (t) => {
  const parent = randomParent();
  cleanUpAfter(t, parent, []);
  const manager = await createCgroupManager({ parent });
  await manager.create('c1', {
    memoryBytes: 64 << 20, memorySwapBytes: 96 << 20, cpuQuotaUs: 50_000, cpuPeriodUs: 100_000, cpuShares: 512,
    cpusetCpus: '0', pidsLimit: 32, ...(blkioWeightFile ? { blkioWeight: 300 } : {}),
    devices: [{ allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' }, { allow: true, type: 'c', major: 136, minor: -1, access: 'rw' }],
  });
  const at = (h: string, f: string): string => read(join(ROOT, h, parent, 'c1', f));
  assert.equal(at('memory', 'memory.limit_in_bytes'), String(64 << 20));
  assert.equal(at('memory', 'memory.memsw.limit_in_bytes'), String(96 << 20));
  assert.equal(at('cpu', 'cpu.cfs_quota_us'), '50000');
  assert.equal(at('cpu', 'cpu.cfs_period_us'), '100000');
  assert.equal(at('cpu', 'cpu.shares'), '512');
  assert.equal(at('cpuset', 'cpuset.cpus'), '0');
  assert.equal(at('cpuset', 'cpuset.mems'), read(join(ROOT, 'cpuset', 'cpuset.mems')), 'mems inherited');
  assert.equal(at('pids', 'pids.max'), '32');
  assert.equal(at('devices', 'devices.list'), 'c 1:3 rwm\nc 136:* rw', 'deny-all first, then exactly the allowed rules');
  if (blkioWeightFile) assert.equal(at('blkio', blkioWeightFile), '300');
  assert.ok(existsSync(join(ROOT, 'unified', parent, 'c1', 'cgroup.procs')), 'hybrid: the unified directory too');
  // The stats reader reports the same spec.
  const reader = manager.statsReader('c1');
  t.after(() => reader.close());
  const stats = readAllStats(reader)!;
  assert.deepEqual(stats.spec, { cpuQuotaUs: 50_000, cpuPeriodUs: 100_000, cpuShares: 512 });
  assert.equal(stats.memory.limitBytes, 64 << 20);
  assert.equal(stats.memory.swapLimitBytes, 96 << 20);
  assert.equal(stats.pids.limit, 32);
  // update: the throttle action's path.
  await manager.update('c1', { cpuQuotaUs: 20_000, memoryBytes: 128 << 20, memorySwapBytes: 256 << 20 });
  assert.equal(at('cpu', 'cpu.cfs_quota_us'), '20000');
  assert.equal(at('memory', 'memory.limit_in_bytes'), String(128 << 20), 'raised above the old memsw: memsw first');
  assert.equal(at('memory', 'memory.memsw.limit_in_bytes'), String(256 << 20));
});

test('a kernel refusal fails create with the file named and leaves no directory behind', { skip }, async (t) => {
  const parent = randomParent();
  cleanUpAfter(t, parent, []);
  const manager = await createCgroupManager({ parent });
  await assert.rejects(manager.create('bad', { cpusetCpus: '99', memoryBytes: 1 << 20 }),
    // The kernel says ERANGE (6.x) or EINVAL (older) for a CPU that does not exist.
    (err: any) => err.code === 'CGROUP_FAILED' && new RegExp(`^write ${ROOT}/cpuset/${parent}/bad/cpuset.cpus: E(RANGE|INVAL) \\(value "99"\\)$`).test(err.message));
  for (const h of readdirSync(ROOT)) assert.equal(existsSync(join(ROOT, h, parent, 'bad')), false, h);
  assert.deepEqual(await manager.list(), []);
});

test('a blkio weight without a weighting I/O scheduler is refused naming the files, and nothing is left', { skip: skip || (blkioWeightFile ? 'this host has blkio weights' : false) }, async (t) => {
  const parent = randomParent();
  cleanUpAfter(t, parent, []);
  const manager = await createCgroupManager({ parent });
  await assert.rejects(manager.create('w', { blkioWeight: 300 }),
    (err: any) => err.code === 'CGROUP_FAILED' && err.message.includes(`${ROOT}/blkio/${parent}/w/blkio.weight`) && err.message.includes('neither blkio.weight nor blkio.bfq.weight exists'));
  for (const h of readdirSync(ROOT)) assert.equal(existsSync(join(ROOT, h, parent, 'w')), false, h);
});

test('a placed process shows in pids(), its cpu and memory show in the stats', { skip }, async (t) => {
  const { children, manager, reader, busy } = await busyCgroup(t);
  assert.deepEqual(await manager.pids('c1'), [busy.pid]);
  const first = readAllStats(reader)!.cpu.usageNs;
  await grows('cpu usage to grow by 100 ms', () => readAllStats(reader)!.cpu.usageNs, first + 100e6);
  const stats = readAllStats(reader)!;
  assert.equal(stats.pids.current, 1);
  assert.ok(stats.cpu.perCpuNs!.length >= 1 && stats.cpu.perCpuNs!.reduce((a, b) => a + b, 0) > 0);
  assert.ok(stats.pressure?.cpu, 'hybrid: pressure from the unified mount');

  const memory = await assertAllocationCounted(manager, reader, children);
  assert.ok(memory.maxUsageBytes >= memory.usageBytes);
});

test('the CPU total is cpuacct.usage whatever part is read: a full read does not move it (the sampler takes a move as activity)', { skip }, async (t) => {
  const { parent, manager, reader, busy } = await busyCgroup(t);
  await grows('cpu usage to grow by 200 ms', () => readAllStats(reader)!.cpu.usageNs, 200e6);
  busy.kill('SIGKILL');
  await exited(busy);
  await waitFor('the cgroup to be empty', async () => (await manager.pids('c1')).length === 0);
  const stats = readAllStats(reader)!;
  const probed = stats.cpu.usageNs;
  assert.equal(readFileSync(join(ROOT, 'cpuacct', parent, 'c1', 'cpuacct.usage'), 'utf8').trim(), String(probed));
  assert.equal(reader.read('full', stats), true);
  assert.equal(stats.cpu.usageNs, probed, 'full read kept the total');
  assert.equal(stats.cpu.perCpuNs!.reduce((a, b) => a + b, 0), probed, 'per-CPU figures add up to the total');
  // The user/system split is tick-sampled: close to the total, not equal to it.
  const split = stats.cpu.userNs + stats.cpu.systemNs;
  assert.ok(Math.abs(split - probed) < 0.2 * probed + 50e6, `user+system ${split} vs total ${probed}`);
});

test('freeze stops a process (its cpu usage stands still, State D), thaw resumes it', { skip }, async (t) => {
  const parent = randomParent();
  const children: ChildProcess[] = [];
  cleanUpAfter(t, parent, children);
  const manager = await createCgroupManager({ parent });
  await manager.create('frozen', {});
  await manager.create('reference', {});
  const busy = spawnBusy(children);
  const reference = spawnBusy(children);
  place(manager, 'frozen', busy.pid!);
  place(manager, 'reference', reference.pid!);
  const frozenStats = manager.statsReader('frozen');
  const referenceStats = manager.statsReader('reference');
  t.after(() => { frozenStats.close(); referenceStats.close(); });
  await grows('the process to run', () => readAllStats(frozenStats)!.cpu.usageNs, 10e6);

  await manager.freeze('frozen');
  assert.equal(read(join(ROOT, 'freezer', parent, 'frozen', 'freezer.state')), 'FROZEN');
  assert.notEqual(processState(busy.pid!), 'R');
  const atFreeze = readAllStats(frozenStats)!.cpu.usageNs;
  // Time passes as measured by a process that runs: 300 ms of its CPU.
  const ref = readAllStats(referenceStats)!.cpu.usageNs;
  await grows('the reference process to use 300 ms of cpu', () => readAllStats(referenceStats)!.cpu.usageNs, ref + 300e6);
  assert.equal(readAllStats(frozenStats)!.cpu.usageNs, atFreeze, 'no cpu used while frozen');

  await manager.thaw('frozen');
  await grows('cpu usage to move again after thaw', () => readAllStats(frozenStats)!.cpu.usageNs, atFreeze + 50e6);
  assert.equal(processState(busy.pid!), 'R');
});

test('killAll empties the cgroup, also processes forked inside and a frozen cgroup', { skip }, async (t) => {
  const parent = randomParent();
  const children: ChildProcess[] = [];
  cleanUpAfter(t, parent, children);
  const manager = await createCgroupManager({ parent });
  await manager.create('c1', {});
  const shell = spawnBusy(children);
  place(manager, 'c1', shell.pid!);
  // The shell is placed; what it forks now is born inside.
  const forker = spawnAllocator(children, 0);
  place(manager, 'c1', forker.pid!);
  await manager.freeze('c1');
  assert.equal((await manager.pids('c1')).length, 2);
  await manager.killAll('c1');
  assert.deepEqual(await manager.pids('c1'), []);
  assert.equal(await exited(shell), 'SIGKILL');
  assert.equal(await exited(forker), 'SIGKILL');
});

test('without the unified mount (plain v1), killAll falls back to freeze, SIGKILL, thaw', { skip }, async (t) => {
  const parent = randomParent();
  const children: ChildProcess[] = [];
  cleanUpAfter(t, parent, children);
  const mountinfo = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => !l.includes(' - cgroup2 ')).join('\n');
  const manager = await createCgroupManager({ parent, mountinfo });
  assert.equal(manager.version, 'v1');
  await manager.create('c1', {});
  assert.equal(existsSync(join(ROOT, 'unified', parent)), false, 'v1 only: nothing in unified');
  const busy = [spawnBusy(children), spawnBusy(children), spawnBusy(children)];
  for (const child of busy) place(manager, 'c1', child.pid!);
  await manager.killAll('c1');
  assert.deepEqual(await manager.pids('c1'), []);
  for (const child of busy) assert.equal(await exited(child), 'SIGKILL');
});

test('destroy removes every directory; the open stats reader then reads null (ENODEV)', { skip }, async (t) => {
  const parent = randomParent();
  const children: ChildProcess[] = [];
  cleanUpAfter(t, parent, children);
  const manager = await createCgroupManager({ parent });
  await manager.create('c1', { memoryBytes: 16 << 20 });
  await manager.create('c2', {});
  const reader = manager.statsReader('c1');
  t.after(() => reader.close());
  assert.notEqual(readAllStats(reader), null);
  const busy = spawnBusy(children);
  place(manager, 'c1', busy.pid!);
  await manager.killAll('c1');
  await manager.destroy('c1');
  await manager.destroy('c1'); // already gone: fine
  assert.equal(readAllStats(reader), null);
  for (const h of readdirSync(ROOT)) assert.equal(existsSync(join(ROOT, h, parent, 'c1')), false, h);
  assert.deepEqual(await manager.list(), ['c2']);
  await manager.destroy('c2');
  assert.deepEqual(await manager.list(), []);
  await waitFor('nothing but the parent under any hierarchy', () =>
    readdirSync(ROOT).every((h) => !existsSync(join(ROOT, h, parent)) || readdirSync(join(ROOT, h, parent), { withFileTypes: true }).every((e) => !e.isDirectory())));
});
