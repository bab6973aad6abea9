import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSampler } from '../../../agent/sampler/index.js';
import type { ContainerInfo } from '../../../agent/runtime/types.js';
import { waitFor } from '../../helpers/wait.js';
import { FakeClock, makeInfo, makeStats, recordingLogger, ScriptedReader } from './fakes.js';

const PROC = join(import.meta.dirname, '../../fixtures/proc');

/** A writable copy of the fixture /proc, removed after the test. */
function copyOfProc(t: { after(fn: () => void): void }): string {
  const procRoot = mkdtempSync(join(tmpdir(), 'berth-proc-'));
  t.after(() => rmSync(procRoot, { recursive: true, force: true }));
  cpSync(PROC, procRoot, { recursive: true, verbatimSymlinks: true });
  return procRoot;
}

/** /proc/<pid>/net/dev with these interfaces' rx/tx bytes, rewritten in place (the sampler holds it open). */
function writeNetDev(procRoot: string, pid: number, interfaces: Record<string, number>): void {
  writeFileSync(join(procRoot, `${pid}/net/dev`), 'Inter-|   Receive |  Transmit\n face |bytes    packets errs drop fifo frame compressed multicast|bytes ...\n'
    + Object.entries(interfaces).map(([name, bytes]) => `${name.padStart(6)}: ${bytes} 1 0 0 0 0 0 0 ${bytes} 1 0 0 0 0 0 0\n`).join(''));
}

function setup(t: { after(fn: () => void): void }, fullEveryTicks?: number, more: { procRoot?: string; namespaceRefreshTicks?: number } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'berth-sampler-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const readers = new Map<string, ScriptedReader>();
  let containers: ContainerInfo[] = [];
  const clock = new FakeClock();
  const { logger, lines } = recordingLogger();
  const procsFile = (id: string) => join(dir, `${id}.procs`);
  // The CPU a tick costs, as the budget sees it (the process's own would make the stride depend on the machine).
  const cpu = { tickMs: 0, usedMicros: 0 };
  const sampler = createSampler({
    runtime: { list: () => containers },
    cgroups: {
      statsReader: (id) => { const r = new ScriptedReader(); readers.set(id, r); return r; },
      procsFiles: (id) => [procsFile(id)],
      version: 'v2',
    },
    intervalMs: 1000, procRoot: PROC, historySize: 10, logger, clock, fullEveryTicks, ...more,
    agentUsage: () => ({ cpuSecondsTotal: 1.5, rssBytes: 4096 }),
    cpuMicros: () => (cpu.usedMicros += cpu.tickMs * 1000), // called at a tick's start and end: one step per tick
  });
  t.after(() => sampler.stop());
  const add = (id: string, pids = '4242\n', over: Partial<ContainerInfo> = {}) => {
    writeFileSync(procsFile(id), pids);
    containers = [...containers, makeInfo(id, over)];
  };
  const remove = (id: string) => { containers = containers.filter((c) => c.id !== id); };
  return { sampler, readers, clock, add, remove, lines, procsFile, cpu };
}

test('cpu cores and throttled ratio derive from two ticks on the monotonic clock', async (t) => {
  const { sampler, readers, clock, add } = setup(t);
  add('a');
  await sampler.tickNow();
  const r = readers.get('a')!;
  assert.equal(sampler.store.latest('a')!.cpu.cores, 0, 'first sample has no rate');
  r.next = makeStats({ cpu: { usageNs: 250e6, periods: 10, throttledPeriods: 4 }, spec: { cpuQuotaUs: 50000 } });
  clock.advance(500);
  clock.wall += 60_000; // a wall-clock jump must not change the rate
  await sampler.tickNow();
  const s = sampler.store.latest('a')!;
  assert.equal(s.cpu.cores, 0.5);
  assert.equal(s.cpu.percent, 50);
  assert.equal(s.cpu.throttledRatio, 0.4);
  assert.equal(s.time, clock.wall);
});

