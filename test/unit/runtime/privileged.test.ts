// docker run --privileged: what the spec resolves to and what the launch plan then holds.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { CAPABILITY_NAMES, ownBoundingSet } from '../../../agent/runtime/capabilities.js';
import { hostDevices } from '../../../agent/runtime/host-devices.js';
import { MS } from '../../../agent/runtime/mount-options.js';
import { buildLaunchPlan } from '../../../agent/runtime/plan.js';
import { resolveSpec } from '../../../agent/runtime/resolve.js';
import { validateSpec } from '../../../agent/runtime/spec.js';
import { assertRejectsInvalid, fixtureRootfs, makeBundle, runcSpec, tempDir } from './spec-helpers.js';

const ENV = { hostCpus: 2, boundingCapabilities: CAPABILITY_NAMES };
const resolve = async (t: TestContext, extra: Record<string, unknown>) =>
  resolveSpec(validateSpec({ rootfs: fixtureRootfs(t), cmd: ['sh'], ...extra }, ENV), ENV);

/** A host /dev: nodes at the top and nested, a symlink, the dirs runc skips, console and ptmx. */
function fixtureDev(t: TestContext): string {
  const dev = tempDir(t, 'berth-dev-');
  const node = (path: string, type: 'c' | 'b', major: number, minor: number, mode: string) => {
    execFileSync('mknod', ['-m', mode, join(dev, path), type, String(major), String(minor)]);
  };
  for (const dir of ['net', 'pts', 'shm', 'mqueue', 'cpu/0']) mkdirSync(join(dev, dir), { recursive: true });
  node('null', 'c', 1, 3, '666');
  node('loop0', 'b', 7, 0, '600');
  node('net/tun', 'c', 10, 200, '666');
  node('cpu/0/msr', 'c', 202, 0, '600');
  node('big', 'c', 511, 70000, '640');
  node('console', 'c', 5, 1, '600');
  node('ptmx', 'c', 5, 2, '666');
  node('pts/0', 'c', 136, 0, '620');
  symlinkSync('/proc/self/fd', join(dev, 'fd'));
  symlinkSync('null', join(dev, 'nothing'));
  return dev;
}

const shown = (d: { path: string; type: string; major: number; minor: number; mode: number }) => `${d.path} ${d.type} ${d.major}:${d.minor} ${d.mode.toString(8)}`;

test('--privileged resolves to every capability and no seccomp; cap-add ALL + unconfined is privileged only for policy', async (t) => {
  const spec = await resolve(t, { privileged: true });
  assert.deepEqual(spec.capabilities, [...CAPABILITY_NAMES]);
  assert.equal(spec.seccomp, 'unconfined');
  assert.deepEqual([spec.privileged, spec.privilegedMode], [true, true]);
  const lookalike = await resolve(t, { capabilities: { add: ['ALL'] }, seccomp: 'unconfined' });
  assert.deepEqual([lookalike.privileged, lookalike.privilegedMode], [true, false]);
  const plain = await resolve(t, {});
  assert.deepEqual([plain.privileged, plain.privilegedMode], [false, false]);
});

test('an agent without every capability gives a privileged container the ones it has, which still counts as privileged', async (t) => {
  const held = CAPABILITY_NAMES.filter((c) => c !== 'CAP_SYS_RESOURCE');
  const spec = await resolveSpec(validateSpec({ rootfs: fixtureRootfs(t), cmd: ['sh'], privileged: true }, ENV), { ...ENV, boundingCapabilities: held });
  assert.deepEqual([spec.capabilities, spec.privileged], [held, true]);
  const status = 'Name:\tx\nCapInh:\t0000000000000000\nCapBnd:\t000001fffeffffff\nCapAmb:\t0000000000000000\n';
  assert.deepEqual(ownBoundingSet(status), held);
});

