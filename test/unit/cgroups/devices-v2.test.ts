// The v2 manager's device program wiring against a temp v2 fixture tree: the injected loader gets
// the cgroup directory and the compiled program once the directory exists, create stays
// all-or-nothing around it, and the hybrid manager never calls it (v1's devices controller rules).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createCgroupManager, type CgroupManager, type DeviceProgramLoader, type DeviceRule } from '../../../agent/cgroups/index.js';
import { compileDeviceProgram } from '../../../agent/cgroups/v2/device-program.js';
import { DOCKER_DEVICE_RULES } from '../../../agent/runtime/defaults.js';
import { fixtureTree, mountinfo, type FixtureTree } from './fixture-tree.js';

const PARENT = 'berth-unit';

interface LoaderCall { dir: string; program: Uint8Array; dirExisted: boolean }

async function setUp(t: { after(fn: () => void): void }, kind: 'v1' | 'v2', loader: (call: LoaderCall) => Promise<void> = async () => undefined):
  Promise<{ tree: FixtureTree; manager: CgroupManager; calls: LoaderCall[]; warnings: string[] }> {
  const tree = fixtureTree(kind);
  t.after(() => tree.cleanup());
  const calls: LoaderCall[] = [];
  const warnings: string[] = [];
  const deviceProgramLoader: DeviceProgramLoader = async (dir, program) => {
    const call = { dir, program, dirExisted: existsSync(join(dir, 'cgroup.procs')) };
    calls.push(call);
    await loader(call);
  };
  const manager = await createCgroupManager({
    root: tree.root, parent: PARENT, fixtureHooks: tree.hooks, deviceProgramLoader,
    logger: { warn: (_obj, msg) => warnings.push(msg) }, timeouts: { freezeMs: 200, killMs: 200, rmdirMs: 100 },
    ...(kind === 'v1' ? { mountinfo: mountinfo('hybrid') } : {}),
  });
  return { tree, manager, calls, warnings };
}

test('v2 create hands the loader the cgroup directory and the program compiled from the rules, once it exists', async (t) => {
  const { tree, manager, calls, warnings } = await setUp(t, 'v2');
  await manager.create('c1', { pidsLimit: 10, devices: DOCKER_DEVICE_RULES.map((r) => ({ ...r })) });
  assert.equal(calls.length, 1);
  assert.equal(calls[0].dir, join(tree.root, PARENT, 'c1'));
  assert.ok(calls[0].dirExisted, 'the directory (with its cgroup files) exists when the program is attached');
  assert.deepEqual([...calls[0].program], [...compileDeviceProgram(DOCKER_DEVICE_RULES).bytes]);
  assert.equal(tree.read(`${PARENT}/c1/pids.max`), '10', 'the other limits are applied as before');
  assert.deepEqual(warnings, [], 'enforced: no gap warning');
});

test('v2 create without device rules, or with an empty list, attaches nothing', async (t) => {
  const { manager, calls } = await setUp(t, 'v2');
  await manager.create('c1', {});
  await manager.create('c2', { devices: [] });
  assert.equal(calls.length, 0);
});

test('v2 create is all-or-nothing around the loader: its failure removes the cgroup and is reported', async (t) => {
  const { tree, manager, calls } = await setUp(t, 'v2', async ({ dir }) => {
    throw new Error(`attach device program to ${dir}: bpf BPF_PROG_ATTACH: Operation not permitted`);
  });
  await assert.rejects(manager.create('c1', { devices: [{ allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' }] }),
    new RegExp(`attach device program to ${join(tree.root, PARENT, 'c1')}: bpf BPF_PROG_ATTACH: Operation not permitted`));
  assert.equal(calls.length, 1);
  assert.equal(existsSync(join(tree.root, PARENT, 'c1')), false, 'the cgroup is gone');
  assert.ok(existsSync(join(tree.root, PARENT)), 'the shared parent stays');
  await manager.create('c1', {});
  assert.ok(existsSync(join(tree.root, PARENT, 'c1')), 'the name is free again');
});

test('v2 create refuses rules the program cannot express before making anything', async (t) => {
  const { tree, manager, calls } = await setUp(t, 'v2');
  const holePunch: DeviceRule[] = [
    { allow: false, type: 'a', major: -1, minor: -1, access: 'rwm' },
    { allow: true, type: 'c', major: -1, minor: -1, access: 'rwm' },
    { allow: false, type: 'c', major: 10, minor: 229, access: 'rwm' },
  ];
  await assert.rejects(manager.create('c1', { devices: holePunch }), (err: any) => err.code === 'INVALID_SPEC' && /resources\.devices\[2\]: deny c 10:229 rwm cuts a hole/.test(err.message));
  assert.equal(calls.length, 0);
  assert.equal(existsSync(join(tree.root, PARENT, 'c1')), false);
});

test('v2 update refuses new device rules when a program enforces them (they are fixed at create)', async (t) => {
  const { manager, calls } = await setUp(t, 'v2');
  await manager.create('c1', { devices: [{ allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' }] });
  await assert.rejects(manager.update('c1', { devices: [{ allow: true, type: 'c', major: 1, minor: 5, access: 'rwm' }] }),
    (err: any) => err.code === 'INVALID_SPEC' && /resources\.devices: the device rules of .*c1 are set once, at create/.test(err.message));
  await manager.update('c1', { pidsLimit: 5 });
  assert.equal(calls.length, 1);
});

test('hybrid create keeps v1 devices.allow/deny and never calls the loader', async (t) => {
  const { tree, manager, calls } = await setUp(t, 'v1');
  assert.equal(manager.version, 'hybrid');
  await manager.create('c1', { devices: [{ allow: false, type: 'a', major: -1, minor: -1, access: 'rwm' }, { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' }] });
  assert.equal(calls.length, 0);
  assert.equal(tree.read(`devices/${PARENT}/c1/devices.allow`), 'c 1:3 rwm');
});
