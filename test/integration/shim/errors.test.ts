// A create that fails (after the monitor was forked) says which step, syscall, path and errno, exits non-zero, and leaves
// nothing behind: no process, no pid/fifo/log file, no mount on the host, an empty cgroup.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { busyboxAvailable, busyboxRootfs } from '../../helpers/rootfs.js';
import { encodeLaunchPlan } from '../../../agent/runtime/plan-format.js';
import { waitFor } from '../../helpers/wait.js';
import { buildShim, dockerLikePlan, isRoot, pidAlive, privateRootfs, Scratch, shimCreate, TestCgroup } from './harness.js';

const skip = !isRoot() || !busyboxAvailable() ? 'needs root and busybox-static' : false;
let scratch: Scratch;
let cgroup: TestCgroup;

before(() => { if (skip) return; buildShim(); scratch = new Scratch(); cgroup = new TestCgroup(); });
after(async () => { await scratch?.cleanup(); await cgroup?.remove(); });

function plan(args: string[], rootfs = busyboxRootfs()) {
  return dockerLikePlan(rootfs, scratch.stateDir(`e${Math.random().toString(36).slice(2)}`), args, [cgroup.procsFile]);
}

/** The failed create's promises: an error line last, exit 1, and no trace of it. */
async function assertFailedCleanly(p: ReturnType<typeof plan>, lines: string[], code: number | null): Promise<string> {
  // The spawned process exits 0 as soon as the monitor exists; the monitor reports the failure.
  assert.equal(code, 0);
  const last = lines.at(-1) ?? '';
  assert.match(last, /^error \S+ \d+ /);
  const shim = lines.find((l) => l.startsWith('shim '));
  if (shim) {
    const pid = Number(shim.split(' ')[1]);
    await waitFor(`failed shim ${pid} to exit`, () => !pidAlive(pid));
  }
  const init = lines.find((l) => l.startsWith('init '));
  if (init) assert.equal(pidAlive(Number(init.split(' ')[1])), false);
  assert.deepEqual(readdirSync(p.stateDir), []);
  assert.deepEqual(cgroup.pids(), []);
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8');
  assert.equal(mounts.includes(p.rootfs), false, 'no mount of the rootfs leaked to the host');
  return last;
}

test('command not found fails create with error exec 2', { skip }, async () => {
  const p = plan(['no-such-command', 'x']);
  const { lines, code } = await shimCreate(p);
  assert.deepEqual(lines.slice(0, 2).map((l) => l.split(' ')[0]), ['shim', 'init']);
  const last = await assertFailedCleanly(p, lines, code);
  assert.match(last, /^error exec 2 execvp no-such-command \(PATH=\/usr\/local\/sbin:.*\): No such file or directory$/);
});

test('a command that is not executable fails create with error exec 13', { skip }, async () => {
  const rootfs = privateRootfs(scratch, 'noexec', busyboxRootfs());
  writeFileSync(join(rootfs, 'bin/not-exec'), '#!/bin/sh\n');
  chmodSync(join(rootfs, 'bin/not-exec'), 0o644);
  const p = plan(['/bin/not-exec'], rootfs);
  const { lines, code } = await shimCreate(p);
  assert.match(await assertFailedCleanly(p, lines, code), /^error exec 13 execvp \/bin\/not-exec: Permission denied$/);
});

test('a missing bind source names the step, syscall and path', { skip }, async () => {
  const p = plan(['true']);
  p.mounts.push({ source: '/nonexistent-berth-src', target: '/mnt/x', fstype: '', flags: 4096, data: '', create: 'dir', remount: false });
  const { lines, code } = await shimCreate(p);
  assert.equal(await assertFailedCleanly(p, lines, code), 'error mount 2 open bind source /nonexistent-berth-src: No such file or directory');
});

test('proc may not be mounted over a symlink in the rootfs', { skip }, async () => {
  const rootfs = privateRootfs(scratch, 'symproc', busyboxRootfs());
  symlinkSync('/tmp', join(rootfs, 'proc2'));
  const p = plan(['true'], rootfs);
  p.mounts[0] = { ...p.mounts[0], target: '/proc2' };
  const { lines, code } = await shimCreate(p);
  assert.match(await assertFailedCleanly(p, lines, code), /^error mount 40 open mount target \/proc2 in rootfs: /);
});

test('a sysctl that is not namespaced is refused', { skip }, async () => {
  const p = plan(['true']);
  p.sysctls = { 'kernel.panic': '1' };
  const { lines, code } = await shimCreate(p);
  assert.match(await assertFailedCleanly(p, lines, code), /^error sysctl 1 sysctl kernel.panic: not isolated/);
});

test('bad plans are rejected before anything starts, naming the record', { skip }, async () => {
  const good = encodeLaunchPlan(plan(['true']));
  const cases: [string, Buffer, RegExp][] = [
    ['version', Buffer.from(good.toString('latin1').replace('BERTHPLAN\u00001\u0000', 'BERTHPLAN\u00002\u0000'), 'latin1'),
      /^error plan 22 plan: unsupported version "2"/],
    ['unknown kind', Buffer.from(good.toString('latin1').replace('id\u00001\u0000', 'idx\u00001\u0000'), 'latin1'),
      /^error plan 22 plan record #1: unknown kind "idx" in a launch plan$/],
    ['field count', Buffer.from(good.toString('latin1').replace('ro_rootfs\u00001\u00000\u0000', 'ro_rootfs\u00002\u00000\u00000\u0000'), 'latin1'),
      /^error plan 22 plan record #4 ro_rootfs: wrong field count 2$/],
    ['truncated', good.subarray(0, good.length - 6), /^error plan 22 plan record #\d+: truncated/],
  ];
  for (const [what, bytes, expected] of cases) {
    const { lines, code } = await shimCreate(bytes);
    assert.equal(code, 1, what);
    assert.equal(lines.length, 1, `${what}: ${lines.join(' | ')}`);
    assert.match(lines[0], expected, what);
  }
  const p = plan(['true']);
  p.namespaces = p.namespaces.filter((n) => n.type !== 'uts');
  const { lines } = await shimCreate(p);
  assert.match(lines[0], /^error plan 22 plan record hostname: needs a new uts namespace/);
  assert.deepEqual(readdirSync(p.stateDir), []);
});
