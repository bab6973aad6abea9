// The v2 manager against a temp copy of the v2 fixture tree (the fixture hooks stand in for the
// kernel's mkdir/rmdir): every write it makes, its failures and its clean-up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCgroupManager, type CgroupManager, type FixtureHooks, readAllStats } from '../../../agent/cgroups/index.js';
import { fixtureTree, type FixtureTree } from './fixture-tree.js';

const PARENT = 'berth-unit';

async function setUp(t: { after(fn: () => void): void }, hooks?: (h: FixtureHooks) => FixtureHooks, extra: object = {}):
  Promise<{ tree: FixtureTree; manager: CgroupManager; warnings: string[] }> {
  const tree = fixtureTree('v2');
  t.after(() => tree.cleanup());
  const warnings: string[] = [];
  const manager = await createCgroupManager({
    root: tree.root, parent: PARENT, fixtureHooks: hooks ? hooks(tree.hooks) : tree.hooks,
    logger: { warn: (_obj, msg) => warnings.push(msg) }, timeouts: { freezeMs: 200, killMs: 200, rmdirMs: 100 }, ...extra,
  });
  return { tree, manager, warnings };
}

test('v2 create: parent enables the offered controllers, limits land in the v2 files', async (t) => {
  const { tree, manager } = await setUp(t);
  assert.equal(manager.version, 'v2');
  await manager.create('c1', {
    memoryBytes: 256 << 20, memorySwapBytes: 512 << 20, memoryReservationBytes: 128 << 20, cpuQuotaUs: 50_000, cpuPeriodUs: 100_000, cpuShares: 512,
    cpuBurstUs: 20_000, cpusetCpus: '0', cpusetMems: '0', pidsLimit: 64, blkioWeight: 500,
    ioThrottles: [{ major: 8, minor: 16, readBps: 1048576, writeBps: 0, readIops: 0, writeIops: 100 }],
  });
  const read = (f: string): string => tree.read(`${PARENT}/c1/${f}`);
  // One "+controller" write per controller: the last one stays in the plain file.
  assert.equal(tree.read(`${PARENT}/cgroup.subtree_control`), '+pids');
  assert.equal(read('memory.max'), String(256 << 20));
  assert.equal(read('memory.swap.max'), String(256 << 20), 'swap.max is swap alone');
  assert.equal(read('memory.low'), String(128 << 20), 'a reservation is memory.low, as runc maps it');
  assert.equal(read('io.max'), '8:16 rbps=1048576 wiops=100', 'one io.max line per device, only the limits set');
  assert.equal(read('cpu.max'), '50000 100000');
  assert.equal(read('cpu.max.burst'), '20000');
  assert.equal(read('cpu.weight'), '59');
  assert.equal(read('cpuset.cpus'), '0');
  assert.equal(read('cpuset.mems'), '0');
  assert.equal(read('pids.max'), '64');
  assert.equal(read('io.weight'), 'default 4950', 'no io.bfq.weight: io.weight rescaled');
  assert.equal(manager.path('c1'), `/${PARENT}/c1`);
  assert.deepEqual(manager.procsFiles('c1'), [join(tree.root, PARENT, 'c1/cgroup.procs')]);
  assert.deepEqual(await manager.list(), ['c1']);
});

test('v2 create writes nothing it was not asked for, and unlimited values as max', async (t) => {
  const { tree, manager } = await setUp(t);
  await manager.create('c1', { memoryBytes: 0, pidsLimit: 0, cpuQuotaUs: 0 });
  assert.equal(tree.read(`${PARENT}/c1/memory.max`), 'max');
  assert.equal(tree.read(`${PARENT}/c1/pids.max`), 'max');
  assert.equal(tree.read(`${PARENT}/c1/cpu.max`), 'max 100000');
  assert.equal(tree.read(`${PARENT}/c1/cpu.weight`), '100\n', 'untouched');
  assert.equal(tree.read(`${PARENT}/c1/memory.swap.max`), 'max\n', 'untouched');
  assert.equal(tree.read(`${PARENT}/c1/cpu.max.burst`), '0\n', 'untouched');
});

test('v2 refuses a swappiness (memory.swappiness is v1 only) by field, and leaves no cgroup', async (t) => {
  const { manager } = await setUp(t);
  await assert.rejects(manager.create('c1', { memoryBytes: 64 << 20, memorySwappiness: 10 }),
    { code: 'INVALID_SPEC', message: /^resources\.memorySwappiness: cgroup v2 has no per-cgroup swappiness/ });
  assert.deepEqual(await manager.list(), []);
});

