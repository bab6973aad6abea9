// What the controller-less cgroup2 mount of a hybrid host offers for real, through the v2
// manager pointed at it: cgroup.kill, cgroup.freeze, cpu.stat and pressure — and a clear refusal
// of limits it has no controllers for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCgroupManager, readAllStats } from '../../../agent/cgroups/index.js';
import { cleanUpAfter, exited, grows, place, processState, randomParent, spawnBusy } from './helpers.js';

const UNIFIED = '/sys/fs/cgroup/unified';
const skip = process.getuid?.() === 0 && existsSync(join(UNIFIED, 'cgroup.procs')) ? false : 'needs root and a cgroup2 mount at /sys/fs/cgroup/unified';
const MOUNTINFO = `40 30 0:37 / ${UNIFIED} rw,relatime - cgroup2 cgroup2 rw\n`;

async function v2Manager(parent: string) {
  const manager = await createCgroupManager({ parent, mountinfo: MOUNTINFO });
  assert.equal(manager.version, 'v2');
  return manager;
}

test('unified: limits are refused naming the missing controller; nothing is created', { skip }, async (t) => {
  const parent = randomParent();
  cleanUpAfter(t, parent, []);
  const manager = await v2Manager(parent);
  await assert.rejects(manager.create('c1', { memoryBytes: 1 << 20 }), /the memory controller is not available under \/sys\/fs\/cgroup\/unified\/berth-test-\w+ \(enabled: none\)/);
  assert.equal(existsSync(join(UNIFIED, parent, 'c1')), false);
});

test('unified: cpu.stat and pressure move with a placed busy process; freeze and thaw via cgroup.freeze', { skip }, async (t) => {
  const parent = randomParent();
  const children: ChildProcess[] = [];
  cleanUpAfter(t, parent, children);
  const manager = await v2Manager(parent);
  await manager.create('c1', {});
  const reader = manager.statsReader('c1');
  t.after(() => reader.close());
  const busy = spawnBusy(children);
  place(manager, 'c1', busy.pid!);
  assert.deepEqual(await manager.pids('c1'), [busy.pid]);
  await grows('cpu.stat usage to reach 100 ms', () => readAllStats(reader)!.cpu.usageNs, 100e6);
  const stats = readAllStats(reader)!;
  assert.ok(stats.cpu.userNs + stats.cpu.systemNs > 0);
  assert.ok(stats.pressure?.cpu && stats.pressure.memory && stats.pressure.io, 'pressure files are there');
  assert.equal(stats.memory.usageBytes, 0, 'no memory controller: no figure');

  await manager.freeze('c1');
  assert.match(readFileSync(join(UNIFIED, parent, 'c1', 'cgroup.events'), 'utf8'), /frozen 1/);
  assert.notEqual(processState(busy.pid!), 'R');
  await manager.thaw('c1');
  assert.match(readFileSync(join(UNIFIED, parent, 'c1', 'cgroup.events'), 'utf8'), /frozen 0/);
  const atThaw = readAllStats(reader)!.cpu.usageNs;
  await grows('cpu usage to move after thaw', () => readAllStats(reader)!.cpu.usageNs, atThaw + 50e6);
});

test('unified: killAll via cgroup.kill reaches processes in nested cgroups; destroy removes them', { skip }, async (t) => {
  const parent = randomParent();
  const children: ChildProcess[] = [];
  cleanUpAfter(t, parent, children);
  const manager = await v2Manager(parent);
  await manager.create('c1', {});
  const top = spawnBusy(children);
  const nested = spawnBusy(children);
  place(manager, 'c1', top.pid!);
  // A container with its own cgroup namespace may make sub-cgroups; cgroup.kill covers them.
  mkdirSync(join(UNIFIED, parent, 'c1', 'sub'));
  writeFileSync(join(UNIFIED, parent, 'c1', 'sub', 'cgroup.procs'), String(nested.pid));
  assert.deepEqual(await manager.pids('c1'), [top.pid!, nested.pid!].sort((a, b) => a - b));
  await manager.killAll('c1');
  assert.deepEqual(await manager.pids('c1'), []);
  assert.equal(await exited(top), 'SIGKILL');
  assert.equal(await exited(nested), 'SIGKILL');
  await manager.destroy('c1');
  assert.equal(existsSync(join(UNIFIED, parent, 'c1')), false);
  assert.deepEqual(await manager.list(), []);
});
