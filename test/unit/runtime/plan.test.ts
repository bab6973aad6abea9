import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { BerthError } from '../../../agent/errors.js';
import { loadBundleOci } from '../../../agent/runtime/bundle-oci.js';
import { capabilityMask, ownBoundingSet } from '../../../agent/runtime/capabilities.js';
import { DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS } from '../../../agent/runtime/defaults.js';
import { MS } from '../../../agent/runtime/mount-options.js';
import { buildExecPlan, buildLaunchPlan, type LaunchContext } from '../../../agent/runtime/plan.js';
import type { PlanMount } from '../../../agent/runtime/plan-types.js';
import { resolveSpec } from '../../../agent/runtime/resolve.js';
import { compileSeccomp } from '../../../agent/runtime/seccomp/index.js';
import { validateSpec } from '../../../agent/runtime/spec.js';
import type { ContainerInfo, ResolvedSpec } from '../../../agent/runtime/types.js';
import { fixtureRootfs, makeBundle, runcSpec, tempDir, writeTree } from './spec-helpers.js';

const ENV = { hostCpus: 2 };
const DOCKER_CAPS = 0xa80425fbn;

async function resolved(t: TestContext, extra: Record<string, unknown> = {}): Promise<ResolvedSpec> {
  return resolveSpec(validateSpec({ rootfs: fixtureRootfs(t), cmd: ['sh', '-c', 'echo hi'], name: 'c1', ...extra }, ENV), ENV);
}

/** A host /sys with thermal_throttle on cpu0, cpu2 and cpu10 but not cpu1, and a host /proc with kcore. */
function hostFixture(t: TestContext): { sysRoot: string; procRoot: string } {
  const root = tempDir(t, 'berth-host-');
  writeTree(root, {
    'sys/devices/system/cpu/cpu0/thermal_throttle/core_throttle_count': '0',
    'sys/devices/system/cpu/cpu1/online': '1',
    'sys/devices/system/cpu/cpu10/thermal_throttle/core_throttle_count': '0',
    'sys/devices/system/cpu/cpu2/thermal_throttle/core_throttle_count': '0',
    'sys/devices/system/cpu/cpufreq/thermal_throttle/x': '',
    'proc/kcore': '',
  });
  return { sysRoot: join(root, 'sys'), procRoot: join(root, 'proc') };
}

function ctx(t: TestContext, extra: Partial<LaunchContext> = {}): LaunchContext {
  return { id: 'a'.repeat(64), stateDir: '/run/berth/containers/aaaa', cgroupProcs: ['/sys/fs/cgroup/pids/berth/aaaa/cgroup.procs'], cgroupVersion: 'hybrid', ...hostFixture(t), ...extra };
}

const byTarget = (mounts: PlanMount[], target: string) => mounts.find((m) => m.target === target);

test('a default plan has Docker\'s mounts in order', async (t) => {
  const plan = buildLaunchPlan(await resolved(t), ctx(t));
  const nsf = MS.NOSUID | MS.NODEV | MS.NOEXEC;
  assert.deepEqual(plan.mounts, [
    { source: 'proc', target: '/proc', fstype: 'proc', flags: nsf, data: '', create: 'dir', remount: false },
    { source: 'tmpfs', target: '/dev', fstype: 'tmpfs', flags: MS.NOSUID | MS.STRICTATIME, data: 'mode=755,size=65536k', create: 'dir', remount: false },
    { source: 'devpts', target: '/dev/pts', fstype: 'devpts', flags: MS.NOSUID | MS.NOEXEC, data: 'newinstance,ptmxmode=0666,mode=0620,gid=5', create: 'dir', remount: false },
    { source: 'sysfs', target: '/sys', fstype: 'sysfs', flags: nsf | MS.RDONLY, data: '', create: 'dir', remount: false },
    { source: 'tmpfs', target: '/sys/fs/cgroup', fstype: 'tmpfs', flags: nsf | MS.RDONLY, data: 'mode=755', create: 'dir', remount: false },
    { source: 'mqueue', target: '/dev/mqueue', fstype: 'mqueue', flags: nsf, data: '', create: 'dir', remount: false },
    { source: 'shm', target: '/dev/shm', fstype: 'tmpfs', flags: nsf, data: 'mode=1777,size=65536k', create: 'dir', remount: false },
    ...['hosts', 'hostname', 'resolv.conf'].map((file) => ({
      source: `/run/berth/containers/aaaa/${file}`, target: `/etc/${file}`, fstype: '', flags: MS.BIND | MS.REC | MS.PRIVATE, data: '', create: 'file', remount: false,
    })),
  ]);
});