test('a sample carries identity, network (lo kept), processes, threads and namespaces', async (t) => {
  const { sampler, readers, add } = setup(t);
  add('a', '4242\n4250\n4251\n');
  await sampler.tickNow();
  readers.get('a')!.next = makeStats({ cpu: { usageNs: 1e6 }, pids: { current: 7, limit: 100 } }); // it ran: pids re-read
  await sampler.tickNow();
  const s = sampler.store.latest('a')!;
  assert.deepEqual([s.id, s.name, s.image, s.cgroup], ['a', 'c-a', 'busybox:test', '/berth/a']);
  assert.deepEqual(s.network.map((i) => i.name), ['lo', 'eth0']);
  assert.equal(s.network[1].rxBytes, 1048576);
  assert.equal(s.processes, 3);
  assert.equal(s.threads, 7, 'threads = pids.current');
  assert.equal(s.namespaces.length, 8);
  assert.deepEqual(s.namespaces.filter((n) => !n.hostShared).map((n) => n.type), ['pid', 'net', 'mnt', 'uts', 'ipc', 'cgroup']);
  const host = sampler.store.host()!;
  assert.equal(host.cpuCores, 2);
  assert.equal(host.containersRunning, 1);
  assert.equal(host.memoryTotalBytes, 24683620 * 1024);
  assert.deepEqual(host.agent, { cpuSecondsTotal: 1.5, rssBytes: 4096, sampleDurationSeconds: 0, sampleStride: 1 });
});

test('namespaces are re-read on schedule only for a container that ran since (no task ran: no setns/unshare)', async (t) => {
  const procRoot = copyOfProc(t);
  const { sampler, readers, add } = setup(t, 100, { procRoot, namespaceRefreshTicks: 2 });
  add('a');
  await sampler.tickNow();
  const netInode = () => sampler.store.latest('a')!.namespaces.find((n) => n.type === 'net')!.inode;
  const before = netInode();
  rmSync(join(procRoot, '4242/ns/net'));
  symlinkSync('net:[4026599999]', join(procRoot, '4242/ns/net'));
  for (let i = 0; i < 4; i++) await sampler.tickNow();
  assert.equal(netInode(), before, 'idle for twice the refresh period: not re-read');
  readers.get('a')!.next = makeStats({ cpu: { usageNs: 1e6 } });
  await sampler.tickNow();
  assert.equal(netInode(), 4026599999, 'it ran: re-read at the next due tick');
});

test('a container that vanishes mid-sample is skipped, the others still sampled, readers closed when it leaves', async (t) => {
  const { sampler, readers, add, remove, lines } = setup(t);
  add('a');
  add('b');
  await sampler.tickNow();
  assert.equal(sampler.store.all().length, 2);
  readers.get('a')!.next = null; // cgroup gone between list() and read()
  await sampler.tickNow();
  assert.deepEqual(sampler.store.all().map((s) => s.id), ['b']);
  assert.equal(lines.length, 0, 'a vanished cgroup is expected, not logged');
  remove('a');
  await sampler.tickNow();
  assert.equal(readers.get('a')!.closed, true);
  assert.equal(readers.get('b')!.closed, false);
});

test('a failing read is logged once, keeps the history, is counted in the tick, and recovers', async (t) => {
  const { sampler, readers, add, lines } = setup(t);
  add('a');
  await sampler.tickNow();
  const r = readers.get('a')!;
  r.next = new Error('read /sys/fs/cgroup/memory/berth/a/memory.stat: EIO');
  await sampler.tickNow();
  await sampler.tickNow();
  assert.equal(lines.filter((l) => l.includes('c-a')).length, 1);
  assert.equal(sampler.store.history('a').length, 1, 'history kept while the container still runs');
  assert.equal(sampler.store.host()!.containersFailed, 1, 'the tick counts it (container_scrape_error)');
  r.next = makeStats();
  await sampler.tickNow();
  assert.equal(sampler.store.history('a').length, 2);
  assert.equal(sampler.store.host()!.containersFailed, 0);
});

