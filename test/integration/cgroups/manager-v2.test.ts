// The v2 manager on a real pure cgroup v2 kernel, under a random berth-test-xxxx parent: what
// manager-v1.test.ts shows for v1. This host is hybrid, so these run inside the VM that
// pure-v2-vm.test.ts boots (Debian's kernel, cgroup_no_v1=all, every controller enabled at the root).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCgroupManager, detectCgroupVersion, readAllStats, shimDeviceProgramLoader } from '../../../agent/cgroups/index.js';
import { sharesToWeight, weightToShares } from '../../../agent/cgroups/convert.js';
import { DOCKER_DEVICE_RULES } from '../../../agent/runtime/defaults.js';
import { buildShim, SHIM } from '../shim/harness.js';
import { PURE_V2 } from '../../helpers/cgroup-files.js';
import { waitFor } from '../../helpers/wait.js';
import { assertAllocationCounted, busyCgroup, cleanUpAfter, exited, grows, place, processState, randomParent, spawnAllocator, spawnBusy } from './helpers.js';

const ROOT = '/sys/fs/cgroup';
const skip = process.getuid?.() === 0 && PURE_V2 && detectCgroupVersion() === 'v2' ? false : 'needs root on a pure cgroup v2 host (pure-v2-vm.test.ts runs this file in one)';
const read = (path: string): string => readFileSync(path, 'utf8').trim();

test('create applies the limits, and the kernel reads them back; update changes them', { skip }, async (t) => {
  const parent = randomParent();
  cleanUpAfter(t, parent, []);
  const manager = await createCgroupManager({ parent });
  assert.equal(manager.version, 'v2');
  await manager.create('c1', {
    memoryBytes: 64 << 20, memorySwapBytes: 96 << 20, memoryReservationBytes: 16 << 20,
    cpuQuotaUs: 50_000, cpuPeriodUs: 100_000, cpuBurstUs: 20_000, cpuShares: 512, cpusetCpus: '0', pidsLimit: 32,
  });
  const at = (f: string): string => read(join(ROOT, parent, 'c1', f));
  assert.deepEqual(read(join(ROOT, parent, 'cgroup.subtree_control')).split(' ').sort(), ['cpu', 'cpuset', 'io', 'memory', 'pids']);
  assert.equal(at('memory.max'), String(64 << 20));
  assert.equal(at('memory.swap.max'), String(32 << 20), 'v2 swap alone: memory + swap − memory');
  assert.equal(at('memory.low'), String(16 << 20));
  assert.equal(at('cpu.max'), '50000 100000');
  assert.equal(at('cpu.max.burst'), '20000');
  assert.equal(at('cpu.weight'), String(sharesToWeight(512)));
  assert.equal(at('cpuset.cpus'), '0');
  assert.equal(at('pids.max'), '32');
  const reader = manager.statsReader('c1');
  t.after(() => reader.close());
  const stats = readAllStats(reader)!;
  assert.deepEqual(stats.spec, { cpuQuotaUs: 50_000, cpuPeriodUs: 100_000, cpuShares: weightToShares(sharesToWeight(512)) });
  assert.equal(stats.memory.limitBytes, 64 << 20);
  assert.equal(stats.memory.swapLimitBytes, 96 << 20, 'reported as memory + swap, as on v1');
  assert.equal(stats.memory.reservationBytes, 16 << 20);
  assert.equal(stats.pids.limit, 32);
  // update: the throttle action's path. The kernel refuses a quota below the burst in force, so
  // the runtime lowers the burst with the quota and the manager writes burst 0, quota, burst.
  await manager.update('c1', { cpuQuotaUs: 10_000, cpuBurstUs: 5_000, memoryBytes: 128 << 20, memorySwapBytes: 256 << 20 });
  assert.equal(at('cpu.max'), '10000 100000');
  assert.equal(at('cpu.max.burst'), '5000');
  assert.equal(at('memory.max'), String(128 << 20));
  assert.equal(at('memory.swap.max'), String(128 << 20));
  assert.equal(reader.settingsChanged(), true, 'the sampler re-reads the limits at once');
});

test('a kernel refusal fails create with the file named and leaves no directory behind', { skip }, async (t) => {
  const parent = randomParent();
  cleanUpAfter(t, parent, []);
  const manager = await createCgroupManager({ parent });
  await assert.rejects(manager.create('bad', { memoryBytes: 1 << 20, cpusetCpus: '99' }),
    (err: any) => err.code === 'CGROUP_FAILED' && new RegExp(`^write ${ROOT}/${parent}/bad/cpuset.cpus: E(RANGE|INVAL) \\(value "99"\\)$`).test(err.message));
  assert.equal(existsSync(join(ROOT, parent, 'bad')), false);
  assert.deepEqual(await manager.list(), []);
});

test('a placed process shows in pids(), its cpu, memory and pressure in the stats', { skip }, async (t) => {
  const { children, manager, reader, busy } = await busyCgroup(t, { cpuQuotaUs: 20_000 });
  assert.deepEqual(await manager.pids('c1'), [busy.pid]);
  const first = readAllStats(reader)!.cpu.usageNs;
  await grows('cpu usage to grow by 100 ms', () => readAllStats(reader)!.cpu.usageNs, first + 100e6);
  await grows('throttled periods under a 20 % quota', () => readAllStats(reader)!.cpu.throttledPeriods, 0);
  const stats = readAllStats(reader)!;
  assert.equal(stats.pids.current, 1);
  assert.equal(stats.cpu.perCpuNs, undefined, 'v2 has no per-CPU usage');
  assert.ok(stats.cpu.userNs + stats.cpu.systemNs > 0);
  assert.ok(stats.cpu.periods >= stats.cpu.throttledPeriods && stats.cpu.throttledNs > 0);
  await grows('cpu pressure (the quota makes the shell wait)', () => readAllStats(reader)!.pressure?.cpu?.someTotalUs ?? 0, 0);

  const memory = await assertAllocationCounted(manager, reader, children);
  assert.ok(memory.pgfault > 0);
});

