// --device: validation, resolution against the host's nodes, plan nodes and device cgroup rules.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import type { DeviceRule } from '../../../agent/cgroups/types.js';
import { buildLaunchPlan } from '../../../agent/runtime/plan.js';
import { resolveSpec } from '../../../agent/runtime/resolve.js';
import { toCgroupResources } from '../../../agent/runtime/resources.js';
import { validateSpec } from '../../../agent/runtime/spec.js';
import { assertRejectsInvalid, fixtureRootfs, makeBundle, runcSpec, tempDir } from './spec-helpers.js';

const ENV = { hostCpus: 2 };
const resolve = async (t: TestContext, extra: Record<string, unknown>) =>
  resolveSpec(validateSpec({ rootfs: fixtureRootfs(t), cmd: ['sh'], ...extra }, ENV), ENV);
const rule = (r: DeviceRule) => `${r.allow ? 'allow' : 'deny'} ${r.type} ${r.major < 0 ? '*' : r.major}:${r.minor < 0 ? '*' : r.minor} ${r.access}`;

test('a device node resolves to what the host has: numbers, owner, mode; container path and permissions default', async (t) => {
  const spec = await resolve(t, { devices: [{ hostPath: '/dev/null' }, { hostPath: '/dev/zero', containerPath: '/dev/nothing', permissions: 'r' }] });
  assert.deepEqual(spec.devices, [
    { hostPath: '/dev/null', containerPath: '/dev/null', type: 'c', major: 1, minor: 3, fileMode: 0o666, uid: 0, gid: 0, permissions: 'rwm' },
    { hostPath: '/dev/zero', containerPath: '/dev/nothing', type: 'c', major: 1, minor: 5, fileMode: 0o666, uid: 0, gid: 0, permissions: 'r' },
  ]);
});

test('a symlink is followed to its node; a directory gives every node under it, placed under the container path', async (t) => {
  const dir = tempDir(t, 'berth-devdir-');
  mkdirSync(join(dir, 'snd/sub'), { recursive: true });
  execFileSync('mknod', ['-m', '640', join(dir, 'snd/controlC0'), 'c', '116', '7']);
  execFileSync('mknod', ['-m', '600', join(dir, 'snd/sub/disk'), 'b', '8', '16']);
  execFileSync('chown', ['12:34', join(dir, 'snd/controlC0')]);
  writeFileSync(join(dir, 'snd/readme'), 'not a device');
  symlinkSync('/dev/null', join(dir, 'null-link'));
  const spec = await resolve(t, { devices: [{ hostPath: join(dir, 'snd'), containerPath: '/dev/snd' }, { hostPath: join(dir, 'null-link'), containerPath: '/dev/n' }] });
  assert.deepEqual(spec.devices.map((d) => `${d.hostPath} → ${d.containerPath} ${d.type} ${d.major}:${d.minor} ${d.fileMode.toString(8)} ${d.uid}:${d.gid}`), [
    `${join(dir, 'snd/controlC0')} → /dev/snd/controlC0 c 116:7 640 12:34`,
    `${join(dir, 'snd/sub/disk')} → /dev/snd/sub/disk b 8:16 600 0:0`,
    '/dev/null → /dev/n c 1:3 666 0:0',
  ]);
});

test('bad device mappings are refused by field', async (t) => {
  const dir = tempDir(t, 'berth-devdir-');
  writeFileSync(join(dir, 'file'), '');
  mkdirSync(join(dir, 'empty'));
  await assertRejectsInvalid(resolve(t, { devices: [{ hostPath: 'dev/null' }] }), 'devices[0].hostPath', /absolute/);
  await assertRejectsInvalid(resolve(t, { devices: [{ hostPath: '/dev/null', permissions: 'rwx' }] }), 'devices[0].permissions', /some of r, w and m/);
  await assertRejectsInvalid(resolve(t, { devices: [{ hostPath: '/dev/null', permissions: 'rr' }] }), 'devices[0].permissions', /some of r, w and m/);
  await assertRejectsInvalid(resolve(t, { devices: [{ hostPath: '/dev/null', mode: 'rw' }] }), 'devices[0].mode', /unknown/);
  await assertRejectsInvalid(resolve(t, { devices: [{ hostPath: '/dev/null' }, { hostPath: join(dir, 'file') }] }), 'devices[1].hostPath', /is not a device node/);
  await assertRejectsInvalid(resolve(t, { devices: [{ hostPath: join(dir, 'nope') }] }), 'devices[0].hostPath', /does not exist on the host/);
  await assertRejectsInvalid(resolve(t, { devices: [{ hostPath: join(dir, 'empty') }] }), 'devices[0].hostPath', /holds no device nodes/);
  const userNs = { namespaces: { user: 'private' }, uidMappings: [{ containerId: 0, hostId: 100000, size: 65536 }], gidMappings: [{ containerId: 0, hostId: 100000, size: 65536 }] };
  await assertRejectsInvalid(resolve(t, { ...userNs, devices: [{ hostPath: '/dev/zero', containerPath: '/dev/z' }] }), 'devices[0].containerPath', /own user namespace/);
  assert.equal((await resolve(t, { ...userNs, devices: [{ hostPath: '/dev/zero' }] })).devices.length, 1);
});

