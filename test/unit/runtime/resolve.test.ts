import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { capabilityMask, CAPABILITY_NAMES } from '../../../agent/runtime/capabilities.js';
import { resolveSpec } from '../../../agent/runtime/resolve.js';
import { validateSpec } from '../../../agent/runtime/spec.js';
import { assertRejectsInvalid, fixtureRootfs, tempDir, writeTree } from './spec-helpers.js';

const ENV = { hostCpus: 2 };
const resolve = (input: Record<string, unknown>) => resolveSpec(validateSpec(input, ENV), ENV);

test('Docker defaults for a bare rootfs spec', async (t) => {
  const rootfs = fixtureRootfs(t);
  const spec = await resolve({ rootfs, cmd: ['sh'], name: 'web' });
  assert.equal(capabilityMask(spec.capabilities), 0xa80425fbn);
  assert.equal(spec.capabilities.length, 14);
  assert.deepEqual(spec.namespaces, { pid: 'private', net: 'private', mnt: 'private', uts: 'private', ipc: 'private', cgroup: 'private', user: 'host' });
  assert.equal(spec.seccomp, 'default');
  assert.equal(spec.noNewPrivileges, true);
  assert.equal(spec.privileged, false);
  assert.equal(spec.workdir, '/');
  assert.equal(spec.hostname, 'web');
  assert.deepEqual(spec.user, { uid: 0, gid: 0, additionalGids: [], name: 'root' });
  assert.deepEqual(spec.env, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOSTNAME=web', 'HOME=/root']);
  assert.deepEqual(spec.resources, { memoryBytes: 0, memorySwapBytes: 0, memoryReservationBytes: 0, memorySwappiness: -1, oomKillDisable: false, cpus: 0, cpuPeriodUs: 0, cpuBurstUs: 0, cpuShares: 0, cpusetCpus: '', cpusetMems: '', pidsLimit: 0, blkioWeight: 0, ioLimits: [] });
  assert.equal(spec.bundle, '');
  assert.equal(spec.image, rootfs);
  assert.equal(spec.readOnlyRootfs, false);
  assert.deepEqual([spec.stopTimeout, spec.stopSignal, spec.autoRemove], [10, 'SIGTERM', false]);
  assert.deepEqual([spec.mounts, spec.ulimits, spec.uidMappings, spec.labels], [[], [], [], {}]);
});

test('user env replaces the defaults in place and keeps its own order', async (t) => {
  const rootfs = fixtureRootfs(t);
  const spec = await resolve({ rootfs, cmd: ['sh'], hostname: 'h', env: ['B=2', 'PATH=/bin', 'HOME=/tmp', 'A=1'] });
  assert.deepEqual(spec.env, ['PATH=/bin', 'HOSTNAME=h', 'B=2', 'HOME=/tmp', 'A=1']);
});

test('no HOSTNAME without a name, and none with the host UTS namespace', async (t) => {
  const rootfs = fixtureRootfs(t);
  const unnamed = await resolve({ rootfs, cmd: ['sh'] });
  assert.equal(unnamed.hostname, '');
  assert.ok(!unnamed.env.some((e) => e.startsWith('HOSTNAME=')));
  const hostUts = await resolve({ rootfs, cmd: ['sh'], name: 'x', namespaces: { uts: 'host' } });
  assert.equal(hostUts.hostname, '');
});

test('cap-add, cap-drop and ALL follow Docker', async (t) => {
  const rootfs = fixtureRootfs(t);
  const caps = async (capabilities: object) => (await resolve({ rootfs, cmd: ['sh'], capabilities })).capabilities;
  const withAdmin = await caps({ add: ['net_admin'], drop: ['CAP_MKNOD', 'net_raw'] });
  assert.equal(capabilityMask(withAdmin), (0xa80425fbn | (1n << 12n)) & ~(1n << 27n) & ~(1n << 13n));
  assert.deepEqual(await caps({ drop: ['ALL'], add: ['KILL', 'chown'] }), ['CAP_CHOWN', 'CAP_KILL']);
  const all = await caps({ add: ['ALL'], drop: ['SYS_ADMIN'] });
  assert.equal(all.length, CAPABILITY_NAMES.length - 1);
  assert.ok(!all.includes('CAP_SYS_ADMIN'));
  // moby: the add list is applied after the drop list
  assert.ok((await caps({ add: ['KILL'], drop: ['KILL'] })).includes('CAP_KILL'));
});

test('privileged means all capabilities and no seccomp', async (t) => {
  const rootfs = fixtureRootfs(t);
  assert.equal((await resolve({ rootfs, cmd: ['sh'], capabilities: { add: ['ALL'] }, seccomp: 'unconfined' })).privileged, true);
  assert.equal((await resolve({ rootfs, cmd: ['sh'], capabilities: { add: ['ALL'] } })).privileged, false);
  assert.equal((await resolve({ rootfs, cmd: ['sh'], seccomp: 'unconfined' })).privileged, false);
});

test('user lookups in the rootfs passwd and group', async (t) => {
  const rootfs = fixtureRootfs(t);
  const user = async (u: string) => (await resolve({ rootfs, cmd: ['sh'], user: u })).user;
  assert.deepEqual(await user('alice'), { uid: 1000, gid: 1000, additionalGids: [10, 29], name: 'alice' });
  assert.deepEqual(await user('1001'), { uid: 1001, gid: 1001, additionalGids: [10], name: 'bob' });
  assert.deepEqual(await user('alice:staff'), { uid: 1000, gid: 50, additionalGids: [], name: 'alice' });
  assert.deepEqual(await user('alice:4242'), { uid: 1000, gid: 4242, additionalGids: [], name: 'alice' });
  assert.deepEqual(await user('5000'), { uid: 5000, gid: 0, additionalGids: [], name: '' });
  assert.deepEqual(await user('5000:wheel'), { uid: 5000, gid: 10, additionalGids: [], name: '' });
  const home = (await resolve({ rootfs, cmd: ['sh'], user: 'bob' })).env.find((e) => e.startsWith('HOME='));
  assert.equal(home, 'HOME=/home/bob');
  assert.ok((await resolve({ rootfs, cmd: ['sh'], user: '5000' })).env.includes('HOME=/'));
});

test('unknown user or group names are errors naming the user field and the rootfs', async (t) => {
  const rootfs = fixtureRootfs(t);
  await assertRejectsInvalid(resolve({ rootfs, cmd: ['sh'], user: 'mallory' }), 'user', /unable to find user "mallory": no such user in \/etc\/passwd/);
  await assertRejectsInvalid(resolve({ rootfs, cmd: ['sh'], user: 'alice:ops' }), 'user', /unable to find group "ops"/);
  const bare = tempDir(t);
  await assertRejectsInvalid(resolve({ rootfs: bare, cmd: ['sh'], user: 'alice' }), 'user', /the rootfs has no \/etc\/passwd/);
  // numeric ids need no passwd at all
  assert.deepEqual((await resolve({ rootfs: bare, cmd: ['sh'], user: '7:8' })).user, { uid: 7, gid: 8, additionalGids: [], name: '' });
});

test('a passwd symlink that climbs out of the rootfs is refused', async (t) => {
  const dir = tempDir(t);
  writeTree(dir, { 'host-passwd': 'evil:x:0:0::/:/bin/sh\n' });
  const rootfs = join(dir, 'rootfs');
  mkdirSync(join(rootfs, 'etc'), { recursive: true });
  symlinkSync('../../host-passwd', join(rootfs, 'etc/passwd'));
  await assertRejectsInvalid(resolve({ rootfs, cmd: ['sh'], user: 'evil' }), 'user', /leaves the root filesystem/);
});

test('an absolute passwd symlink is resolved inside the rootfs, not on the host', async (t) => {
  const rootfs = join(tempDir(t), 'rootfs');
  writeTree(rootfs, { 'usr/share/base/passwd': 'carol:x:2000:2000::/home/carol:/bin/sh\n' });
  mkdirSync(join(rootfs, 'etc'));
  symlinkSync('/usr/share/base/passwd', join(rootfs, 'etc/passwd'));
  assert.equal((await resolve({ rootfs, cmd: ['sh'], user: 'carol' })).user.uid, 2000);
  // a link that would reach the host's /etc from the host resolves to rootfs/proc/self/root/etc: not found
  rmSync(join(rootfs, 'etc'), { recursive: true });
  symlinkSync('/proc/self/root/etc', join(rootfs, 'etc'));
  await assertRejectsInvalid(resolve({ rootfs, cmd: ['sh'], user: 'root' }), 'user', /no \/etc\/passwd/);
});

test('a passwd that is not a regular file is refused', async (t) => {
  const rootfs = join(tempDir(t), 'rootfs');
  mkdirSync(join(rootfs, 'etc/passwd'), { recursive: true });
  await assertRejectsInvalid(resolve({ rootfs, cmd: ['sh'], user: 'x' }), 'user', /not a regular file/);
});

test('malformed passwd lines are skipped', async (t) => {
  const rootfs = join(tempDir(t), 'rootfs');
  writeTree(rootfs, { 'etc/passwd': '# comment\nbroken\nx:x:notanumber:0::/:/bin/sh\ndave:x:3000:3000::/home/dave:/bin/sh\n' });
  assert.equal((await resolve({ rootfs, cmd: ['sh'], user: 'dave' })).user.uid, 3000);
});

test('user namespace: private with mappings, and the user must be mapped', async (t) => {
  const rootfs = fixtureRootfs(t);
  const maps = { uidMappings: [{ containerId: 0, hostId: 100000, size: 1000 }], gidMappings: [{ containerId: 0, hostId: 100000, size: 65536 }] };
  const spec = await resolve({ rootfs, cmd: ['sh'], ...maps });
  assert.equal(spec.namespaces.user, 'private');
  assert.deepEqual(spec.uidMappings, maps.uidMappings);
  await assertRejectsInvalid(resolve({ rootfs, cmd: ['sh'], user: 'alice', ...maps }), 'user', /uid 1000 is not mapped/);
});

test('resources: all present, pids -1 becomes 0, cpus checked against the host given to resolve', async (t) => {
  const rootfs = fixtureRootfs(t);
  const spec = await resolve({ rootfs, cmd: ['sh'], resources: { memoryBytes: 64 * 1024 * 1024, pidsLimit: -1, cpus: 1.5 } });
  assert.deepEqual(spec.resources, { memoryBytes: 67108864, memorySwapBytes: 0, memoryReservationBytes: 0, memorySwappiness: -1, oomKillDisable: false, cpus: 1.5, cpuPeriodUs: 0, cpuBurstUs: 0, cpuShares: 0, cpusetCpus: '', cpusetMems: '', pidsLimit: 0, blkioWeight: 0, ioLimits: [] });
  const validated = validateSpec({ rootfs, cmd: ['sh'], resources: { cpus: 2 } }, { hostCpus: 4 });
  await assertRejectsInvalid(resolveSpec(validated, { hostCpus: 1 }), 'resources.cpus', /between 0.01 and 1/);
});

test('mounts, ulimits and lifecycle fields are carried over', async (t) => {
  const rootfs = fixtureRootfs(t);
  const src = tempDir(t);
  writeFileSync(join(src, 'f'), '');
  const spec = await resolve({
    rootfs, cmd: ['sh'], mounts: [{ type: 'bind', source: src, target: '/data', readOnly: true }],
    ulimits: [{ name: 'nofile', soft: 10, hard: 20 }], stopTimeout: 1, stopSignal: 'INT', autoRemove: true, readOnlyRootfs: true, labels: { a: 'b' }, image: 'img',
  });
  assert.deepEqual(spec.mounts, [{ type: 'bind', source: src, target: '/data', readOnly: true }]);
  assert.deepEqual(spec.ulimits, [{ name: 'nofile', soft: 10, hard: 20 }]);
  assert.deepEqual([spec.stopTimeout, spec.stopSignal, spec.autoRemove, spec.readOnlyRootfs, spec.labels, spec.image], [1, 'SIGINT', true, true, { a: 'b' }, 'img']);
});

test('an escaping /etc directory symlink and a symlink loop are refused with the reason', async (t) => {
  const dir = tempDir(t);
  const rootfs = join(dir, 'rootfs');
  mkdirSync(rootfs);
  writeTree(dir, { 'etc/passwd': 'evil:x:0:0::/:/bin/sh\n' });
  symlinkSync('.', join(rootfs, 'etc'));
  // rootfs/etc → rootfs, so /etc/passwd → rootfs/passwd: inside, and missing
  await assertRejectsInvalid(resolve({ rootfs, cmd: ['sh'], user: 'evil' }), 'user', /no \/etc\/passwd/);
  rmSync(join(rootfs, 'etc'));
  symlinkSync('..', join(rootfs, 'etc'));
  await assertRejectsInvalid(resolve({ rootfs, cmd: ['sh'], user: 'evil' }), 'user', /leaves the root filesystem/);
  rmSync(join(rootfs, 'etc'));
  symlinkSync('/etc', join(rootfs, 'etc'));
  await assertRejectsInvalid(resolve({ rootfs, cmd: ['sh'], user: 'evil' }), 'user', /too many symlinks/);
});