test('the /etc files: read-only with a read-only rootfs, replaced by a user mount of the same path, parents first', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'my-hosts'), '');
  const plan = buildLaunchPlan(await resolved(t, {
    readOnlyRootfs: true,
    mounts: [{ type: 'bind', source: join(dir, 'my-hosts'), target: '/etc/hosts/' }, { type: 'bind', source: dir, target: '/etc' }],
  }), ctx(t));
  const etc = plan.mounts.filter((m) => m.target.startsWith('/etc'));
  assert.deepEqual(etc.map((m) => `${m.target} ${m.source}`), [
    `/etc ${dir}`, `/etc/hosts/ ${join(dir, 'my-hosts')}`,
    '/etc/hostname /run/berth/containers/aaaa/hostname', '/etc/resolv.conf /run/berth/containers/aaaa/resolv.conf',
  ]);
  assert.deepEqual(byTarget(plan.mounts, '/etc/resolv.conf'), {
    source: '/run/berth/containers/aaaa/resolv.conf', target: '/etc/resolv.conf', fstype: '', flags: MS.BIND | MS.REC | MS.PRIVATE | MS.RDONLY,
    data: '', create: 'file', remount: true,
  });
});

test('a default plan: devices, symlinks, masked and read-only paths, caps, paths', async (t) => {
  const c = ctx(t);
  const plan = buildLaunchPlan(await resolved(t), c);
  assert.deepEqual(plan.devices.map((d) => `${d.path} ${d.type} ${d.major}:${d.minor} ${d.mode.toString(8)} ${d.uid}:${d.gid}`), [
    '/dev/null c 1:3 666 0:0', '/dev/zero c 1:5 666 0:0', '/dev/full c 1:7 666 0:0',
    '/dev/random c 1:8 666 0:0', '/dev/urandom c 1:9 666 0:0', '/dev/tty c 5:0 666 0:0',
  ]);
  assert.deepEqual(plan.symlinks, [
    { target: '/proc/self/fd', link: '/dev/fd' }, { target: '/proc/self/fd/0', link: '/dev/stdin' },
    { target: '/proc/self/fd/1', link: '/dev/stdout' }, { target: '/proc/self/fd/2', link: '/dev/stderr' },
    { target: 'pts/ptmx', link: '/dev/ptmx' }, { target: '/proc/kcore', link: '/dev/core' },
  ]);
  assert.deepEqual(plan.maskedPaths, [...DEFAULT_MASKED_PATHS,
    '/sys/devices/system/cpu/cpu0/thermal_throttle', '/sys/devices/system/cpu/cpu2/thermal_throttle', '/sys/devices/system/cpu/cpu10/thermal_throttle']);
  assert.ok(plan.maskedPaths.includes('/proc/kcore') && plan.maskedPaths.includes('/proc/interrupts'));
  assert.deepEqual(plan.readonlyPaths, DEFAULT_READONLY_PATHS);
  assert.deepEqual(plan.capabilities, { bounding: DOCKER_CAPS, effective: DOCKER_CAPS, permitted: DOCKER_CAPS });
  assert.equal(plan.noNewPrivileges, true);
  assert.ok(plan.seccomp instanceof Uint8Array && plan.seccomp.length > 0 && plan.seccomp.length % 8 === 0);
  assert.deepEqual(plan.namespaces, ['pid', 'net', 'mnt', 'uts', 'ipc', 'cgroup'].map((type) => ({ type, path: '' })));
  assert.deepEqual([plan.hostname, plan.uid, plan.gid, plan.oomScoreAdj, plan.cwd], ['c1', 0, 0, 0, '/']);
  assert.deepEqual(plan.args, ['sh', '-c', 'echo hi']);
  assert.deepEqual([plan.logPath, plan.exitPath, plan.exitReservePath, plan.startFifo], [
    '/run/berth/containers/aaaa/container.log', '/run/berth/containers/aaaa/exit.json', '/run/berth/containers/aaaa/exit.json.reserve',
    '/run/berth/containers/aaaa/start.fifo']);
  assert.deepEqual(plan.cgroupProcs, c.cgroupProcs);
  assert.deepEqual([plan.version, plan.id, plan.rootfs, plan.readOnlyRootfs, plan.sysctls], [1, c.id, plan.rootfs, false, {}]);
});

