import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { loadBundleOci } from '../../../agent/runtime/bundle-oci.js';
import { ensureEtcFiles } from '../../../agent/runtime/etc-files.js';
import { specToOciConfig } from '../../../agent/runtime/oci-config.js';
import { buildLaunchPlan } from '../../../agent/runtime/plan.js';
import { resolveSpec } from '../../../agent/runtime/resolve.js';
import { validateSpec } from '../../../agent/runtime/spec.js';
import { fixtureRootfs, makeBundle, runcSpec, tempDir } from './spec-helpers.js';

const ENV = { hostCpus: 2 };

async function planFor(t: TestContext, extra: Record<string, unknown> = {}) {
  const spec = await resolveSpec(validateSpec({ rootfs: fixtureRootfs(t), cmd: ['sh'], name: 'web', ...extra }, ENV), ENV);
  const stateDir = tempDir(t); // holds the /etc files the plan binds (a bundle read back from config.json needs them)
  ensureEtcFiles(stateDir, spec);
  const plan = buildLaunchPlan(spec, { id: 'c'.repeat(64), stateDir, cgroupProcs: [], cgroupVersion: 'v2' });
  return { spec, plan, stateDir };
}

test('the OCI shape of a default container', async (t) => {
  const { spec, plan } = await planFor(t, {
    resources: { memoryBytes: 64 << 20, cpus: 0.5, pidsLimit: 10 }, ulimits: [{ name: 'core', soft: -1, hard: -1 }], labels: { team: 'x' },
  });
  const oci = specToOciConfig(plan, spec);
  assert.equal(oci.ociVersion, '1.3.0');
  assert.deepEqual(oci.process?.capabilities?.bounding, ['CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID', 'CAP_SETUID',
    'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_NET_RAW', 'CAP_SYS_CHROOT', 'CAP_MKNOD', 'CAP_AUDIT_WRITE', 'CAP_SETFCAP']);
  assert.deepEqual(oci.process?.rlimits, [{ type: 'RLIMIT_CORE', soft: 2 ** 64 - 1, hard: 2 ** 64 - 1 }]);
  assert.deepEqual(oci.mounts?.find((m) => m.destination === '/dev/pts'), {
    destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'],
  });
  assert.deepEqual(oci.mounts?.find((m) => m.destination === '/sys/fs/cgroup'), {
    destination: '/sys/fs/cgroup', type: 'cgroup2', source: 'cgroup2', options: ['ro', 'nosuid', 'nodev', 'noexec'],
  });
  assert.deepEqual(oci.linux?.namespaces?.map((n) => n.type), ['pid', 'network', 'mount', 'uts', 'ipc', 'cgroup']);
  assert.deepEqual(oci.linux?.resources?.memory, { limit: 64 << 20 });
  assert.deepEqual(oci.linux?.resources?.cpu, { quota: 50000, period: 100000 });
  assert.deepEqual(oci.linux?.resources?.pids, { limit: 10 });
  assert.deepEqual(oci.linux?.resources?.devices?.[0], { allow: false, access: 'rwm' });
  assert.equal(oci.linux?.devices?.length, 6);
  assert.equal(oci.linux?.maskedPaths?.includes('/proc/kcore'), true);
  assert.equal(oci.hostname, 'web');
  assert.equal(oci.annotations?.['org.berth.seccomp'], 'default');
  assert.equal(oci.annotations?.team, 'x');
  assert.deepEqual(new Uint8Array(Buffer.from(oci.annotations!['run.oci.seccomp_bpf_data']!, 'base64')), plan.seccomp);
  // it is plain JSON
  assert.deepEqual(JSON.parse(JSON.stringify(oci)).process.args, ['sh']);
});

test('the written config.json reads back as a bundle that resolves to the same container', async (t) => {
  const { spec, plan, stateDir } = await planFor(t, { user: 'alice', env: ['A=1'], ulimits: [{ name: 'nofile', soft: 10, hard: -1 }], capabilities: { add: ['NET_ADMIN'] }, seccomp: 'unconfined' });
  const bundle = tempDir(t);
  writeFileSync(join(bundle, 'config.json'), JSON.stringify(specToOciConfig(plan, spec)));
  const again = await resolveSpec(validateSpec({ bundle }, ENV), ENV);
  assert.deepEqual([again.cmd, again.env, again.user.uid, again.user.gid, again.rootfs, again.hostname, again.workdir],
    [spec.cmd, spec.env, spec.user.uid, spec.user.gid, spec.rootfs, spec.hostname, spec.workdir]);
  assert.deepEqual(again.ulimits, spec.ulimits);
  assert.deepEqual(again.namespaces, spec.namespaces);
  // a non-root user holds only the bounding set: the bundle lists it there
  assert.deepEqual(again.capabilities, spec.capabilities);
  const replan = buildLaunchPlan(again, { id: 'c'.repeat(64), stateDir, cgroupProcs: [], cgroupVersion: 'v2', oci: await loadBundleOci(bundle) });
  assert.deepEqual(replan.capabilities, plan.capabilities);
  assert.deepEqual(replan.mounts, plan.mounts);
  assert.deepEqual(replan.devices, plan.devices);
  assert.deepEqual(replan.maskedPaths, plan.maskedPaths);
});

test('a bundle\'s own seccomp object is kept in the written config', async (t) => {
  const config = runcSpec();
  config.linux.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [] };
  const bundle = makeBundle(t, config);
  const oci = await loadBundleOci(bundle);
  const spec = await resolveSpec(validateSpec({ bundle }, ENV), ENV);
  const plan = buildLaunchPlan(spec, { id: 'd'.repeat(64), stateDir: '/tmp/s', cgroupProcs: [], cgroupVersion: 'hybrid', oci });
  const written = specToOciConfig(plan, spec, oci);
  assert.deepEqual(written.linux?.seccomp, config.linux.seccomp);
  assert.match(written.annotations?.['org.berth.seccomp'] ?? '', /^bundle:/);
});
