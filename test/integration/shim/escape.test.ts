// Mount targets are resolved inside the rootfs: a symlink planted in the image, absolute or
// climbing with "..", cannot make the shim mount or create anything on the host.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { busyboxAvailable, busyboxRootfs } from '../../helpers/rootfs.js';
import { buildShim, dockerLikePlan, isRoot, privateRootfs, Scratch, shimCreate, startContainer, stdoutText,
  TestCgroup, waitExit } from './harness.js';

const skip = !isRoot() || !busyboxAvailable() ? 'needs root and busybox-static' : false;
let scratch: Scratch;
let cgroup: TestCgroup;

before(() => { if (skip) return; buildShim(); scratch = new Scratch(); cgroup = new TestCgroup(); });
after(async () => { await scratch?.cleanup(); await cgroup?.remove(); });

test('symlinked mount targets resolve inside the rootfs and never reach the host', { skip }, async () => {
  const hostDir = join(scratch.dir, 'host-victim');
  mkdirSync(hostDir);
  const rootfs = privateRootfs(scratch, 'escape', busyboxRootfs());
  symlinkSync(hostDir, join(rootfs, 'abs'));                          // absolute: /abs -> <hostDir>
  symlinkSync(`${'../'.repeat(12)}${hostDir.slice(1)}`, join(rootfs, 'climb')); // ../../..: clamped at the root
  const source = join(scratch.dir, 'bind-source');
  mkdirSync(source);
  const p = dockerLikePlan(rootfs, scratch.stateDir('c'),
    ['sh', '-c', `echo hi > /abs/tmpfs/f && cat /abs/tmpfs/f && grep -c " ${hostDir}/" /proc/self/mountinfo`], [cgroup.procsFile]);
  p.mounts.push(
    { source: 'tmpfs', target: '/abs/tmpfs', fstype: 'tmpfs', flags: 0, data: 'size=64k', create: 'dir', remount: false },
    { source, target: '/climb/bind', fstype: '', flags: 4096 | 16384, data: '', create: 'dir', remount: false },
  );
  const { lines } = await shimCreate(p);
  assert.equal(lines.at(-1), 'created', lines.join(' | '));
  startContainer(p.startFifo);
  const exit = await waitExit(p);
  assert.equal(exit.exitCode, 0, stdoutText(p));
  // Inside the container both mounts exist at <hostDir>/... of the container's root …
  assert.equal(stdoutText(p), 'hi\n2\n');
  // … which is a directory in the rootfs, while the host directory stayed untouched.
  assert.deepEqual(readdirSync(hostDir), []);
  assert.deepEqual(readdirSync(join(rootfs, hostDir)).sort(), ['bind', 'tmpfs']);
  assert.equal(existsSync(join(source, 'f')), false);
});