test('--privileged with what it overrides is refused by field (docker would silently ignore it)', async (t) => {
  await assertRejectsInvalid(resolve(t, { privileged: true, capabilities: { drop: ['NET_RAW'] } }), 'capabilities', /has every capability/);
  await assertRejectsInvalid(resolve(t, { privileged: true, seccomp: 'default' }), 'seccomp', /runs without seccomp/);
  assert.equal((await resolve(t, { privileged: true, seccomp: 'unconfined' })).privilegedMode, true);
  const bundle = makeBundle(t, runcSpec());
  await assertRejectsInvalid((async () => validateSpec({ bundle, privileged: true }, ENV))(), 'privileged', /not with a bundle/);
});

test('host devices: every node, nested ones too, owners and modes kept; symlinks, console, pts/shm/mqueue left out', (t) => {
  assert.deepEqual(hostDevices(fixtureDev(t)).map(shown), [
    '/dev/big c 511:70000 640', '/dev/cpu/0/msr c 202:0 600', '/dev/loop0 b 7:0 600', '/dev/net/tun c 10:200 666',
    '/dev/null c 1:3 666', '/dev/ptmx c 5:2 666',
  ]);
});

test('a privileged plan: host devices (ptmx stays the pts symlink), nothing masked or read-only, /sys writable', async (t) => {
  const root = tempDir(t, 'berth-host-');
  const ctx = { id: 'a'.repeat(64), stateDir: '/run/berth/containers/aaaa', cgroupProcs: [], cgroupVersion: 'v2' as const, sysRoot: join(root, 'sys'), procRoot: join(root, 'proc'), devRoot: fixtureDev(t) };
  const plan = buildLaunchPlan(await resolve(t, { privileged: true }), ctx);
  assert.deepEqual(plan.devices.map(shown), [
    '/dev/zero c 1:5 666', '/dev/full c 1:7 666', '/dev/random c 1:8 666', '/dev/urandom c 1:9 666', '/dev/tty c 5:0 666',
    '/dev/big c 511:70000 640', '/dev/cpu/0/msr c 202:0 600', '/dev/loop0 b 7:0 600', '/dev/net/tun c 10:200 666', '/dev/null c 1:3 666',
  ]);
  assert.ok(plan.symlinks.some((l) => l.link === '/dev/ptmx' && l.target === 'pts/ptmx'));
  assert.deepEqual([plan.maskedPaths, plan.readonlyPaths], [[], []]);
  const sys = plan.mounts.find((m) => m.target === '/sys')!;
  const cgroup = plan.mounts.find((m) => m.target === '/sys/fs/cgroup')!;
  assert.equal(sys.flags & MS.RDONLY, 0);
  assert.equal(cgroup.flags & MS.RDONLY, 0);
  assert.equal(plan.seccomp, undefined);

  const plain = buildLaunchPlan(await resolve(t, {}), ctx);
  assert.ok(!plain.devices.some((d) => d.path === '/dev/loop0'), 'only a privileged container gets the host\'s devices');
  assert.notEqual(plain.mounts.find((m) => m.target === '/sys')!.flags & MS.RDONLY, 0);
});

test('a privileged container with the host network binds the host /sys writable; others read-only', async (t) => {
  const root = tempDir(t, 'berth-host-');
  const ctx = { id: 'a'.repeat(64), stateDir: '/s', cgroupProcs: ['/sys/fs/cgroup/berth/a/cgroup.procs'], cgroupPath: '/berth/a', cgroupVersion: 'v2' as const, sysRoot: join(root, 'sys'), procRoot: join(root, 'proc'), devRoot: fixtureDev(t) };
  const sysOf = async (extra: Record<string, unknown>) => buildLaunchPlan(await resolve(t, { namespaces: { net: 'host' }, ...extra }), ctx).mounts.find((m) => m.target === '/sys')!;
  const privileged = await sysOf({ privileged: true });
  assert.deepEqual([privileged.source, privileged.flags & MS.RDONLY, privileged.flags & MS.BIND], ['/sys', 0, MS.BIND]);
  assert.equal((await sysOf({})).flags & MS.RDONLY, MS.RDONLY);
});
