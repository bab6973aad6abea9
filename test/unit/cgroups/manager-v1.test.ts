// The v1/hybrid manager against temp copies of the v1 fixture tree: every hierarchy written,
// the parent set up like the kernel needs, all-or-nothing create, comounted controllers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createCgroupManager, type CgroupManager, type FixtureHooks, readAllStats } from '../../../agent/cgroups/index.js';
import type { BerthError } from '../../../agent/errors.js';
import { fixtureTree, mountinfo, type FixtureTree } from './fixture-tree.js';

const PARENT = 'berth-unit';
const HIERARCHIES = ['blkio', 'cpu', 'cpuacct', 'cpuset', 'devices', 'freezer', 'memory', 'pids'];

async function setUp(t: { after(fn: () => void): void }, hooks?: (h: FixtureHooks, tree: FixtureTree) => FixtureHooks, extra: object = {}):
  Promise<{ tree: FixtureTree; manager: CgroupManager }> {
  const tree = fixtureTree('v1');
  t.after(() => tree.cleanup());
  const manager = await createCgroupManager({
    root: tree.root, parent: PARENT, fixtureHooks: hooks ? hooks(tree.hooks, tree) : tree.hooks,
    timeouts: { freezeMs: 200, killMs: 200, rmdirMs: 100 }, ...extra,
  });
  return { tree, manager };
}

test('hybrid create: a directory in every hierarchy and in unified, parent cpuset copied, use_hierarchy on', async (t) => {
  const { tree, manager } = await setUp(t);
  assert.equal(manager.version, 'hybrid');
  await manager.create('c1', {});
  for (const h of [...HIERARCHIES, 'unified']) assert.ok(existsSync(join(tree.root, h, PARENT, 'c1/cgroup.procs')), h);
  assert.equal(existsSync(join(tree.root, 'systemd', PARENT)), false, 'name=systemd is not berth\'s');
  assert.equal(tree.read(`cpuset/${PARENT}/cpuset.cpus`), '0-1', 'parent copied from the root');
  assert.equal(tree.read(`cpuset/${PARENT}/cpuset.mems`), '0');
  assert.equal(tree.read(`cpuset/${PARENT}/c1/cpuset.cpus`), '0-1', 'child inherits the parent when the spec is silent');
  assert.equal(tree.read(`memory/${PARENT}/memory.use_hierarchy`), '1');
  assert.deepEqual(manager.procsFiles('c1').map((f) => f.slice(tree.root.length)).sort(),
    [...HIERARCHIES, 'unified'].map((h) => `/${h}/${PARENT}/c1/cgroup.procs`).sort());
});

