import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { detectCgroupLayout, detectCgroupVersion, parseCgroupMounts } from '../../../agent/cgroups/index.js';
import { FIXTURES, mountinfo } from './fixture-tree.js';

test('hybrid: separate cpu and cpuacct mounts plus the controller-less unified mount', () => {
  assert.equal(detectCgroupVersion(mountinfo('hybrid')), 'hybrid');
  const layout = detectCgroupLayout({ mountinfo: mountinfo('hybrid') });
  assert.equal(layout.v1.get('cpu'), '/sys/fs/cgroup/cpu');
  assert.equal(layout.v1.get('cpuacct'), '/sys/fs/cgroup/cpuacct');
  assert.equal(layout.v1.get('memory'), '/sys/fs/cgroup/memory');
  assert.equal(layout.unified, '/sys/fs/cgroup/unified');
  assert.equal(layout.v1.size, 8);
});

test('pure v2: one cgroup2 mount at /sys/fs/cgroup', () => {
  assert.equal(detectCgroupVersion(mountinfo('v2')), 'v2');
  assert.equal(detectCgroupLayout({ mountinfo: mountinfo('v2') }).unified, '/sys/fs/cgroup');
});

test('v1 with cpu,cpuacct comounted: both controllers share the mount, named hierarchies are ignored', () => {
  assert.equal(detectCgroupVersion(mountinfo('v1-comount')), 'v1');
  const layout = detectCgroupLayout({ mountinfo: mountinfo('v1-comount') });
  assert.equal(layout.v1.get('cpu'), '/sys/fs/cgroup/cpu,cpuacct');
  assert.equal(layout.v1.get('cpuacct'), '/sys/fs/cgroup/cpu,cpuacct');
  assert.equal(layout.unified, undefined);
  assert.ok(![...layout.v1.values()].some((p) => p.includes('systemd') || p.includes('net_cls')));
});

test('mount option words that are not controllers (clone_children, xattr) are not taken as controllers', () => {
  const cpuset = parseCgroupMounts(mountinfo('v1-comount')).find((m) => m.mountPoint.endsWith('/cpuset'));
  assert.deepEqual(cpuset?.controllers, ['cpuset']);
});

test('no cgroup filesystem in the mount table is a clear error', () => {
  assert.throws(() => detectCgroupVersion(mountinfo('none')), { code: 'CGROUP_FAILED', message: /no cgroup or cgroup2 filesystem/ });
});

test('a given root relocates the mount points (fixture copies of a host)', () => {
  const layout = detectCgroupLayout({ mountinfo: mountinfo('v1-comount'), root: '/tmp/x' });
  assert.equal(layout.v1.get('cpu'), '/tmp/x/cpu,cpuacct');
  assert.equal(layout.v1.get('memory'), '/tmp/x/memory');
  assert.equal(detectCgroupLayout({ mountinfo: mountinfo('v2'), root: '/tmp/y' }).unified, '/tmp/y');
  assert.equal(detectCgroupLayout({ mountinfo: mountinfo('hybrid'), root: '/tmp/z' }).unified, '/tmp/z/unified');
});

test('escaped mount points (\\040 for a space) are unescaped', () => {
  const text = '40 30 0:37 / /mnt/my\\040cgroups rw - cgroup2 cgroup2 rw\n';
  assert.equal(parseCgroupMounts(text)[0].mountPoint, '/mnt/my cgroups');
});

test('a plain directory root without a mount table entry is read as a tree: the fixtures', () => {
  const v1 = detectCgroupLayout({ root: join(FIXTURES, 'v1') });
  assert.equal(v1.version, 'hybrid');
  assert.equal(v1.v1.get('cpuacct'), join(FIXTURES, 'v1/cpuacct'));
  assert.equal(v1.unified, join(FIXTURES, 'v1/unified'));
  const v2 = detectCgroupLayout({ root: join(FIXTURES, 'v2') });
  assert.equal(v2.version, 'v2');
  assert.equal(v2.unified, join(FIXTURES, 'v2'));
  assert.throws(() => detectCgroupLayout({ root: join(FIXTURES, 'mountinfo') }), /neither cgroup.controllers nor v1 hierarchies/);
});
