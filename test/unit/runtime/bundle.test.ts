import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { BerthError } from '../../../agent/errors.js';
import { loadBundleOci } from '../../../agent/runtime/bundle-oci.js';
import { resolveSpec } from '../../../agent/runtime/resolve.js';
import { validateSpec } from '../../../agent/runtime/spec.js';
import { assertRejectsInvalid, makeBundle, runcSpec, tempDir } from './spec-helpers.js';

const ENV = { hostCpus: 2 };

const resolveBundle = (bundle: string, extra: Record<string, unknown> = {}) => resolveSpec(validateSpec({ bundle, ...extra }, ENV), ENV);

test('runc spec translates to what runc would run', async (t) => {
  const bundle = makeBundle(t, runcSpec());
  const spec = await resolveBundle(bundle);
  assert.equal(spec.bundle, bundle);
  assert.equal(spec.rootfs, join(bundle, 'rootfs'));
  assert.deepEqual(spec.cmd, ['sh']);
  assert.deepEqual(spec.env, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'TERM=xterm', 'HOME=/root']);
  assert.equal(spec.workdir, '/');
  assert.equal(spec.hostname, 'runc');
  assert.deepEqual(spec.user, { uid: 0, gid: 0, additionalGids: [], name: '' });
  assert.deepEqual(spec.capabilities, ['CAP_KILL', 'CAP_NET_BIND_SERVICE', 'CAP_AUDIT_WRITE']);
  assert.deepEqual(spec.namespaces, { pid: 'private', net: 'private', mnt: 'private', uts: 'private', ipc: 'private', cgroup: 'host', user: 'host' });
  assert.equal(spec.readOnlyRootfs, true);
  assert.equal(spec.noNewPrivileges, true);
  assert.deepEqual(spec.ulimits, [{ name: 'nofile', soft: 1024, hard: 1024 }]);
  assert.equal(spec.seccomp, 'unconfined');
  assert.equal(spec.privileged, false);
  assert.deepEqual(spec.mounts, []);
  assert.equal(spec.image, bundle);
});

test('berth spec fields override the bundle', async (t) => {
  const bundle = makeBundle(t, runcSpec());
  const spec = await resolveBundle(bundle, {
    cmd: ['/bin/true'], env: ['TERM=dumb', 'X=1'], user: 'alice', workdir: '/tmp', hostname: 'other',
    resources: { memoryBytes: 32 * 1024 * 1024 }, capabilities: { add: ['CHOWN'], drop: ['KILL'] }, seccomp: 'default',
    ulimits: [{ name: 'nofile', soft: 10, hard: 20 }, { name: 'nproc', soft: 5, hard: 5 }], readOnlyRootfs: false, noNewPrivileges: false,
  });
  assert.deepEqual(spec.cmd, ['/bin/true']);
  assert.deepEqual(spec.env, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'TERM=dumb', 'X=1', 'HOME=/home/alice']);
  assert.deepEqual(spec.user, { uid: 1000, gid: 1000, additionalGids: [10, 29], name: 'alice' });
  assert.equal(spec.resources.memoryBytes, 32 * 1024 * 1024);
  assert.deepEqual(spec.capabilities, ['CAP_CHOWN', 'CAP_NET_BIND_SERVICE', 'CAP_AUDIT_WRITE']);
  assert.deepEqual(spec.ulimits, [{ name: 'nofile', soft: 10, hard: 20 }, { name: 'nproc', soft: 5, hard: 5 }]);
  assert.deepEqual([spec.workdir, spec.hostname, spec.seccomp, spec.readOnlyRootfs, spec.noNewPrivileges], ['/tmp', 'other', 'default', false, false]);
});