test('v1 limits land in the v1 files', async (t) => {
  const { tree, manager } = await setUp(t);
  await manager.create('c1', {
    memoryBytes: 256 << 20, memorySwapBytes: 512 << 20, memoryReservationBytes: 128 << 20, memorySwappiness: 0, oomKillDisable: true, cpuQuotaUs: 50_000, cpuPeriodUs: 200_000,
    cpuBurstUs: 20_000, cpuShares: 512, cpusetCpus: '1', cpusetMems: '0', pidsLimit: 64, blkioWeight: 300,
    ioThrottles: [{ major: 8, minor: 16, readBps: 1048576, writeBps: 0, readIops: 0, writeIops: 100 }],
    devices: [{ allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' }, { allow: false, type: 'c', major: 10, minor: 229, access: 'rwm' },
      { allow: true, type: 'c', major: 136, minor: -1, access: 'rw' }],
  });
  const read = (h: string, f: string): string => tree.read(`${h}/${PARENT}/c1/${f}`);
  assert.equal(read('memory', 'memory.limit_in_bytes'), String(256 << 20));
  assert.equal(read('memory', 'memory.memsw.limit_in_bytes'), String(512 << 20));
  assert.equal(read('memory', 'memory.soft_limit_in_bytes'), String(128 << 20));
  assert.equal(read('memory', 'memory.swappiness'), '0');
  assert.equal(read('memory', 'memory.oom_control'), '1');
  assert.equal(read('cpu', 'cpu.cfs_quota_us'), '50000');
  assert.equal(read('cpu', 'cpu.cfs_period_us'), '200000');
  assert.equal(read('cpu', 'cpu.cfs_burst_us'), '20000');
  assert.equal(read('cpu', 'cpu.shares'), '512');
  assert.equal(read('cpuset', 'cpuset.cpus'), '1');
  assert.equal(read('pids', 'pids.max'), '64');
  assert.equal(read('blkio', 'blkio.bfq.weight'), '300', 'no blkio.weight (no CFQ): the BFQ file');
  assert.equal(read('blkio', 'blkio.throttle.read_bps_device'), '8:16 1048576');
  assert.equal(read('blkio', 'blkio.throttle.write_iops_device'), '8:16 100');
  assert.equal(read('blkio', 'blkio.throttle.write_bps_device'), '', 'a rate of 0 is not written');
  // Plain files keep only the last write; the sequence itself is checked against the kernel in the integration test.
  assert.equal(read('devices', 'devices.allow'), 'c 136:* rw');
  assert.equal(read('devices', 'devices.deny'), 'c 10:229 rwm');
});

test('v1 unlimited values are -1 / max', async (t) => {
  const { tree, manager } = await setUp(t);
  await manager.create('c1', { memoryBytes: 0, memorySwapBytes: -1, cpuQuotaUs: 0, pidsLimit: 0 });
  assert.equal(tree.read(`memory/${PARENT}/c1/memory.limit_in_bytes`), '-1');
  assert.equal(tree.read(`memory/${PARENT}/c1/memory.memsw.limit_in_bytes`), '-1');
  assert.equal(tree.read(`cpu/${PARENT}/c1/cpu.cfs_quota_us`), '-1');
  assert.equal(tree.read(`pids/${PARENT}/c1/pids.max`), 'max');
});

test('v1 create is all-or-nothing across hierarchies', async (t) => {
  const { tree, manager } = await setUp(t, (h) => ({ ...h, populate: (dir) => { h.populate(dir); if (dir.endsWith(`blkio/${PARENT}/c1`)) rmSync(join(dir, 'blkio.bfq.weight')); } }));
  await assert.rejects(manager.create('c1', { memoryBytes: 1 << 20, blkioWeight: 300 }),
    (err: any) => err.code === 'CGROUP_FAILED' && /neither blkio.weight nor blkio.bfq.weight exists/.test(err.message) && err.message.includes(join(tree.root, 'blkio', PARENT, 'c1')));
  for (const h of [...HIERARCHIES, 'unified']) assert.deepEqual(readdirSync(join(tree.root, h, PARENT)).filter((e) => e === 'c1'), [], h);
  await manager.create('c2', { memoryBytes: 1 << 20 });
  assert.deepEqual(await manager.list(), ['c2']);
});

test('a cleanup that fails too is reported with the original error', async (t) => {
  const { manager } = await setUp(t, (h) => ({
    ...h,
    populate: (dir) => { h.populate(dir); if (dir.endsWith(`pids/${PARENT}/c1`)) rmSync(join(dir, 'pids.max')); },
    remove: (dir) => { if (dir.endsWith(`memory/${PARENT}/c1`)) throw Object.assign(new Error('busy'), { code: 'EBUSY' }); h.remove(dir); },
  }));
  await assert.rejects(manager.create('c1', { pidsLimit: 3 }), /open .*pids\.max: ENOENT \(to write "3"\); cleanup also failed: rmdir .*memory\/berth-unit\/c1: EBUSY/);
});

test('memsw goes before the limit when the limit rises above it', async (t) => {
  const { tree, manager } = await setUp(t);
  await manager.create('c1', { memoryBytes: 64 << 20, memorySwapBytes: 128 << 20 });
  // The fixture's files are plain: make memsw read 128 MiB like the kernel would, then raise both.
  tree.write(`memory/${PARENT}/c1/memory.memsw.limit_in_bytes`, String(128 << 20));
  await manager.update('c1', { memoryBytes: 256 << 20, memorySwapBytes: 512 << 20 });
  assert.equal(tree.read(`memory/${PARENT}/c1/memory.limit_in_bytes`), String(256 << 20));
  assert.equal(tree.read(`memory/${PARENT}/c1/memory.memsw.limit_in_bytes`), String(512 << 20));
});

test('a v1 update that fails half-way writes back what it changed and reports the failure', async (t) => {
  const { tree, manager } = await setUp(t);
  await manager.create('c1', { cpusetCpus: '0-1', memoryBytes: 64 << 20, cpuQuotaUs: 50_000, cpuPeriodUs: 100_000 });
  // pids is written after cpuset, memory and cpu: a directory in its place fails (EISDIR).
  rmSync(join(tree.root, 'pids', PARENT, 'c1/pids.max'));
  mkdirSync(join(tree.root, 'pids', PARENT, 'c1/pids.max'));
  await assert.rejects(manager.update('c1', { cpusetCpus: '1', memoryBytes: 32 << 20, cpuQuotaUs: 20_000, pidsLimit: 10 }),
    (e: BerthError) => e.code === 'CGROUP_FAILED' && /pids\.max: EISDIR/.test(e.message) && !/cleanup/.test(e.message));
  assert.equal(tree.read(`cpuset/${PARENT}/c1/cpuset.cpus`), '0-1');
  assert.equal(tree.read(`memory/${PARENT}/c1/memory.limit_in_bytes`), String(64 << 20));
  assert.equal(tree.read(`cpu/${PARENT}/c1/cpu.cfs_quota_us`), '50000');
  // Without the failure the same update lands.
  rmSync(join(tree.root, 'pids', PARENT, 'c1/pids.max'), { recursive: true });
  tree.write(`pids/${PARENT}/c1/pids.max`, 'max');
  await manager.update('c1', { cpusetCpus: '1', memoryBytes: 32 << 20, cpuQuotaUs: 20_000, pidsLimit: 10 });
  assert.deepEqual(['cpuset/cpuset.cpus', 'memory/memory.limit_in_bytes', 'cpu/cpu.cfs_quota_us', 'pids/pids.max']
    .map((f) => { const [h, file] = f.split('/'); return tree.read(`${h}/${PARENT}/c1/${file}`); }), ['1', String(32 << 20), '20000', '10']);
});

test('v1 freeze writes FROZEN and reads it back; thaw THAWED', async (t) => {
  const { tree, manager } = await setUp(t);
  await manager.create('c1', {});
  await manager.freeze('c1');
  assert.equal(tree.read(`freezer/${PARENT}/c1/freezer.state`), 'FROZEN');
  await manager.thaw('c1');
  assert.equal(tree.read(`freezer/${PARENT}/c1/freezer.state`), 'THAWED');
});

test('v1 pids are the union over hierarchies; destroy removes every directory; list unions too', async (t) => {
  const { tree, manager } = await setUp(t);
  await manager.create('c1', {});
  await manager.create('c2', {});
  tree.write(`pids/${PARENT}/c1/cgroup.procs`, '30\n10\n');
  tree.write(`memory/${PARENT}/c1/cgroup.procs`, '10\n20\n');
  assert.deepEqual(await manager.pids('c1'), [10, 20, 30]);
  rmSync(join(tree.root, 'cpu', PARENT, 'c2'), { recursive: true }); // half-removed by a crash
  assert.deepEqual(await manager.list(), ['c1', 'c2']);
  await manager.destroy('c2');
  for (const h of [...HIERARCHIES, 'unified']) assert.equal(existsSync(join(tree.root, h, PARENT, 'c2')), false, h);
  assert.deepEqual(await manager.list(), ['c1']);
});

test('a resource whose controller is not mounted is refused before anything is made', async (t) => {
  const { tree, manager } = await setUp(t, undefined, { mountinfo: mountinfo('hybrid').replace(/^.* \/sys\/fs\/cgroup\/pids .*\n/m, '') });
  await assert.rejects(manager.create('c1', { pidsLimit: 5 }), /the pids cgroup controller is not mounted/);
  assert.equal(existsSync(join(tree.root, 'memory', PARENT, 'c1')), false);
});

test('comounted cpu,cpuacct (from a mount table, relocated under the fixture root) is one directory', async (t) => {
  const tree = fixtureTree('v1');
  t.after(() => tree.cleanup());
  // Make the copy look like a Debian v1 host: cpu,cpuacct merged, no unified mount.
  const comount = join(tree.root, 'cpu,cpuacct');
  renameSync(join(tree.root, 'cpu'), comount);
  cpSync(join(tree.root, 'cpuacct'), comount, { recursive: true });
  rmSync(join(tree.root, 'cpuacct'), { recursive: true });
  rmSync(join(tree.root, 'unified'), { recursive: true });
  const manager = await createCgroupManager({ root: tree.root, parent: 'berth', mountinfo: mountinfo('v1-comount'), fixtureHooks: tree.hooks });
  assert.equal(manager.version, 'v1');
  assert.equal(manager.procsFiles('c9').filter((f) => f.includes('cpu,cpuacct')).length, 1);
  assert.equal(manager.procsFiles('c9').length, 7);
  await manager.create('c9', { cpuShares: 256 });
  assert.equal(tree.read('cpu,cpuacct/berth/c9/cpu.shares'), '256');
  const reader = manager.statsReader('c1');
  t.after(() => reader.close());
  const stats = readAllStats(reader)!;
  assert.equal(stats.cpu.usageNs, 5_000_000_000);
  assert.equal(stats.spec.cpuShares, 512);
  assert.equal(stats.pressure, undefined, 'no unified mount, no pressure');
  await manager.destroy('c9');
  assert.equal(existsSync(join(comount, 'berth/c9')), false);
});