test('containers that are not running (or have no pid) are not sampled', async (t) => {
  const { sampler, add } = setup(t);
  add('a', '', { status: 'exited', pid: 0 });
  add('b', '', { status: 'created', pid: 0 });
  add('c', '', { status: 'paused' });
  await sampler.tickNow();
  assert.deepEqual(sampler.store.all().map((s) => s.id), ['c']);
});

test('the scheduled loop ticks until stopped', async (t) => {
  const sampler = createSampler({
    runtime: { list: () => [] }, cgroups: { statsReader: () => new ScriptedReader(), procsFiles: () => [], version: 'v2' },
    intervalMs: 10, procRoot: PROC, logger: recordingLogger().logger,
  });
  t.after(() => sampler.stop()); // also when waitFor times out
  const ticks: number[] = [];
  sampler.store.subscribe((tick) => ticks.push(tick.time));
  sampler.start();
  await waitFor('three ticks', () => ticks.length >= 3, { timeoutMs: 5000 });
  sampler.stop();
  const n = ticks.length;
  await new Promise((r) => setImmediate(r));
  assert.equal(ticks.length, n);
  assert.throws(() => createSampler({ runtime: { list: () => [] }, cgroups: { statsReader: () => new ScriptedReader(), procsFiles: () => [], version: 'v2' },
    intervalMs: 0, logger: recordingLogger().logger }), /interval: must be at least 10 ms, got 0/);
});

/** Three containers in slices of one. */
function slicedSampler(t: { after(fn: () => void): void }, yieldAfterMs: number) {
  const containers = ['a', 'b', 'c'].map((id) => makeInfo(id));
  const sampler = createSampler({
    runtime: { list: () => containers }, cgroups: { statsReader: () => new ScriptedReader(), procsFiles: () => [], version: 'v2' },
    intervalMs: 1000, procRoot: PROC, logger: recordingLogger().logger, sliceSize: 1, yieldAfterMs,
  });
  t.after(() => sampler.stop());
  return sampler;
}

test('a tick over many containers yields to the event loop between slices; stop mid-tick records nothing', async (t) => {
  const sampler = slicedSampler(t, 0);
  let otherWorkRan = false;
  const ticked = sampler.tickNow();
  setImmediate(() => { otherWorkRan = sampler.store.all().length === 0; });
  await ticked;
  assert.equal(otherWorkRan, true, 'other work ran while the tick was in progress');
  assert.equal(sampler.store.all().length, 3);
  const second = sampler.tickNow();
  sampler.stop();
  await second;
  assert.equal(sampler.store.hostHistory().length, 1, 'the interrupted tick was not recorded');
});

test('a tick yields only once it has run yieldAfterMs: a short tick runs through', async (t) => {
  const sampler = slicedSampler(t, 60_000);
  let ranDuringTick = false;
  const ticked = sampler.tickNow();
  await Promise.resolve(); // the tick is under way (tickNow chains on the previous tick)
  setImmediate(() => { ranDuringTick = sampler.store.all().length === 0; });
  await ticked;
  assert.equal(ranDuringTick, false, 'three slices in far less than a minute: no yield');
  assert.equal(sampler.store.all().length, 3);
});

test('every slice\'s probes come right after one flushStats (v2: the kernel sums all containers\' counters at once)', async (t) => {
  const log: string[] = [];
  const containers = ['a', 'b', 'c'].map((id) => makeInfo(id));
  const probeLogged = (id: string) => {
    const reader = new ScriptedReader();
    const read = reader.read.bind(reader);
    reader.read = (part, into) => { if (part === 'cpu') log.push(`probe ${id}`); return read(part, into); };
    return reader;
  };
  const sampler = createSampler({
    runtime: { list: () => containers },
    cgroups: { statsReader: probeLogged, procsFiles: () => [], version: 'v2', flushStats: () => log.push('flush') },
    intervalMs: 1000, procRoot: PROC, logger: recordingLogger().logger, sliceSize: 2,
  });
  t.after(() => sampler.stop());
  await sampler.tickNow();
  assert.deepEqual(log, ['flush', 'probe a', 'probe b', 'flush', 'probe c']);
});