test('-t and -i: the plan\'s tty of the console size and its stdin; TERM=xterm as docker run -t sets it; a size needs a tty', async (t) => {
  const plain = buildLaunchPlan(await resolved(t), ctx(t));
  assert.deepEqual([plain.tty, plain.stdin, plain.env.some((e) => e.startsWith('TERM='))], [undefined, undefined, false]);
  const both = buildLaunchPlan(await resolved(t, { tty: true, openStdin: true, consoleSize: { rows: 33, cols: 101 } }), ctx(t));
  assert.deepEqual([both.tty, both.stdin, both.env.filter((e) => e.startsWith('TERM='))], [{ rows: 33, cols: 101 }, true, ['TERM=xterm']]);
  const ownTerm = await resolved(t, { tty: true, env: ['TERM=vt220'] });
  assert.deepEqual(ownTerm.env.filter((e) => e.startsWith('TERM=')), ['TERM=vt220']);
  assert.throws(() => validateSpec({ rootfs: fixtureRootfs(t), cmd: ['sh'], consoleSize: { rows: 1, cols: 1 } }, ENV), /consoleSize: only with tty/);
  assert.throws(() => validateSpec({ rootfs: fixtureRootfs(t), cmd: ['sh'], tty: true, consoleSize: { rows: 70000, cols: 1 } }, ENV), /consoleSize\.rows/);
});

test('no /dev/core where the host has no /proc/kcore; no thermal masks without them', async (t) => {
  const empty = tempDir(t);
  const plan = buildLaunchPlan(await resolved(t), ctx(t, { sysRoot: join(empty, 'sys'), procRoot: join(empty, 'proc') }));
  assert.ok(!plan.symlinks.some((s) => s.link === '/dev/core'));
  assert.deepEqual(plan.maskedPaths, DEFAULT_MASKED_PATHS);
});

test('the seccomp program is the one compileSeccomp makes for the container\'s capabilities', async (t) => {
  const spec = await resolved(t, { capabilities: { add: ['SYS_ADMIN'] } });
  const plan = buildLaunchPlan(spec, ctx(t));
  assert.deepEqual(plan.seccomp, compileSeccomp('default', spec.capabilities));
  assert.notDeepEqual(plan.seccomp, compileSeccomp('default', [...spec.capabilities].filter((c) => c !== 'CAP_SYS_ADMIN')));
  const unconfined = buildLaunchPlan(await resolved(t, { seccomp: 'unconfined' }), ctx(t));
  assert.equal('seccomp' in unconfined, false);
  const calls: string[] = [];
  buildLaunchPlan(spec, ctx(t, { compileSeccomp: (profile) => { calls.push(profile); return new Uint8Array(8); } }));
  assert.deepEqual(calls, ['default']);
});

test('cgroup v2 gets a cgroup2 mount at /sys/fs/cgroup', async (t) => {
  const plan = buildLaunchPlan(await resolved(t), ctx(t, { cgroupVersion: 'v2' }));
  assert.deepEqual(byTarget(plan.mounts, '/sys/fs/cgroup'), {
    source: 'cgroup2', target: '/sys/fs/cgroup', fstype: 'cgroup2', flags: MS.RDONLY | MS.NOSUID | MS.NODEV | MS.NOEXEC, data: '', create: 'dir', remount: false,
  });
});