test('v2 refuses to turn the OOM killer off (no such switch on v2) by field, and leaves no cgroup', async (t) => {
  const { manager } = await setUp(t);
  await assert.rejects(manager.create('c1', { memoryBytes: 64 << 20, oomKillDisable: true }),
    { code: 'INVALID_SPEC', message: /^resources\.oomKillDisable: cgroup v2 cannot turn the OOM killer off/ });
  assert.deepEqual(await manager.list(), []);
});

test('v2 io.bfq.weight takes the blkio weight unchanged when present', async (t) => {
  const { tree, manager } = await setUp(t, (h) => ({ ...h, populate: (dir) => { h.populate(dir); writeFileSync(join(dir, 'io.bfq.weight'), '100\n'); } }));
  await manager.create('c1', { blkioWeight: 300 });
  assert.equal(tree.read(`${PARENT}/c1/io.bfq.weight`), '300');
});

test('v2 create is all-or-nothing: a failing write removes the cgroup and names the file', async (t) => {
  const { tree, manager } = await setUp(t, (h) => ({ ...h, populate: (dir) => { h.populate(dir); if (dir.endsWith('/c1')) rmSync(join(dir, 'pids.max')); } }));
  await assert.rejects(manager.create('c1', { memoryBytes: 1 << 20, pidsLimit: 10 }),
    (err: any) => err.code === 'CGROUP_FAILED' && err.message === `open ${join(tree.root, PARENT, 'c1/pids.max')}: ENOENT (to write "10")`);
  assert.equal(existsSync(join(tree.root, PARENT, 'c1')), false);
  assert.ok(existsSync(join(tree.root, PARENT)), 'the parent stays: it is shared by every container');
});

test('v2 rejects a limit whose controller the parent is not offered, before making anything', async (t) => {
  const { tree, manager } = await setUp(t, (h) => ({ ...h, populate: (dir) => { h.populate(dir); if (dir.endsWith(PARENT)) tree.write(`${PARENT}/cgroup.controllers`, 'cpu pids\n'); } }));
  await assert.rejects(manager.create('c1', { memoryBytes: 1 << 20 }), /the memory controller is not available under .*berth-unit \(enabled: cpu pids\)/);
  assert.equal(existsSync(join(tree.root, PARENT, 'c1')), false);
  await manager.create('c2', { pidsLimit: 5 });
  assert.equal(tree.read(`${PARENT}/c2/pids.max`), '5');
});

test('v2 create of an existing cgroup fails without removing it', async (t) => {
  const { tree, manager } = await setUp(t);
  await manager.create('c1', {});
  await assert.rejects(manager.create('c1', {}), /mkdir .*c1: EEXIST \(a cgroup named c1 already exists\)/);
  assert.ok(existsSync(join(tree.root, PARENT, 'c1/cgroup.procs')));
});

test('v2 update: only the given fields; cpu.max keeps the period when only the quota changes', async (t) => {
  const { tree, manager } = await setUp(t);
  await manager.create('c1', { cpuQuotaUs: 50_000, cpuPeriodUs: 200_000, memoryBytes: 1 << 20 });
  tree.write(`${PARENT}/c1/cpu.max`, '50000 200000\n'); // the kernel reads back what was written
  await manager.update('c1', { cpuQuotaUs: 20_000 });
  assert.equal(tree.read(`${PARENT}/c1/cpu.max`), '20000 200000');
  assert.equal(tree.read(`${PARENT}/c1/memory.max`), String(1 << 20));
  await assert.rejects(manager.update('nope', { cpuQuotaUs: 20_000 }), /update \/berth-unit\/nope: the cgroup does not exist/);
  await assert.rejects(manager.update('c1', { cpuShares: 1 }), { code: 'INVALID_SPEC' });
});

test('v2 update below what the cgroup holds: through memory.high (reclaim, no OOM kill); still above it, refused as EBUSY, nothing changed', async (t) => {
  const { tree, manager } = await setUp(t);
  await manager.create('c1', { memoryBytes: 64 << 20 });
  tree.write(`${PARENT}/c1/memory.current`, `${40 << 20}\n`); // this fixture's kernel reclaims nothing
  await assert.rejects(manager.update('c1', { cpusetCpus: '1', memoryBytes: 32 << 20 }), (err: any) => err.code === 'CGROUP_FAILED'
    && err.cause?.code === 'EBUSY' && err.message === `write ${tree.root}/${PARENT}/c1/memory.max: EBUSY (value "${32 << 20}": ${40 << 20} bytes held after reclaim, an OOM kill otherwise)`);
  assert.equal(tree.read(`${PARENT}/c1/memory.max`), String(64 << 20));
  assert.equal(tree.read(`${PARENT}/c1/memory.high`), 'max', 'memory.high put back');
  assert.equal(tree.read(`${PARENT}/c1/cpuset.cpus`), '\n', 'the rest of the update undone');
  tree.write(`${PARENT}/c1/memory.high`, `${60 << 20}\n`);
  await assert.rejects(manager.update('c1', { memoryBytes: 32 << 20 }), /EBUSY/);
  assert.equal(tree.read(`${PARENT}/c1/memory.high`), String(60 << 20), 'a memory.high of its own put back too');
  await manager.update('c1', { memoryBytes: 48 << 20 });
  assert.equal(tree.read(`${PARENT}/c1/memory.max`), String(48 << 20), 'above the usage: written directly');
});