const FULL = ['cpu', 'active', 'memoryStat', 'full'];
const MiB = 1 << 20;

test('an idle container costs one probe per tick and a full read every 6 × fullEvery ticks; one that ran, every fullEvery', async (t) => {
  const { sampler, readers, add } = setup(t, 3);
  add('a');
  await sampler.tickNow();
  const r = readers.get('a')!;
  assert.deepEqual(r.takeParts(), FULL);
  const partsPerTick: string[] = [];
  for (let i = 1; i <= 18; i++) {
    await sampler.tickNow();
    partsPerTick.push(r.takeParts().join('+'));
  }
  assert.deepEqual(partsPerTick, [...Array(17).fill('cpu'), FULL.join('+')], 'idle: full again on tick 18 = 6 × 3');
  r.next = makeStats({ cpu: { usageNs: 1e6 } }); // runs once (memory unchanged: no memory.stat), then idles again
  const afterRun: string[] = [];
  for (let i = 1; i <= 3; i++) {
    await sampler.tickNow();
    afterRun.push(r.takeParts().join('+'));
  }
  assert.deepEqual(afterRun, ['cpu+active', 'cpu', FULL.join('+')], 'it ran since the full read: full after 3 ticks');
});

test('what cannot move while a container is idle is carried, and shows at the first tick it ran', async (t) => {
  const { sampler, readers, add } = setup(t, 100);
  add('a');
  await sampler.tickNow();
  const r = readers.get('a')!;
  r.next = makeStats({ memory: { usageBytes: 5 * MiB, workingSetBytes: 4 * MiB }, pids: { current: 3 } });
  await sampler.tickNow();
  assert.equal(sampler.store.latest('a')!.stats.memory.usageBytes, 0, 'CPU usage did not move: memory is carried');
  r.next = makeStats({ cpu: { usageNs: 1e6 }, memory: { usageBytes: 5 * MiB, workingSetBytes: 4 * MiB }, pids: { current: 3 } });
  r.takeParts();
  await sampler.tickNow();
  const s = sampler.store.latest('a')!;
  assert.deepEqual(r.takeParts(), ['cpu', 'active', 'memoryStat'], 'usage moved by ≥ 1 MiB: memory.stat too');
  assert.equal(s.stats.memory.usageBytes, 5 * MiB);
  assert.equal(s.stats.memory.workingSetBytes, 4 * MiB);
  assert.equal(s.threads, 3);
});

test('memory.stat is re-read only once memory usage moved by 1 MiB since its last read', async (t) => {
  const { sampler, readers, add } = setup(t, 100);
  add('a');
  await sampler.tickNow();
  const r = readers.get('a')!;
  r.takeParts();
  const run = async (usageNs: number, usageBytes: number) => {
    r.next = makeStats({ cpu: { usageNs }, memory: { usageBytes } });
    await sampler.tickNow();
    return r.takeParts();
  };
  assert.deepEqual(await run(1e6, MiB - 1), ['cpu', 'active']);
  assert.deepEqual(await run(2e6, 10), ['cpu', 'active'], 'back near the usage at the last memory.stat read');
  assert.deepEqual(await run(3e6, MiB), ['cpu', 'active', 'memoryStat']);
  assert.deepEqual(await run(4e6, MiB + 4096), ['cpu', 'active']);
});