test('cgroup v2 with the host network: /sys/fs/cgroup is a read-only bind (a cgroup2 mount on the host\'s bound-in one is EBUSY)', async (t) => {
  const v2 = { cgroupVersion: 'v2' as const, cgroupProcs: ['/sys/fs/cgroup/berth/aaaa/cgroup.procs'], cgroupPath: '/berth/aaaa' };
  const bind = { target: '/sys/fs/cgroup', fstype: '', flags: MS.BIND | MS.RDONLY | MS.NOSUID | MS.NODEV | MS.NOEXEC, data: '', create: 'dir', remount: true };
  const own = buildLaunchPlan(await resolved(t, { namespaces: { net: 'host' } }), ctx(t, v2));
  assert.deepEqual(byTarget(own.mounts, '/sys/fs/cgroup'), { source: '/sys/fs/cgroup/berth/aaaa', ...bind }, 'a private cgroup namespace: its own directory');
  const host = buildLaunchPlan(await resolved(t, { namespaces: { net: 'host', cgroup: 'host' } }), ctx(t, v2));
  assert.deepEqual(byTarget(host.mounts, '/sys/fs/cgroup'), { source: '/sys/fs/cgroup', ...bind }, 'the host\'s cgroup namespace: the hierarchy');
  const spec = await resolved(t, { namespaces: { net: 'host' } });
  assert.throws(() => buildLaunchPlan(spec, ctx(t, { ...v2, cgroupPath: undefined })), /\/sys\/fs\/cgroup: the container's cgroup directory is not known/);
});

test('host network: /sys is a read-only bind of the host\'s; host namespaces are left out', async (t) => {
  const plan = buildLaunchPlan(await resolved(t, { namespaces: { net: 'host', pid: 'host', uts: 'host' } }), ctx(t));
  assert.deepEqual(byTarget(plan.mounts, '/sys'), {
    source: '/sys', target: '/sys', fstype: '', flags: MS.BIND | MS.REC | MS.RDONLY | MS.NOSUID | MS.NODEV | MS.NOEXEC, data: '', create: 'dir', remount: true,
  });
  assert.deepEqual(plan.namespaces.map((n) => n.type), ['mnt', 'ipc', 'cgroup']);
  assert.equal(plan.hostname, '');
});

test('host IPC: /dev/shm is the host\'s', async (t) => {
  const plan = buildLaunchPlan(await resolved(t, { namespaces: { ipc: 'host' } }), ctx(t));
  const shm = byTarget(plan.mounts, '/dev/shm')!;
  assert.deepEqual([shm.source, shm.fstype, shm.flags & MS.BIND, shm.remount], ['/dev/shm', '', MS.BIND, true]);
  assert.equal(byTarget(plan.mounts, '/dev/mqueue')!.fstype, 'mqueue');
});

test('a user namespace is listed with its mappings', async (t) => {
  const maps = { uidMappings: [{ containerId: 0, hostId: 100000, size: 65536 }], gidMappings: [{ containerId: 0, hostId: 200000, size: 65536 }] };
  const plan = buildLaunchPlan(await resolved(t, maps), ctx(t));
  assert.ok(plan.namespaces.some((n) => n.type === 'user' && n.path === ''));
  assert.deepEqual([plan.uidMappings, plan.gidMappings], [maps.uidMappings, maps.gidMappings]);
});

test('a non-root user keeps the bounding set only', async (t) => {
  const plan = buildLaunchPlan(await resolved(t, { user: 'alice' }), ctx(t));
  assert.deepEqual(plan.capabilities, { bounding: DOCKER_CAPS, effective: 0n, permitted: 0n });
  assert.deepEqual([plan.uid, plan.gid, plan.additionalGids], [1000, 1000, [10, 29]]);
  assert.ok(plan.env.includes('HOME=/home/alice'));
});

test('user mounts: flags from options, after the defaults, parents first; a user /dev/shm replaces the default', async (t) => {
  const dir = tempDir(t);
  mkdirSync(join(dir, 'data'));
  writeFileSync(join(dir, 'file.conf'), '');
  const plan = buildLaunchPlan(await resolved(t, {
    mounts: [
      { type: 'bind', source: join(dir, 'file.conf'), target: '/etc/app/file.conf', readOnly: true },
      { type: 'bind', source: join(dir, 'data'), target: '/data', options: ['bind', 'noexec', 'shared'] },
      { type: 'tmpfs', target: '/dev/shm', options: ['size=1m', 'exec'] },
    ],
  }), ctx(t));
  const targets = plan.mounts.map((m) => m.target);
  assert.deepEqual(targets, ['/proc', '/dev', '/dev/pts', '/sys', '/sys/fs/cgroup', '/dev/mqueue', '/data', '/dev/shm',
    '/etc/hosts', '/etc/hostname', '/etc/resolv.conf', '/etc/app/file.conf']);
  assert.deepEqual(byTarget(plan.mounts, '/etc/app/file.conf'), {
    source: join(dir, 'file.conf'), target: '/etc/app/file.conf', fstype: '', flags: MS.BIND | MS.REC | MS.RDONLY | MS.PRIVATE, data: '', create: 'file', remount: true,
  });
  assert.deepEqual(byTarget(plan.mounts, '/data'), {
    source: join(dir, 'data'), target: '/data', fstype: '', flags: MS.BIND | MS.NOEXEC | MS.SHARED, data: '', create: 'dir', remount: true,
  });
  assert.deepEqual(byTarget(plan.mounts, '/dev/shm'), {
    source: 'tmpfs', target: '/dev/shm', fstype: 'tmpfs', flags: MS.NOSUID | MS.NODEV, data: 'size=1m', create: 'dir', remount: false,
  });
});

test('a bind source that vanished between validation and plan is an error naming the mount', async (t) => {
  const dir = tempDir(t);
  const spec = await resolved(t, { mounts: [{ type: 'bind', source: dir, target: '/x' }] });
  spec.mounts[0]!.source = join(dir, 'gone');
  assert.throws(() => buildLaunchPlan(spec, ctx(t)), (err) => err instanceof BerthError && err.code === 'INVALID_SPEC' && /mounts\[7\] \(\/x\)\.source: bind source .*gone does not exist/.test(err.message));
});

test('ulimits become RLIMIT numbers; -1 is unlimited', async (t) => {
  const plan = buildLaunchPlan(await resolved(t, { ulimits: [{ name: 'nofile', soft: 1024, hard: 4096 }, { name: 'core', soft: -1, hard: -1 }, { name: 'RLIMIT_NPROC', soft: 10, hard: 10 }] }), ctx(t));
  assert.deepEqual(plan.rlimits, [{ resource: 7, soft: 1024, hard: 4096 }, { resource: 4, soft: 'unlimited', hard: 'unlimited' }, { resource: 6, soft: 10, hard: 10 }]);
});

test('a bundle plan honours the bundle: its mounts, masks, devices, caps, rlimits, no seccomp', async (t) => {
  const bundle = makeBundle(t, runcSpec());
  const oci = await loadBundleOci(bundle);
  const spec = await resolveSpec(validateSpec({ bundle }, ENV), ENV);
  const plan = buildLaunchPlan(spec, ctx(t, { oci }));
  assert.deepEqual(plan.mounts.map((m) => `${m.target}:${m.fstype}`), ['/proc:proc', '/dev:tmpfs', '/dev/pts:devpts', '/dev/shm:tmpfs', '/dev/mqueue:mqueue', '/sys:sysfs', '/sys/fs/cgroup:tmpfs']);
  assert.deepEqual(plan.maskedPaths, oci.linux!.maskedPaths);
  assert.ok(!plan.maskedPaths.includes('/proc/interrupts'));
  assert.deepEqual(plan.readonlyPaths, oci.linux!.readonlyPaths);
  assert.equal(plan.devices.length, 6);
  const caps = capabilityMask(['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE']);
  assert.deepEqual(plan.capabilities, { bounding: caps, effective: caps, permitted: caps });
  assert.deepEqual(plan.rlimits, [{ resource: 7, soft: 1024, hard: 1024 }]);
  assert.equal(plan.seccomp, undefined);
  assert.deepEqual(plan.namespaces.map((n) => n.type), ['pid', 'net', 'mnt', 'uts', 'ipc']);
  assert.deepEqual([plan.hostname, plan.readOnlyRootfs, plan.noNewPrivileges, plan.rootfs], ['runc', true, true, join(bundle, 'rootfs')]);
});

test('a bundle plan: own devices win, sysctls, joined namespaces, time ns, oom score, seccomp object, binds once', async (t) => {
  const config = runcSpec();
  config.linux.devices = [{ path: '/dev/null', type: 'c', major: 1, minor: 3, fileMode: 0o20600, uid: 0, gid: 0 }, { path: '/dev/fuse', type: 'c', major: 10, minor: 229 }];
  config.linux.sysctl = { 'net.ipv4.ip_forward': '1' };
  config.linux.namespaces.push({ type: 'time' });
  config.linux.namespaces[1] = { type: 'network', path: '/proc/1/ns/net' };
  config.process.oomScoreAdj = 100;
  config.process.capabilities.effective = ['CAP_KILL'];
  config.linux.seccomp = { defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['read', 'write', 'exit'], action: 'SCMP_ACT_ALLOW' }] };
  config.mounts.push({ destination: '/data', type: 'bind', source: 'data', options: ['rbind', 'ro'] });
  const bundle = makeBundle(t, config);
  mkdirSync(join(bundle, 'data'));
  const oci = await loadBundleOci(bundle);
  const spec = await resolveSpec(validateSpec({ bundle, capabilities: { add: ['CHOWN'], drop: ['AUDIT_WRITE'] }, sysctls: { 'net.core.somaxconn': '64' } }, ENV), ENV);
  const plan = buildLaunchPlan(spec, ctx(t, { oci }));
  assert.deepEqual(plan.devices.map((d) => `${d.path}:${d.mode.toString(8)}`), ['/dev/zero:666', '/dev/full:666', '/dev/random:666', '/dev/urandom:666', '/dev/tty:666', '/dev/null:600', '/dev/fuse:666']);
  assert.deepEqual(plan.sysctls, { 'net.ipv4.ip_forward': '1', 'net.core.somaxconn': '64' });
  assert.deepEqual(plan.namespaces.find((n) => n.type === 'net'), { type: 'net', path: '/proc/1/ns/net' });
  assert.deepEqual(plan.namespaces.at(-1), { type: 'time', path: '' });
  assert.equal(plan.oomScoreAdj, 100);
  const chown = 1n << 0n, kill = 1n << 5n, bind = 1n << 10n;
  assert.deepEqual(plan.capabilities, { bounding: chown | kill | bind, effective: chown | kill, permitted: chown | kill | bind });
  assert.deepEqual(plan.seccomp, compileSeccomp(JSON.stringify(config.linux.seccomp), spec.capabilities));
  assert.equal(plan.mounts.filter((m) => m.target === '/data').length, 1);
  assert.equal(byTarget(plan.mounts, '/data')!.source, join(bundle, 'data'));
});