test('v2: a memory.high left at the limit by an agent that died mid-update goes back to max when recovery makes the update again; one of its own stays', async (t) => {
  const { tree, manager } = await setUp(t);
  await manager.create('c1', { memoryBytes: 64 << 20 });
  tree.write(`${PARENT}/c1/memory.current`, `${20 << 20}\n`);
  const limit = (32 << 20) + 1000; // not a whole page: the kernel reads it back rounded down
  tree.write(`${PARENT}/c1/memory.high`, `${32 << 20}\n`);
  await manager.update('c1', { memoryBytes: limit });
  assert.deepEqual([tree.read(`${PARENT}/c1/memory.max`), tree.read(`${PARENT}/c1/memory.high`)], [String(limit), 'max']);
  tree.write(`${PARENT}/c1/memory.high`, `${32 << 20}\n`);
  tree.write(`${PARENT}/c1/memory.current`, `${40 << 20}\n`); // and still above the limit: refused, memory.high at max
  await assert.rejects(manager.update('c1', { memoryBytes: limit }), /EBUSY/);
  assert.equal(tree.read(`${PARENT}/c1/memory.high`), 'max');
  tree.write(`${PARENT}/c1/memory.current`, `${20 << 20}\n`);
  for (const own of [`${16 << 20}`, `${48 << 20}`]) {
    tree.write(`${PARENT}/c1/memory.high`, `${own}\n`);
    await manager.update('c1', { memoryBytes: limit });
    assert.equal(tree.read(`${PARENT}/c1/memory.high`).trim(), own);
  }
});

test('a v2 update that fails half-way writes back what it changed (an inherited cpuset stays inherited)', async (t) => {
  const { tree, manager } = await setUp(t);
  await manager.create('c1', { memoryBytes: 64 << 20 });
  rmSync(join(tree.root, PARENT, 'c1/pids.max'));
  mkdirSync(join(tree.root, PARENT, 'c1/pids.max')); // pids is written after cpuset, memory and cpu
  await assert.rejects(manager.update('c1', { cpusetCpus: '1', memoryBytes: 32 << 20, cpuShares: 2048, pidsLimit: 10 }), /pids\.max: EISDIR/);
  assert.equal(tree.read(`${PARENT}/c1/cpuset.cpus`), '\n');
  assert.equal(tree.read(`${PARENT}/c1/memory.max`), String(64 << 20));
  assert.equal(tree.read(`${PARENT}/c1/cpu.weight`), '100\n');
});

test('v2 freeze waits for cgroup.events frozen 1, and undoes the request on timeout', async (t) => {
  const { tree, manager } = await setUp(t);
  await manager.create('c1', {});
  await assert.rejects(manager.freeze('c1'), /cgroup.events still says frozen 0 200 ms after writing 1/);
  assert.equal(tree.read(`${PARENT}/c1/cgroup.freeze`), '0', 'left running, not half-frozen');
  tree.write(`${PARENT}/c1/cgroup.events`, 'populated 1\nfrozen 1\n');
  await manager.freeze('c1');
  assert.equal(tree.read(`${PARENT}/c1/cgroup.freeze`), '1');
  tree.write(`${PARENT}/c1/cgroup.events`, 'populated 1\nfrozen 0\n');
  await manager.thaw('c1');
  assert.equal(tree.read(`${PARENT}/c1/cgroup.freeze`), '0');
});

test('v2 killAll writes cgroup.kill while pids remain and returns once cgroup.procs is empty; times out naming pids', async (t) => {
  const { tree, manager } = await setUp(t);
  await manager.create('c1', {});
  await manager.killAll('c1');
  assert.equal(tree.read(`${PARENT}/c1/cgroup.kill`), '', 'an empty cgroup needs no kill');
  // pid 2147483646 cannot exist (above pid_max), so signalling it is a harmless ESRCH.
  tree.write(`${PARENT}/c1/cgroup.procs`, '2147483646\n');
  await assert.rejects(manager.killAll('c1'), /kill \/berth-unit\/c1: pids 2147483646 still there after 200 ms/);
  assert.equal(tree.read(`${PARENT}/c1/cgroup.kill`), '1');
  tree.write(`${PARENT}/c1/cgroup.procs`, '');
  await manager.killAll('c1');
});