test('bundle resources, user, mappings, seccomp and bind mounts', async (t) => {
  const config = runcSpec(true);
  config.process.user = { uid: 1001, gid: 1001, additionalGids: [50] };
  config.process.rlimits = [{ type: 'RLIMIT_CORE', soft: 2 ** 64 - 1, hard: 2 ** 64 - 1 }];
  config.linux.uidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
  config.linux.gidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
  config.linux.resources = { memory: { limit: 64 * 1024 * 1024, swap: 128 * 1024 * 1024, reservation: 32 * 1024 * 1024, swappiness: 10, disableOOMKiller: true }, cpu: { quota: 50000, period: 100000, burst: 25000, shares: 256, cpus: '0' }, pids: { limit: 32 }, blockIO: { weight: 300 } };
  config.linux.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [] };
  config.mounts.push({ destination: '/data', type: 'bind', source: 'data', options: ['rbind', 'ro'] });
  const bundle = makeBundle(t, config);
  mkdirSync(join(bundle, 'data'));
  const spec = await resolveBundle(bundle);
  assert.deepEqual(spec.user, { uid: 1001, gid: 1001, additionalGids: [50], name: '' });
  assert.ok(spec.env.includes('HOME=/home/bob'));
  assert.equal(spec.namespaces.user, 'private');
  assert.equal(spec.namespaces.net, 'host');
  assert.deepEqual(spec.uidMappings, [{ containerId: 0, hostId: 100000, size: 65536 }]);
  assert.deepEqual(spec.resources, { memoryBytes: 67108864, memorySwapBytes: 134217728, memoryReservationBytes: 33554432, memorySwappiness: 10, oomKillDisable: true, cpus: 0.5, cpuPeriodUs: 100000, cpuBurstUs: 25000, cpuShares: 256, cpusetCpus: '0', cpusetMems: '', pidsLimit: 32, blkioWeight: 300, ioLimits: [] });
  assert.deepEqual(spec.ulimits, [{ name: 'core', soft: -1, hard: -1 }]);
  assert.equal(spec.seccomp, `bundle:${join(bundle, 'config.json')}#linux.seccomp`);
  assert.deepEqual(spec.mounts, [
    { type: 'bind', source: '/sys', target: '/sys', readOnly: true, options: ['rbind', 'nosuid', 'noexec', 'nodev'] },
    { type: 'bind', source: join(bundle, 'data'), target: '/data', readOnly: true, options: ['rbind'] },
  ]);
});

test('a bundle\'s process.terminal and consoleSize are its tty (the spec\'s win); a size needs a terminal', async (t) => {
  const config = runcSpec();
  config.process.terminal = true;
  config.process.consoleSize = { height: 30, width: 90 };
  const bundle = makeBundle(t, config);
  const spec = await resolveBundle(bundle);
  assert.deepEqual([spec.tty, spec.consoleSize, spec.openStdin], [true, { rows: 30, cols: 90 }, false]);
  const overridden = await resolveBundle(bundle, { tty: false, openStdin: true });
  assert.deepEqual([overridden.tty, overridden.consoleSize, overridden.openStdin], [false, { rows: 0, cols: 0 }, true]);
  config.process.terminal = false;
  await assert.rejects(resolveBundle(makeBundle(t, config), { consoleSize: { rows: 1, cols: 1 } }), /consoleSize: only with tty/);
});

test('bundle errors name config.json and the JSON path', async (t) => {
  const check = async (mutate: (c: Record<string, any>) => void, path: RegExp) => {
    const config = runcSpec();
    mutate(config);
    const bundle = makeBundle(t, config);
    const err = await assertRejectsInvalid(resolveBundle(bundle), 'bundle');
    assert.ok(err.message.startsWith(`${join(bundle, 'config.json')}: `), err.message);
    assert.match(err.message, path);
  };
  await check((c) => { c.process.terminal = 'yes'; }, /process\.terminal: must be true or false, got "yes"/);
  await check((c) => { c.process.consoleSize = { height: 24, width: -1 }; }, /process\.consoleSize\.width: /);
  await check((c) => { c.linux.namespaces[1].type = 'net'; }, /linux\.namespaces\[1\]\.type: unknown namespace type "net"/);
  await check((c) => { c.linux.namespaces.push({ type: 'pid' }); }, /linux\.namespaces\[5\]\.type: namespace pid is listed twice/);
  await check((c) => { c.linux.namespaces = [{ type: 'pid' }]; }, /linux\.namespaces: must include "mount"/);
  await check((c) => { c.process.rlimits[0].type = 'RLIMIT_FILES'; }, /process\.rlimits\[0\]\.type: unknown rlimit/);
  await check((c) => { c.process.rlimits[0].soft = 4096; }, /process\.rlimits\[0\]\.soft: soft limit 4096 is above the hard limit 1024/);
  await check((c) => { c.process.capabilities.bounding.push('CAP_FLY'); }, /process\.capabilities\.bounding\[3\]: unknown capability/);
  await check((c) => { c.process.user.uid = -1; }, /process\.user\.uid: must be an integer/);
  await check((c) => { c.process.cwd = 'tmp'; }, /process\.cwd: must be an absolute path/);
  await check((c) => { c.mounts[2].destination = 'dev/pts'; }, /mounts\[2\]\.destination: must be an absolute path/);
  await check((c) => { c.hooks = { prestart: [{ path: '/bin/true' }] }; }, /hooks\.prestart: OCI hooks are not supported/);
  await check((c) => { c.linux.resources.hugepageLimits = []; }, /linux\.resources\.hugepageLimits: unknown field/);
  await check((c) => { c.linux.resources.blockIO = { throttleReadBpsDevice: [{ major: 8, minor: 0 }] }; }, /linux\.resources\.blockIO\.throttleReadBpsDevice\[0\]\.rate: /);
  await check((c) => { c.linux.resources.blockIO = { throttleWriteIOPSDevice: {} }; }, /linux\.resources\.blockIO\.throttleWriteIOPSDevice: must be an array/);
  await check((c) => { c.linux.resources.memory = { disableOOMKiller: 'yes' }; }, /linux\.resources\.memory\.disableOOMKiller: must be true or false/);
  await check((c) => { c.linux.resources.cpu = { quota: 50000, burst: -1 }; }, /linux\.resources\.cpu\.burst: must be a non-negative integer, got -1/);
  await check((c) => { c.linux.resources.devices[0].access = 'rwx'; }, /linux\.resources\.devices\[0\]\.access/);
  await check((c) => { c.linux.devices = [{ path: '/dev/fifo', type: 'p' }]; }, /linux\.devices\[0\]\.type: must be "c", "u" or "b"/);
  await check((c) => { c.ociVersion = '2.0.0'; }, /ociVersion: berth reads runtime-spec 1\.x/);
  await check((c) => { delete c.process; }, /process: is required/);
});