test('a bundle that binds /dev gets no device nodes or symlinks (runc\'s needsSetupDev)', async (t) => {
  const config = runcSpec();
  config.mounts[1] = { destination: '/dev', type: 'bind', source: '/dev', options: ['rbind'] };
  const bundle = makeBundle(t, config);
  const plan = buildLaunchPlan(await resolveSpec(validateSpec({ bundle }, ENV), ENV), ctx(t, { oci: await loadBundleOci(bundle) }));
  assert.deepEqual([plan.devices, plan.symlinks], [[], []]);
});

test('the rootless runc spec: host network binds /sys, user namespace with mappings', async (t) => {
  const bundle = makeBundle(t, runcSpec(true));
  const plan = buildLaunchPlan(await resolveSpec(validateSpec({ bundle }, ENV), ENV), ctx(t, { oci: await loadBundleOci(bundle) }));
  const sys = byTarget(plan.mounts, '/sys')!;
  assert.deepEqual([sys.source, sys.fstype, sys.flags & (MS.BIND | MS.REC | MS.RDONLY), sys.remount], ['/sys', '', MS.BIND | MS.REC | MS.RDONLY, true]);
  assert.equal(plan.mounts.filter((m) => m.target === '/sys').length, 1);
  assert.deepEqual(plan.namespaces.map((n) => n.type), ['pid', 'mnt', 'uts', 'ipc', 'user']);
  assert.deepEqual(plan.uidMappings, [{ containerId: 0, hostId: 0, size: 1 }]);
});

