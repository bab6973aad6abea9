// --group-add, --shm-size, --oom-score-adj and --log-opt: validation, resolution and what the plans hold.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { buildExecPlan, buildLaunchPlan } from '../../../agent/runtime/plan.js';
import { resolveSpec } from '../../../agent/runtime/resolve.js';
import { validateSpec } from '../../../agent/runtime/spec.js';
import type { ContainerInfo, ResolvedSpec } from '../../../agent/runtime/types.js';
import { assertRejectsInvalid, fixtureRootfs, makeBundle, runcSpec, tempDir } from './spec-helpers.js';

const ENV = { hostCpus: 2 };
const resolve = async (t: TestContext, extra: Record<string, unknown>) =>
  resolveSpec(validateSpec({ rootfs: fixtureRootfs(t), cmd: ['sh'], ...extra }, ENV), ENV);

function plan(t: TestContext, spec: ResolvedSpec) {
  const root = tempDir(t, 'berth-host-');
  return buildLaunchPlan(spec, { id: 'a'.repeat(64), stateDir: '/s', cgroupProcs: [], cgroupVersion: 'v2', sysRoot: join(root, 'sys'), procRoot: join(root, 'proc') });
}

test('--group-add: names from the rootfs\' /etc/group and gids join the user\'s own groups, also for exec as another user', async (t) => {
  const spec = await resolve(t, { user: 'alice', groupAdd: ['staff', '4242', 'wheel'] });
  assert.deepEqual(spec.groupAdd, [50, 4242, 10]);
  assert.deepEqual(spec.user.additionalGids, [10, 29, 50, 4242], 'alice\'s wheel and audio, then the added ones once each');
  assert.deepEqual(plan(t, spec).additionalGids, [10, 29, 50, 4242]);
  const info = { id: 'a'.repeat(64), name: 'c', pid: 42, spec } as ContainerInfo;
  assert.deepEqual(buildExecPlan(info, { cmd: ['id'], user: 'bob' }, { cgroupProcs: [] }).additionalGids, [10, 50, 4242]);
  await assertRejectsInvalid(resolve(t, { groupAdd: ['staff', 'video'] }), 'groupAdd[1]', /unable to find group "video": no such group in \/etc\/group/);
  await assertRejectsInvalid(resolve(t, { groupAdd: ['a:b'] }), 'groupAdd[0]', /group name or gid/);
});

test('--shm-size sizes the container\'s /dev/shm (docker\'s 64 MiB by default); not with the host\'s IPC namespace or a bundle', async (t) => {
  const shmOf = (s: ResolvedSpec) => plan(t, s).mounts.find((m) => m.target === '/dev/shm')!;
  const byDefault = await resolve(t, {});
  assert.equal(byDefault.shmSizeBytes, 64 * 2 ** 20);
  assert.match(shmOf(byDefault).data, /(^|,)size=65536k(,|$)/);
  assert.match(shmOf(await resolve(t, { shmSizeBytes: 128 * 2 ** 20 })).data, /(^|,)size=131072k(,|$)/);
  assert.match(shmOf(await resolve(t, { shmSizeBytes: 1000 })).data, /(^|,)size=1000(,|$)/);
  assert.equal((await resolve(t, { namespaces: { ipc: 'host' } })).shmSizeBytes, 0);
  await assertRejectsInvalid(resolve(t, { namespaces: { ipc: 'host' }, shmSizeBytes: 2 ** 20 }), 'shmSizeBytes', /host's \/dev\/shm/);
  await assertRejectsInvalid(resolve(t, { shmSizeBytes: 0 }), 'shmSizeBytes', /integer/);
  await assertRejectsInvalid((async () => validateSpec({ bundle: makeBundle(t, runcSpec()), shmSizeBytes: 2 ** 20 }, ENV))(), 'shmSizeBytes', /config\.json mounts/);
});

test('--oom-score-adj goes to the plan; a bundle\'s process.oomScoreAdj unless the spec gives one', async (t) => {
  assert.equal(plan(t, await resolve(t, {})).oomScoreAdj, 0);
  assert.equal(plan(t, await resolve(t, { oomScoreAdj: -500 })).oomScoreAdj, -500);
  await assertRejectsInvalid(resolve(t, { oomScoreAdj: 1001 }), 'oomScoreAdj', /-1000\.\.1000/);
  const config = runcSpec();
  config.process.oomScoreAdj = 300;
  const bundle = makeBundle(t, config);
  const fromBundle = await resolveSpec(validateSpec({ bundle }, ENV), ENV);
  assert.equal(fromBundle.oomScoreAdj, 300);
  assert.equal((await resolveSpec(validateSpec({ bundle, oomScoreAdj: 0 }, ENV), ENV)).oomScoreAdj, 0);
});

test('--log-opt max-size/max-file: the plan rotates only with a size; more files need a size', async (t) => {
  assert.equal(plan(t, await resolve(t, {})).logRotate, undefined);
  assert.deepEqual((await resolve(t, {})).logRotate, { maxSizeBytes: 0, maxFiles: 1 });
  assert.deepEqual(plan(t, await resolve(t, { logRotate: { maxSizeBytes: 2 ** 20, maxFiles: 4 } })).logRotate, { maxBytes: 2 ** 20, maxFiles: 4 });
  assert.deepEqual(plan(t, await resolve(t, { logRotate: { maxSizeBytes: 2 ** 20 } })).logRotate, { maxBytes: 2 ** 20, maxFiles: 1 });
  await assertRejectsInvalid(resolve(t, { logRotate: { maxFiles: 3 } }), 'logRotate.maxFiles', /needs maxSizeBytes/);
  await assertRejectsInvalid(resolve(t, { logRotate: { maxSizeBytes: 2 ** 20, maxFiles: 0 } }), 'logRotate.maxFiles', /1\.\.1000/);
});

test('--init: berth-shim bound read-only at /dev/init runs the command as its child; not with a bundle', async (t) => {
  const spec = await resolve(t, { init: true, cmd: ['sleep', '10'] });
  assert.equal(spec.init, true);
  const root = tempDir(t, 'berth-host-');
  const ctx = { id: 'a'.repeat(64), stateDir: '/s', cgroupProcs: [], cgroupVersion: 'v2' as const, sysRoot: join(root, 'sys'), procRoot: join(root, 'proc') };
  const withInit = buildLaunchPlan(spec, { ...ctx, initPath: process.execPath });
  assert.deepEqual(withInit.args, ['/dev/init', '--', 'sleep', '10']);
  const mount = withInit.mounts.find((m) => m.target === '/dev/init')!;
  assert.deepEqual([mount.source, mount.create, withInit.mounts.indexOf(mount) > withInit.mounts.findIndex((m) => m.target === '/dev')], [process.execPath, 'file', true]);
  assert.throws(() => buildLaunchPlan(spec, ctx), /needs the path of berth-shim/);
  assert.deepEqual(plan(t, await resolve(t, { cmd: ['sleep', '10'] })).args, ['sleep', '10']);
  await assertRejectsInvalid((async () => validateSpec({ bundle: makeBundle(t, runcSpec()), init: true }, ENV))(), 'init', /not with a bundle/);
});