test('the plan makes each node at its container path; the device cgroup allows them after docker\'s rules (after the /dev/fuse deny)', async (t) => {
  const spec = await resolve(t, { devices: [{ hostPath: '/dev/fuse', permissions: 'rw' }, { hostPath: '/dev/zero', containerPath: '/dev/null' }] });
  const root = tempDir(t, 'berth-host-');
  const plan = buildLaunchPlan(spec, { id: 'a'.repeat(64), stateDir: '/s', cgroupProcs: [], cgroupVersion: 'v2', sysRoot: join(root, 'sys'), procRoot: join(root, 'proc') });
  assert.deepEqual(plan.devices.filter((d) => ['/dev/null', '/dev/fuse'].includes(d.path)).map((d) => `${d.path} ${d.major}:${d.minor}`),
    ['/dev/fuse 10:229', '/dev/null 1:5'], 'a mapping at a default node\'s path replaces it');
  const rules = toCgroupResources(spec).devices!.map(rule);
  assert.deepEqual(rules.slice(-2), ['allow c 10:229 rw', 'allow c 1:5 rwm']);
  assert.ok(rules.indexOf('deny c 10:229 rwm') < rules.indexOf('allow c 10:229 rw'));
});

test('a bundle gets --device nodes and rules too', async (t) => {
  const bundle = makeBundle(t, runcSpec());
  const spec = await resolveSpec(validateSpec({ bundle, devices: [{ hostPath: '/dev/full', permissions: 'r' }] }, ENV), ENV);
  assert.deepEqual(spec.devices.map((d) => d.containerPath), ['/dev/full']);
  assert.equal(toCgroupResources(spec, { ociVersion: '1.0.2' }).devices!.map(rule).at(-1), 'allow c 1:7 r');
});

test('--device-cgroup-rule: docker\'s syntax, resolved with * as -1, allowed after --device\'s rules (a bundle\'s too); a bad rule is named', async (t) => {
  const spec = await resolve(t, { devices: [{ hostPath: '/dev/zero' }], deviceCgroupRules: ['c 188:* rwm', 'b 8:0 r', 'a *:* m'] });
  assert.deepEqual(spec.deviceCgroupRules, [
    { type: 'c', major: 188, minor: -1, access: 'rwm' }, { type: 'b', major: 8, minor: 0, access: 'r' }, { type: 'a', major: -1, minor: -1, access: 'm' },
  ]);
  assert.deepEqual(toCgroupResources(spec).devices!.map(rule).slice(-4), ['allow c 1:5 rwm', 'allow c 188:* rwm', 'allow b 8:0 r', 'allow a *:* m']);
  const bundled = await resolveSpec(validateSpec({ bundle: makeBundle(t, runcSpec()), deviceCgroupRules: ['c 10:200 rw'] }, ENV), ENV);
  assert.equal(toCgroupResources(bundled, { ociVersion: '1.0.2' }).devices!.map(rule).at(-1), 'allow c 10:200 rw');
  for (const [bad, message] of [['c 188 rwm', /must be "TYPE MAJOR:MINOR ACCESS"/], ['x 1:2 r', /must be/], ['c 1:2 rwx', /must be/], ['c 1:2 rr', /must be/],
    ['a 1:* r', /type a \(all devices\) goes with \*:\*/]] as const) {
    await assertRejectsInvalid(resolve(t, { deviceCgroupRules: ['c 1:3 r', bad] }), 'deviceCgroupRules[1]', message);
  }
});