function info(spec: ResolvedSpec, pid = 4242): ContainerInfo {
  return { id: 'b'.repeat(64), name: 'c1', status: 'running', pid, shimPid: 4241, createdAt: new Date(0).toISOString(), spec, cgroup: '/berth/b', stateDir: '/tmp/x' };
}

test('exec plan: the container\'s namespaces, caps and seccomp; env, user and workdir from the options', async (t) => {
  const spec = await resolved(t, { namespaces: { net: 'host' }, env: ['A=1'], ulimits: [{ name: 'nofile', soft: 5, hard: 6 }] });
  const plan = buildExecPlan(info(spec), { cmd: ['ls'], env: ['A=2', 'B=3'], workdir: '/tmp' }, { cgroupProcs: ['/cg/procs'] });
  assert.deepEqual(plan.namespaces, ['pid', 'mnt', 'uts', 'ipc', 'cgroup']);
  assert.deepEqual([plan.initPid, plan.cwd, plan.args, plan.cgroupProcs], [4242, '/tmp', ['ls'], ['/cg/procs']]);
  assert.deepEqual(plan.env, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOSTNAME=c1', 'A=2', 'HOME=/root', 'B=3']);
  assert.deepEqual(plan.capabilities, { bounding: DOCKER_CAPS, effective: DOCKER_CAPS, permitted: DOCKER_CAPS });
  assert.deepEqual(plan.seccomp, compileSeccomp('default', spec.capabilities));
  assert.deepEqual(plan.rlimits, [{ resource: 7, soft: 5, hard: 6 }]);
  // --privileged: every capability the agent holds, in every set; the container's seccomp program stays.
  const privileged = buildExecPlan(info(spec), { cmd: ['ls'], privileged: true }, { cgroupProcs: [] });
  const all = capabilityMask(ownBoundingSet());
  assert.deepEqual(privileged.capabilities, { bounding: all, effective: all, permitted: all });
  assert.deepEqual(privileged.seccomp, plan.seccomp);
  assert.equal(privileged.noNewPrivileges, plan.noNewPrivileges);
  const asAlice = buildExecPlan(info(spec), { cmd: ['id'], user: 'alice' }, { cgroupProcs: [] });
  assert.deepEqual([asAlice.uid, asAlice.gid, asAlice.additionalGids, asAlice.cwd], [1000, 1000, [10, 29], '/']);
  assert.deepEqual(asAlice.capabilities, { bounding: DOCKER_CAPS, effective: 0n, permitted: 0n });
  assert.ok(asAlice.env.includes('HOME=/home/alice') && !asAlice.env.includes('HOME=/root'));
  // A terminal: its size (unset without one), and TERM=xterm as docker exec -t sets it, unless one is given.
  const tty = buildExecPlan(info(spec), { cmd: ['sh'], tty: true, consoleSize: { rows: 40, cols: 100 } }, { cgroupProcs: [] });
  assert.deepEqual([tty.tty, tty.env.at(-1)], [{ rows: 40, cols: 100 }, 'TERM=xterm']);
  assert.deepEqual(buildExecPlan(info(spec), { cmd: ['sh'], tty: true }, { cgroupProcs: [] }).tty, { rows: 0, cols: 0 });
  const ownTerm = buildExecPlan(info(spec), { cmd: ['sh'], tty: true, env: ['TERM=vt100'] }, { cgroupProcs: [] });
  assert.deepEqual(ownTerm.env.filter((e) => e.startsWith('TERM=')), ['TERM=vt100']);
  assert.equal(plan.tty, undefined);
  assert.equal(plan.env.some((e) => e.startsWith('TERM=')), false);
});

test('exec plan errors: not running, empty command, unknown user', async (t) => {
  const spec = await resolved(t);
  assert.throws(() => buildExecPlan(info(spec, 0), { cmd: ['ls'] }, { cgroupProcs: [] }), (err) => err instanceof BerthError && err.code === 'INVALID_STATE');
  assert.throws(() => buildExecPlan(info(spec), { cmd: [] }, { cgroupProcs: [] }), (err) => err instanceof BerthError && err.code === 'INVALID_REQUEST');
  assert.throws(() => buildExecPlan(info(spec), { cmd: ['ls'], user: 'mallory' }, { cgroupProcs: [] }), (err) => err instanceof BerthError && /unable to find user "mallory"/.test(err.message));
});

test('exec plan of a bundle container reads the bundle for its capability sets', async (t) => {
  const bundle = makeBundle(t, runcSpec());
  const spec = await resolveSpec(validateSpec({ bundle }, ENV), ENV);
  const plan = buildExecPlan(info(spec), { cmd: ['ls'] }, { cgroupProcs: [] });
  const caps = capabilityMask(['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE']);
  assert.deepEqual(plan.capabilities, { bounding: caps, effective: caps, permitted: caps });
  assert.equal(plan.seccomp, undefined);
  assert.deepEqual(plan.namespaces, ['pid', 'net', 'mnt', 'uts', 'ipc']);
});