test('hostname without a UTS namespace is refused, as runc does', async (t) => {
  const config = runcSpec();
  config.linux.namespaces = config.linux.namespaces.filter((n: { type: string }) => n.type !== 'uts');
  const bundle = makeBundle(t, config);
  await assertRejectsInvalid(resolveBundle(bundle), 'hostname', /cannot be set without a "uts" namespace/);
});

test('a bundle\'s domainname is set (runtime-spec 1.0.2; runc 1.1.5 here ignores it); without a UTS namespace it is refused', async (t) => {
  const config = runcSpec();
  config.domainname = 'corp.example';
  assert.equal((await resolveBundle(makeBundle(t, config))).domainname, 'corp.example');
  assert.equal((await resolveBundle(makeBundle(t, config), { domainname: 'other.example' })).domainname, 'other.example', 'the spec\'s wins');
  assert.equal((await resolveBundle(makeBundle(t, runcSpec()))).domainname, '');
  config.hostname = '';
  config.linux.namespaces = config.linux.namespaces.filter((n: { type: string }) => n.type !== 'uts');
  await assertRejectsInvalid(resolveBundle(makeBundle(t, config)), 'domainname', /cannot be set without a "uts" namespace/);
});

test('missing config.json, bad JSON and missing args', async (t) => {
  const empty = tempDir(t);
  await assertRejectsInvalid(resolveBundle(empty), 'bundle', /config\.json does not exist/);
  const bad = makeBundle(t, '{"ociVersion": ');
  await assertRejectsInvalid(resolveBundle(bad), 'bundle', /config\.json: not valid JSON/);
  const config = runcSpec();
  delete config.process.args;
  await assertRejectsInvalid(resolveBundle(makeBundle(t, config)), 'cmd', /has no process\.args/);
});

test('loadBundleOci returns the config for the plan', async (t) => {
  const bundle = makeBundle(t, runcSpec());
  const oci = await loadBundleOci(bundle);
  assert.equal(oci.mounts?.length, 7);
  assert.equal(oci.linux?.maskedPaths?.length, 10);
  await assert.rejects(loadBundleOci(join(bundle, 'nope')), (err) => err instanceof BerthError && /does not exist/.test(err.message));
});

test('the live `runc spec` of this host parses (when runc is installed)', async (t) => {
  let dir: string;
  try {
    dir = tempDir(t, 'berth-runc-spec-');
    execFileSync('runc', ['spec'], { cwd: dir, stdio: 'ignore' });
  } catch {
    t.skip('runc is not installed');
    return;
  }
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  const spec = await resolveBundle(makeBundle(t, config));
  assert.ok(spec.cmd.length > 0);
  assert.equal(spec.tty, true, '`runc spec` asks for a terminal');
  assert.equal(spec.namespaces.mnt, 'private');
});