test('v2 pids and destroy cover nested cgroups; destroy tolerates a missing cgroup', async (t) => {
  const { tree, manager } = await setUp(t);
  await manager.create('c1', {});
  const nested = join(tree.root, PARENT, 'c1/sub');
  mkdirSync(nested);
  tree.hooks.populate(nested);
  tree.write(`${PARENT}/c1/cgroup.procs`, '20\n');
  tree.write(`${PARENT}/c1/sub/cgroup.procs`, '10\n');
  assert.deepEqual(await manager.pids('c1'), [10, 20]);
  assert.deepEqual(await manager.pids('missing'), []);
  await manager.destroy('c1');
  assert.equal(existsSync(join(tree.root, PARENT, 'c1')), false);
  await manager.destroy('c1');
  assert.deepEqual(await manager.list(), []);
});

test('v2 destroy retries a busy rmdir until its deadline, then says so', async (t) => {
  let busy = true;
  const { manager } = await setUp(t, (h) => ({ ...h, remove: (dir) => { if (busy) throw Object.assign(new Error('busy'), { code: 'EBUSY' }); h.remove(dir); } }));
  await manager.create('c1', {});
  await assert.rejects(manager.destroy('c1'), /rmdir .*c1: EBUSY for 100 ms/);
  busy = false;
  await manager.destroy('c1');
});

test('v2 device rules are reported as not enforced (eBPF gap), not silently dropped', async (t) => {
  const { manager, warnings } = await setUp(t);
  await manager.create('c1', { devices: [{ allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' }] });
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /device rules are not enforced on cgroup v2/);
});

test('names are checked on every operation', async (t) => {
  const { manager } = await setUp(t);
  await assert.rejects(manager.create('../escape', {}), { code: 'INVALID_REQUEST' });
  await assert.rejects(manager.destroy('..'), { code: 'INVALID_REQUEST' });
  assert.throws(() => manager.procsFiles('a/b'), { code: 'INVALID_REQUEST' });
  assert.throws(() => manager.statsReader('.'), { code: 'INVALID_REQUEST' });
  await assert.rejects(createCgroupManager({ parent: '../x' }), { code: 'INVALID_REQUEST' });
});

test('stats readers cache settings files until update() moves the epoch, and refresh them periodically', async (t) => {
  const { tree, manager } = await setUp(t);
  await manager.create('c1', { memoryBytes: 64 << 20 });
  const reader = manager.statsReader('c1');
  t.after(() => reader.close());
  assert.equal(readAllStats(reader)!.memory.limitBytes, 64 << 20);
  // Written behind berth's back: not seen at once (cached) …
  writeFileSync(join(tree.root, PARENT, 'c1/memory.max'), String(32 << 20));
  assert.equal(readAllStats(reader)!.memory.limitBytes, 64 << 20);
  // … but after the periodic refresh.
  let limit = 0;
  for (let i = 0; i < 60; i++) limit = readAllStats(reader)!.memory.limitBytes;
  assert.equal(limit, 32 << 20);
  // berth's own update is seen at the next read.
  await manager.update('c1', { memoryBytes: 128 << 20 });
  assert.equal(readAllStats(reader)!.memory.limitBytes, 128 << 20);
});

/** Files this process holds open under `dir`. */
function openUnder(dir: string): string[] {
  return readdirSync('/proc/self/fd').flatMap((fd) => {
    try { return [readlinkSync(`/proc/self/fd/${fd}`)]; } catch { return []; }
  }).filter((path) => path.startsWith(dir));
}

test('flushStats reads the parent\'s cpu.stat (one rstat flush for every container below), and shrugs while there is none', async (t) => {
  const { tree, manager } = await setUp(t);
  const parentStat = join(tree.root, PARENT, 'cpu.stat');
  manager.flushStats!(); // the parent is made at the first create
  assert.deepEqual(openUnder(tree.root), []);
  await manager.create('c1', {});
  writeFileSync(parentStat, 'usage_usec 1\n');
  manager.flushStats!();
  assert.deepEqual(openUnder(tree.root), [parentStat]);
  manager.flushStats!();
  assert.deepEqual(openUnder(tree.root), [parentStat], 'held open, not opened per call');
});