test('OOM kills are counted from memory.events', { skip }, async (t) => {
  const parent = randomParent();
  const children: ChildProcess[] = [];
  cleanUpAfter(t, parent, children);
  const manager = await createCgroupManager({ parent });
  await manager.create('c1', { memoryBytes: 16 << 20, memorySwapBytes: 16 << 20 });
  const reader = manager.statsReader('c1');
  t.after(() => reader.close());
  const allocator = spawnAllocator(children, 64 << 20);
  place(manager, 'c1', allocator.pid!);
  allocator.stdin!.write('go\n');
  assert.equal(await exited(allocator), 'SIGKILL');
  const memory = readAllStats(reader)!.memory;
  assert.equal(memory.oomKills, 1);
  assert.ok(memory.oomEvents >= 1 && memory.maxEvents! >= 1, `oom ${memory.oomEvents}, max ${memory.maxEvents}`);
});

test('a memory limit below what the cgroup holds (anon, no swap) is refused as EBUSY, as on v1: nothing OOM-killed, nothing changed', { skip }, async (t) => {
  const { parent, children, manager, reader } = await busyCgroup(t, { memoryBytes: 128 << 20 });
  const holder = spawnAllocator(children, 48 << 20);
  place(manager, 'c1', holder.pid!);
  holder.stdin!.write('go\n');
  await holder.allocated;
  const at = (f: string): string => read(join(ROOT, parent, 'c1', f));
  const cpus = at('cpuset.cpus.effective');
  assert.notEqual(cpus, '0', 'this test needs more than one CPU');
  // The cpuset is written first; the kernel will not make an inherited (empty) set empty again
  // while the cgroup has tasks, so the undo gives it the parent's effective set.
  await assert.rejects(manager.update('c1', { cpusetCpus: '0', memoryBytes: 16 << 20 }), (err: any) => err.code === 'CGROUP_FAILED'
    && err.cause?.code === 'EBUSY' && !/cleanup also failed/.test(err.message));
  assert.deepEqual([at('memory.max'), at('memory.high'), at('cpuset.cpus.effective')], [String(128 << 20), 'max', cpus]);
  assert.equal(readAllStats(reader)!.memory.oomKills, 0);
  assert.equal(holder.exitCode ?? holder.signalCode, null, 'the holder still runs');
  await manager.update('c1', { memoryBytes: 96 << 20 });
  assert.equal(at('memory.max'), String(96 << 20));
});

test('freeze stops a process (cgroup.freeze, the kernel reports frozen), thaw resumes it', { skip }, async (t) => {
  const { parent, manager, reader, busy } = await busyCgroup(t);
  await grows('the process to run', () => readAllStats(reader)!.cpu.usageNs, 10e6);
  await manager.freeze('c1');
  assert.match(read(join(ROOT, parent, 'c1', 'cgroup.events')), /^frozen 1$/m);
  assert.notEqual(processState(busy.pid!), 'R');
  const atFreeze = readAllStats(reader)!.cpu.usageNs;
  await manager.thaw('c1');
  assert.match(read(join(ROOT, parent, 'c1', 'cgroup.events')), /^frozen 0$/m);
  await grows('cpu usage to move again after thaw', () => readAllStats(reader)!.cpu.usageNs, atFreeze + 50e6);
});

test('killAll (cgroup.kill) empties the cgroup, also a frozen one; destroy removes it, the reader then reads null', { skip }, async (t) => {
  const { parent, children, manager, reader, busy } = await busyCgroup(t);
  const forker = spawnAllocator(children, 0);
  place(manager, 'c1', forker.pid!);
  await manager.freeze('c1');
  await manager.killAll('c1');
  assert.deepEqual(await manager.pids('c1'), []);
  assert.equal(await exited(busy), 'SIGKILL');
  assert.equal(await exited(forker), 'SIGKILL');
  await manager.destroy('c1');
  assert.equal(readAllStats(reader), null);
  assert.equal(existsSync(join(ROOT, parent, 'c1')), false);
  assert.deepEqual(await manager.list(), []);
});

test("the device program (Docker's rules) is attached: an allowed node opens, another can be made but not opened", { skip }, async (t) => {
  buildShim();
  const parent = randomParent();
  const children: ChildProcess[] = [];
  cleanUpAfter(t, parent, children);
  const manager = await createCgroupManager({ parent, deviceProgramLoader: shimDeviceProgramLoader(SHIM) });
  await manager.create('c1', { devices: DOCKER_DEVICE_RULES.map((r) => ({ ...r })) });
  // c 1:3 is /dev/null, c 1:1 /dev/mem (not in Docker's list; root outside any cgroup may open it here).
  const script = 'read go; d=$(mktemp -d); mknod $d/null c 1 3 && mknod $d/mem c 1 1 || exit 9; '
    + 'echo x > $d/null && echo null-ok; head -c1 $d/mem > /dev/null 2>&1 || echo mem-refused; rm -r $d';
  const child = spawn('sh', ['-c', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  place(manager, 'c1', child.pid!);
  child.stdin!.end('go\n');
  await exited(child);
  assert.deepEqual(out.trim().split('\n'), ['null-ok', 'mem-refused']);
  await waitFor('the cgroup to be empty', async () => (await manager.pids('c1')).length === 0);
});