test('a netns with only lo is read at full reads; one with another interface whenever the container ran', async (t) => {
  const procRoot = copyOfProc(t);
  const netDev = (interfaces: Record<string, number>) => writeNetDev(procRoot, 4242, interfaces);
  netDev({ lo: 100 });
  const { sampler, readers, add, remove } = setup(t, 3, { procRoot });
  add('a');
  await sampler.tickNow(); // full
  const r = readers.get('a')!;
  let usage = 0;
  const runs = async () => {
    r.next = makeStats({ cpu: { usageNs: (usage += 1e6) } });
    await sampler.tickNow();
    return Object.fromEntries(sampler.store.latest('a')!.network.map((i) => [i.name, i.rxBytes]));
  };
  netDev({ lo: 200 });
  assert.deepEqual(await runs(), { lo: 100 }, 'only lo: not re-read when it ran');
  assert.deepEqual(await runs(), { lo: 100 });
  netDev({ lo: 300, eth0: 10 }); // an interface moved in
  assert.deepEqual(await runs(), { lo: 300, eth0: 10 }, 'the full read (every 3 ticks) sees it');
  netDev({ lo: 400, eth0: 20 });
  assert.deepEqual(await runs(), { lo: 400, eth0: 20 }, 'beyond lo: re-read whenever it ran');
  netDev({ lo: 500 }); // eth0 left
  assert.deepEqual(await runs(), { lo: 500 });
  assert.deepEqual(await runs(), { lo: 500 }, 'tick 6: a full read');
  cpSync(join(procRoot, '4242'), join(procRoot, '4343'), { recursive: true, verbatimSymlinks: true });
  writeNetDev(procRoot, 4343, { lo: 7 });
  remove('a');
  add('a', '4343\n', { pid: 4343 }); // restarted: a new init in a netns of its own
  assert.deepEqual(await runs(), { lo: 7 }, 'a new init: its netns is read at once');
});

test('containers in the host netns share one read of its counters per tick', async (t) => {
  const procRoot = copyOfProc(t);
  cpSync(join(procRoot, '4242'), join(procRoot, '4343'), { recursive: true, verbatimSymlinks: true });
  cpSync(join(procRoot, '4242'), join(procRoot, '4444'), { recursive: true, verbatimSymlinks: true });
  for (const pid of [4242, 4343]) { // --network host: init's net link is pid 1's
    rmSync(join(procRoot, `${pid}/ns/net`));
    symlinkSync(readlinkSync(join(procRoot, '1/ns/net')), join(procRoot, `${pid}/ns/net`));
  }
  const netDev = (pid: number, eth0: number) => writeNetDev(procRoot, pid, { lo: 1, eth0 }); // each pid its own file only so the test sees whose was read
  netDev(4242, 10); netDev(4343, 20); netDev(4444, 30);
  const { sampler, readers, add } = setup(t, 100, { procRoot });
  add('a', '4242\n', { pid: 4242 });
  add('b', '4343\n', { pid: 4343 });
  add('c', '4444\n', { pid: 4444 }); // a netns of its own
  const eth0 = () => ['a', 'b', 'c'].map((id) => sampler.store.latest(id)!.network.find((i) => i.name === 'eth0')!.rxBytes);
  await sampler.tickNow(); // the first read: each its own (which netns each init is in is known after it)
  assert.deepEqual(eth0(), [10, 20, 30]);
  let usage = 0;
  const allRun = async () => {
    usage += 1e6;
    for (const r of readers.values()) r.next = makeStats({ cpu: { usageNs: usage } });
    await sampler.tickNow();
  };
  await allRun();
  assert.deepEqual(eth0(), [10, 10, 30], 'b took what a read for the host netns');
  netDev(4242, 11);
  await allRun();
  assert.deepEqual(eth0(), [11, 11, 30], 'read again on the next tick');
});

test('a change of the cgroup settings by berth makes the next tick a full read', async (t) => {
  const { sampler, readers, add } = setup(t, 100);
  add('a');
  await sampler.tickNow();
  const r = readers.get('a')!;
  r.takeParts();
  r.next = makeStats({ memory: { limitBytes: 64 * MiB } });
  r.settingsMoved = true;
  await sampler.tickNow();
  assert.deepEqual(r.takeParts(), FULL);
  assert.equal(sampler.store.latest('a')!.stats.memory.limitBytes, 64 * MiB);
  await sampler.tickNow();
  assert.deepEqual(r.takeParts(), ['cpu']);
});

test('full reads are spread over the ticks: each tick reads about 1/fullEvery of the containers fully', async (t) => {
  const { sampler, readers, add } = setup(t, 5);
  const ids = Array.from({ length: 10 }, (_, i) => `c${i}`);
  for (const id of ids) add(id);
  await sampler.tickNow(); // every container's first read is full
  const fullPerTick: number[] = [];
  for (let tick = 0; tick < 10; tick++) {
    for (const r of readers.values()) {
      r.takeParts();
      r.next = makeStats({ cpu: { usageNs: (tick + 1) * 1e6 } }); // every container runs every tick
    }
    await sampler.tickNow();
    fullPerTick.push([...readers.values()].filter((r) => r.parts.includes('full')).length);
  }
  assert.deepEqual(fullPerTick, [0, 0, 0, 0, 2, 2, 2, 2, 2, 2]);
});

test('over the CPU budget, busy containers read CPU usage every tick and the rest every stride ticks, each on its turn', async (t) => {
  const { sampler, readers, add, cpu } = setup(t, 100);
  for (const id of ['a', 'b', 'c']) add(id); // their turns: 0, 1, 2
  cpu.tickMs = 45; // the default budget is 3 % of the 1 s interval: 30 ms
  await sampler.tickNow(); // tick 0: every container's first read is full (left out of the budget's windows)
  const strides: number[] = [];
  const active: string[] = [];
  const usage: number[] = [];
  for (let tick = 1; tick <= 8; tick++) {
    for (const r of readers.values()) {
      r.takeParts();
      r.next = makeStats({ cpu: { usageNs: tick * 1e6 }, memory: { usageBytes: tick * 4096 } }); // all run every tick
    }
    await sampler.tickNow();
    strides.push(sampler.store.host()!.agent.sampleStride);
    active.push([...readers.entries()].filter(([, r]) => r.parts.includes('active')).map(([id]) => id).join(''));
    usage.push(sampler.store.latest('a')!.stats.cpu.usageNs / 1e6);
    assert.ok([...readers.values()].every((r) => r.parts.includes('cpu')), 'every container\'s CPU usage, every tick');
  }
  assert.deepEqual(usage, [1, 2, 3, 4, 5, 6, 7, 8], 'CPU usage exact at every tick');
  assert.deepEqual(strides, [1, 1, 1, 2, 2, 2, 3, 3], 'the stride steps up after each window of 3 ticks over the budget');
  // (tick + turn) % stride === 0: at stride 2, a and c on even ticks, b on odd ones.
  assert.deepEqual(active, ['abc', 'abc', 'abc', 'ac', 'b', 'ac', 'c', 'b'], 'at a stride, each container reads its active part on its turn');
  const a = sampler.store.latest('a')!;
  assert.equal(a.stats.cpu.usageNs, 8e6);
  assert.equal(a.stats.memory.usageBytes, 6 * 4096, 'tick 8 carries the memory usage read on a\'s turn at tick 6');
});

test('a sample in the history keeps its figures when later reads refresh the container', async (t) => {
  const { sampler, readers, add } = setup(t, 1);
  add('a');
  await sampler.tickNow();
  const r = readers.get('a')!;
  r.next = makeStats({ cpu: { usageNs: 1e9 }, memory: { usageBytes: 7 * MiB }, io: { readBytes: 99 } });
  await sampler.tickNow();
  const first = sampler.store.history('a')[0];
  r.next = makeStats({ cpu: { usageNs: 2e9 }, memory: { usageBytes: 9 * MiB }, io: { readBytes: 100 } });
  await sampler.tickNow();
  const [a, b, c] = sampler.store.history('a');
  assert.deepEqual(a, first); // the row as read before the later reads
  assert.deepEqual([a.stats.cpu.usageNs, b.stats.cpu.usageNs, c.stats.cpu.usageNs], [0, 1e9, 2e9]);
  assert.deepEqual([a.stats.memory.usageBytes, b.stats.memory.usageBytes, c.stats.memory.usageBytes], [0, 7 * MiB, 9 * MiB]);
  assert.deepEqual([a.stats.io.readBytes, b.stats.io.readBytes, c.stats.io.readBytes], [0, 99, 100]);
});
