import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { validateSpec } from '../../../agent/runtime/spec.js';
import { assertInvalid, tempDir } from './spec-helpers.js';

const ENV = { hostCpus: 2 };

test('a minimal spec passes and comes back as a fresh object with only the given fields', (t) => {
  const rootfs = tempDir(t);
  const input = { rootfs, cmd: ['/bin/true'] };
  const spec = validateSpec(input, ENV);
  assert.deepEqual(spec, { rootfs, cmd: ['/bin/true'] });
  assert.notEqual(spec.cmd, input.cmd);
});

test('a full spec passes unchanged', (t) => {
  const rootfs = tempDir(t);
  const hostDir = tempDir(t);
  const input = {
    name: 'web-1', rootfs, image: 'busybox', cmd: ['sh', '-c', ''], env: ['A=1', 'EMPTY='], workdir: '/tmp',
    hostname: 'web.local', user: 'alice:wheel', labels: { team: 'a' },
    resources: { memoryBytes: 16 * 1024 * 1024, memorySwapBytes: -1, cpus: 0.5, cpuShares: 512, cpusetCpus: '0-1', cpusetMems: '0', pidsLimit: 64, blkioWeight: 500 },
    namespaces: { net: 'host', user: 'private' }, uidMappings: [{ containerId: 0, hostId: 100000, size: 65536 }],
    gidMappings: [{ containerId: 0, hostId: 100000, size: 65536 }],
    capabilities: { add: ['net_admin', 'CAP_SYS_TIME'], drop: ['ALL'] },
    mounts: [{ type: 'bind', source: hostDir, target: '/data', readOnly: true, options: ['nosuid', 'rprivate'] },
      { type: 'tmpfs', target: '/run', options: ['size=64m', 'mode=1777', 'exec'] }],
    readOnlyRootfs: true, seccomp: 'unconfined', noNewPrivileges: false, ulimits: [{ name: 'nofile', soft: 1024, hard: 4096 }, { name: 'core', soft: -1, hard: -1 }],
    stopTimeout: 3, stopSignal: 'SIGINT', autoRemove: true,
  };
  assert.deepEqual(validateSpec(input, ENV), input);
});

test('signal names are normalised to SIG…', (t) => {
  const rootfs = tempDir(t);
  assert.equal(validateSpec({ rootfs, cmd: ['x'], stopSignal: 'hup' }, ENV).stopSignal, 'SIGHUP');
});

test('a bundle needs no cmd; a rootfs does', (t) => {
  const dir = tempDir(t);
  assert.deepEqual(validateSpec({ bundle: dir }, ENV), { bundle: dir });
  assertInvalid(() => validateSpec({ rootfs: dir }, ENV), 'cmd', /required/);
});

test('exactly one of rootfs and bundle', (t) => {
  const dir = tempDir(t);
  assertInvalid(() => validateSpec({ cmd: ['x'] }, ENV), 'rootfs', /exactly one/);
  assertInvalid(() => validateSpec({ rootfs: dir, bundle: dir, cmd: ['x'] }, ENV), 'bundle', /exactly one/);
});

test('not an object', () => {
  assertInvalid(() => validateSpec(null), 'spec', /must be an object, got null/);
  assertInvalid(() => validateSpec([1]), 'spec', /got an array/);
});

interface Case { name: string; patch: Record<string, unknown>; field: string; message: RegExp }

function cases(dir: string, file: string): Case[] {
  const mib = 1024 * 1024;
  return [
    { name: 'unknown top-level field', patch: { colour: 'red' }, field: 'colour', message: /unknown field/ },
    { name: 'relative rootfs', patch: { rootfs: 'rootfs' }, field: 'rootfs', message: /absolute path/ },
    { name: 'missing rootfs', patch: { rootfs: join(dir, 'nope') }, field: 'rootfs', message: /does not exist/ },
    { name: 'rootfs is a file', patch: { rootfs: file }, field: 'rootfs', message: /not a directory/ },
    { name: 'rootfs with ..', patch: { rootfs: `${dir}/../x` }, field: 'rootfs', message: /\.\./ },
    { name: 'cmd not an array', patch: { cmd: 'ls' }, field: 'cmd', message: /must be an array, got "ls"/ },
    { name: 'empty cmd', patch: { cmd: [] }, field: 'cmd', message: /empty/ },
    { name: 'empty program', patch: { cmd: [''] }, field: 'cmd[0]', message: /must not be empty/ },
    { name: 'non-string arg', patch: { cmd: ['ls', 3] }, field: 'cmd[1]', message: /must be a string, got 3/ },
    { name: 'NUL in arg', patch: { cmd: ['ls', 'a\0b'] }, field: 'cmd[1]', message: /NUL/ },
    { name: 'env without =', patch: { env: ['A=1', 'B'] }, field: 'env[1]', message: /NAME=value/ },
    { name: 'env with empty name', patch: { env: ['=x'] }, field: 'env[0]', message: /NAME=value/ },
    { name: 'bad name', patch: { name: '-web' }, field: 'name', message: /\[a-zA-Z0-9\]/ },
    { name: 'name with slash', patch: { name: 'a/b' }, field: 'name', message: /got "a\/b"/ },
    { name: 'long name', patch: { name: 'a'.repeat(129) }, field: 'name', message: /at most 128/ },
    { name: 'hostname with underscore', patch: { hostname: 'my_host' }, field: 'hostname', message: /RFC 1123/ },
    { name: 'hostname with trailing dash', patch: { hostname: 'host-' }, field: 'hostname', message: /RFC 1123/ },
    { name: 'hostname too long', patch: { hostname: `${'a'.repeat(40)}.${'b'.repeat(30)}` }, field: 'hostname', message: /64/ },
    { name: 'hostname with uts host', patch: { hostname: 'x', namespaces: { uts: 'host' } }, field: 'hostname', message: /uts "host"/ },
    { name: 'domainname with uts host', patch: { domainname: 'corp.example', namespaces: { uts: 'host' } }, field: 'domainname', message: /uts "host"/ },
    { name: 'domainname with a space', patch: { domainname: 'corp example' }, field: 'domainname', message: /RFC 1123/ },
    { name: 'relative workdir', patch: { workdir: 'tmp' }, field: 'workdir', message: /absolute/ },
    { name: 'user with spaces', patch: { user: 'a b' }, field: 'user', message: /uid:gid/ },
    { name: 'user with three parts', patch: { user: '1:2:3' }, field: 'user', message: /uid:gid/ },
    { name: 'labels not strings', patch: { labels: { a: 1 } }, field: 'labels.a', message: /must be a string/ },
    { name: 'memory not a number', patch: { resources: { memoryBytes: 'abc' } }, field: 'resources.memoryBytes', message: /must be a non-negative integer, got "abc"/ },
    { name: 'memory below 6 MiB', patch: { resources: { memoryBytes: 5 * mib } }, field: 'resources.memoryBytes', message: /minimum memory limit is 6 MiB/ },
    { name: 'swappiness above 100', patch: { resources: { memorySwappiness: 101 } }, field: 'resources.memorySwappiness', message: /101/ },
    { name: 'reservation below 6 MiB', patch: { resources: { memoryReservationBytes: mib } }, field: 'resources.memoryReservationBytes', message: /minimum memory reservation is 6 MiB/ },
    { name: 'reservation above the limit', patch: { resources: { memoryBytes: 16 * mib, memoryReservationBytes: 32 * mib } }, field: 'resources.memoryReservationBytes', message: /above resources.memoryBytes .*must fit/ },
    { name: 'negative memory', patch: { resources: { memoryBytes: -1 } }, field: 'resources.memoryBytes', message: /non-negative/ },
    { name: 'fractional memory', patch: { resources: { memoryBytes: 6.5 * mib + 0.5 } }, field: 'resources.memoryBytes', message: /integer/ },
    { name: 'swap below memory', patch: { resources: { memoryBytes: 16 * mib, memorySwapBytes: 8 * mib } }, field: 'resources.memorySwapBytes', message: /≥ resources.memoryBytes/ },
    { name: 'swap without memory', patch: { resources: { memorySwapBytes: 16 * mib } }, field: 'resources.memorySwapBytes', message: /needs resources.memoryBytes/ },
    { name: 'swap -2', patch: { resources: { memoryBytes: 16 * mib, memorySwapBytes: -2 } }, field: 'resources.memorySwapBytes', message: /integer ≥ -1/ },
    { name: 'cpu period too short', patch: { resources: { cpuPeriodUs: 999 } }, field: 'resources.cpuPeriodUs', message: /1000\.\.1000000/ },
    { name: 'burst without a quota', patch: { resources: { cpuBurstUs: 10000 } }, field: 'resources.cpuBurstUs', message: /needs resources\.cpus/ },
    { name: 'burst above the quota', patch: { resources: { cpus: 0.1, cpuPeriodUs: 200000, cpuBurstUs: 20001 } }, field: 'resources.cpuBurstUs', message: /20001 is above the CPU quota \(20000 µs per period/ },
    { name: 'negative burst', patch: { resources: { cpus: 1, cpuBurstUs: -1 } }, field: 'resources.cpuBurstUs', message: /integer/ },
    { name: 'cpus negative', patch: { resources: { cpus: -1 } }, field: 'resources.cpus', message: /> 0/ },
    { name: 'cpus above host', patch: { resources: { cpus: 3 } }, field: 'resources.cpus', message: /between 0.01 and 2/ },
    { name: 'cpus too small', patch: { resources: { cpus: 0.001 } }, field: 'resources.cpus', message: /0.01/ },
    { name: 'cpu shares 1', patch: { resources: { cpuShares: 1 } }, field: 'resources.cpuShares', message: /2\.\.262144/ },
    { name: 'cpu shares huge', patch: { resources: { cpuShares: 262145 } }, field: 'resources.cpuShares', message: /2\.\.262144/ },
    { name: 'cpuset syntax', patch: { resources: { cpusetCpus: '0-' } }, field: 'resources.cpusetCpus', message: /"0-" is not N or N-M/ },
    { name: 'cpuset reversed', patch: { resources: { cpusetCpus: '1-0' } }, field: 'resources.cpusetCpus', message: /ends before/ },
    { name: 'cpuset beyond host', patch: { resources: { cpusetCpus: '0,3' } }, field: 'resources.cpusetCpus', message: /CPUs 3 are not available/ },
    { name: 'cpuset mems syntax', patch: { resources: { cpusetMems: 'a' } }, field: 'resources.cpusetMems', message: /not N or N-M/ },
    { name: 'pids -2', patch: { resources: { pidsLimit: -2 } }, field: 'resources.pidsLimit', message: /≥ -1/ },
    { name: 'blkio weight 5', patch: { resources: { blkioWeight: 5 } }, field: 'resources.blkioWeight', message: /10\.\.1000/ },
    { name: 'unknown resource', patch: { resources: { memory: 1 } }, field: 'resources.memory', message: /unknown field/ },
    { name: 'unknown namespace', patch: { namespaces: { network: 'host' } }, field: 'namespaces.network', message: /unknown field/ },
    { name: 'bad namespace mode', patch: { namespaces: { pid: 'shared' } }, field: 'namespaces.pid', message: /"private", "host" or "container:<name>", got "shared"/ },
    { name: 'joining an ipc namespace', patch: { namespaces: { ipc: 'container:web' } }, field: 'namespaces.ipc', message: /only net and pid namespaces can be/ },
    { name: 'container: without a name', patch: { namespaces: { net: 'container:' } }, field: 'namespaces.net', message: /needs the name or id/ },
    { name: 'a hostname in another\'s network', patch: { namespaces: { net: 'container:web' }, hostname: 'x' }, field: 'hostname', message: /takes that one's/ },
    { name: 'a joined namespace with a user namespace', patch: { namespaces: { pid: 'container:web' }, uidMappings: [{ containerId: 0, hostId: 100000, size: 65536 }],
      gidMappings: [{ containerId: 0, hostId: 100000, size: 65536 }] }, field: 'namespaces.pid', message: /user namespace of its own/ },
    { name: 'host mount namespace', patch: { namespaces: { mnt: 'host' } }, field: 'namespaces.mnt', message: /own mount namespace/ },
    { name: 'private userns without mappings', patch: { namespaces: { user: 'private' } }, field: 'uidMappings', message: /required/ },
    { name: 'mappings with host userns', patch: { namespaces: { user: 'host' }, uidMappings: [{ containerId: 0, hostId: 1, size: 1 }], gidMappings: [{ containerId: 0, hostId: 1, size: 1 }] }, field: 'uidMappings', message: /private user namespace/ },
    { name: 'uid mappings without gid mappings', patch: { uidMappings: [{ containerId: 0, hostId: 1, size: 1 }] }, field: 'gidMappings', message: /go together/ },
    { name: 'mapping size 0', patch: { uidMappings: [{ containerId: 0, hostId: 1, size: 0 }], gidMappings: [{ containerId: 0, hostId: 1, size: 1 }] }, field: 'uidMappings[0].size', message: /1\.\./ },
    { name: 'overlapping mappings', patch: { uidMappings: [{ containerId: 0, hostId: 1000, size: 10 }, { containerId: 5, hostId: 5000, size: 10 }], gidMappings: [{ containerId: 0, hostId: 1, size: 1 }] }, field: 'uidMappings[1]', message: /overlap uidMappings\[0\]/ },
    { name: 'empty mappings', patch: { uidMappings: [], gidMappings: [] }, field: 'uidMappings', message: /1\.\.340/ },
    { name: 'mapping unknown key', patch: { uidMappings: [{ containerId: 0, hostID: 1, size: 1 }], gidMappings: [] }, field: 'uidMappings[0].hostID', message: /unknown field/ },
    { name: 'unknown capability', patch: { capabilities: { add: ['NET_ADMIN', 'FLY'] } }, field: 'capabilities.add[1]', message: /unknown capability "FLY"/ },
    { name: 'capabilities unknown key', patch: { capabilities: { remove: [] } }, field: 'capabilities.remove', message: /unknown field/ },
    { name: 'mount type', patch: { mounts: [{ type: 'volume', target: '/x' }] }, field: 'mounts[0].type', message: /"bind" or "tmpfs"/ },
    { name: 'bind source missing', patch: { mounts: [{ type: 'bind', source: join(dir, 'gone'), target: '/x' }] }, field: 'mounts[0].source', message: /gone does not exist on the host/ },
    { name: 'bind without source', patch: { mounts: [{ type: 'bind', target: '/x' }] }, field: 'mounts[0].source', message: /required/ },
    { name: 'relative target', patch: { mounts: [{ type: 'tmpfs', target: 'x' }] }, field: 'mounts[0].target', message: /absolute/ },
    { name: 'target /', patch: { mounts: [{ type: 'tmpfs', target: '/' }] }, field: 'mounts[0].target', message: /must not be "\/"/ },
    { name: 'duplicate target', patch: { mounts: [{ type: 'tmpfs', target: '/x' }, { type: 'tmpfs', target: '/x/' }] }, field: 'mounts[1].target', message: /already mounted by mounts\[0\]/ },
    { name: 'tmpfs with source', patch: { mounts: [{ type: 'tmpfs', source: dir, target: '/x' }] }, field: 'mounts[0].source', message: /no source/ },
    { name: 'tmpfs unknown option', patch: { mounts: [{ type: 'tmpfs', target: '/x', options: ['sise=1m'] }] }, field: 'mounts[0].options[0]', message: /unknown tmpfs option "sise=1m"/ },
    { name: 'tmpfs bad size', patch: { mounts: [{ type: 'tmpfs', target: '/x', options: ['size=big'] }] }, field: 'mounts[0].options[0]', message: /bad value/ },
    { name: 'tmpfs bad mode', patch: { mounts: [{ type: 'tmpfs', target: '/x', options: ['mode=999'] }] }, field: 'mounts[0].options[0]', message: /bad value/ },
    { name: 'tmpfs bind option', patch: { mounts: [{ type: 'tmpfs', target: '/x', options: ['rbind'] }] }, field: 'mounts[0].options[0]', message: /not an option of a tmpfs/ },
    { name: 'bind data option', patch: { mounts: [{ type: 'bind', source: dir, target: '/x', options: ['size=1m'] }] }, field: 'mounts[0].options[0]', message: /unknown bind mount option/ },
    { name: 'mount readOnly type', patch: { mounts: [{ type: 'tmpfs', target: '/x', readOnly: 'yes' }] }, field: 'mounts[0].readOnly', message: /true or false/ },
    { name: 'unknown ulimit', patch: { ulimits: [{ name: 'files', soft: 1, hard: 1 }] }, field: 'ulimits[0].name', message: /unknown ulimit "files"/ },
    { name: 'soft above hard', patch: { ulimits: [{ name: 'nofile', soft: 2048, hard: 1024 }] }, field: 'ulimits[0].soft', message: /above the hard limit/ },
    { name: 'finite hard, unlimited soft', patch: { ulimits: [{ name: 'nofile', soft: -1, hard: 1024 }] }, field: 'ulimits[0].soft', message: /above the hard limit/ },
    { name: 'duplicate ulimit', patch: { ulimits: [{ name: 'nofile', soft: 1, hard: 1 }, { name: 'RLIMIT_NOFILE', soft: 1, hard: 1 }] }, field: 'ulimits[1].name', message: /already set by ulimits\[0\]/ },
    { name: 'seccomp relative', patch: { seccomp: 'my-profile.json' }, field: 'seccomp', message: /"default", "unconfined"/ },
    { name: 'seccomp missing file', patch: { seccomp: join(dir, 'p.json') }, field: 'seccomp', message: /does not exist/ },
    { name: 'seccomp bad inline JSON', patch: { seccomp: '{"defaultAction":' }, field: 'seccomp', message: /not valid JSON/ },
    { name: 'stop signal', patch: { stopSignal: 'SIGFOO' }, field: 'stopSignal', message: /unknown signal "SIGFOO"/ },
    { name: 'stop timeout', patch: { stopTimeout: -1 }, field: 'stopTimeout', message: /non-negative/ },
    { name: 'autoRemove type', patch: { autoRemove: 1 }, field: 'autoRemove', message: /true or false, got 1/ },
    { name: 'restart policy name', patch: { restartPolicy: { name: 'sometimes' } }, field: 'restartPolicy.name', message: /one of no, on-failure, always, unless-stopped/ },
    { name: 'restart retries without on-failure', patch: { restartPolicy: { name: 'always', maxRetries: 3 } }, field: 'restartPolicy.maxRetries', message: /only with "on-failure"/ },
    { name: 'restart retries negative', patch: { restartPolicy: { name: 'on-failure', maxRetries: -1 } }, field: 'restartPolicy.maxRetries', message: /non-negative|at least 0/ },
    { name: 'healthcheck without cmd', patch: { healthcheck: { retries: 2 } }, field: 'healthcheck.cmd', message: /is required/ },
    { name: 'healthcheck interval 0', patch: { healthcheck: { cmd: ['true'], intervalSeconds: 0 } }, field: 'healthcheck.intervalSeconds', message: /seconds > 0/ },
    { name: 'healthcheck retries 0', patch: { healthcheck: { cmd: ['true'], retries: 0 } }, field: 'healthcheck.retries', message: /at least 1|≥ 1/ },
    { name: 'restart with --rm', patch: { autoRemove: true, restartPolicy: { name: 'always' } }, field: 'restartPolicy', message: /conflicts with autoRemove/ },
  ];
}

test('every bad value is rejected with its field named', (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'a-file');
  writeFileSync(file, '');
  for (const c of cases(dir, file)) {
    const input = { rootfs: dir, cmd: ['x'], ...c.patch };
    try {
      assertInvalid(() => validateSpec(input, ENV), c.field, c.message);
    } catch (err) {
      throw new Error(`case "${c.name}": ${(err as Error).message}`, { cause: err });
    }
  }
});

test('memory 0 means unlimited and swap 0 means unset', (t) => {
  const rootfs = tempDir(t);
  assert.deepEqual(validateSpec({ rootfs, cmd: ['x'], resources: { memoryBytes: 0, memorySwapBytes: 0, cpus: 0, cpuShares: 0 } }, ENV).resources,
    { memoryBytes: 0, memorySwapBytes: 0, cpus: 0, cpuShares: 0 });
});

test('a seccomp profile file and localhost/ form are accepted when the file exists', (t) => {
  const dir = tempDir(t);
  const profile = join(dir, 'p.json');
  writeFileSync(profile, '{"defaultAction":"SCMP_ACT_ALLOW"}');
  assert.equal(validateSpec({ rootfs: dir, cmd: ['x'], seccomp: profile }, ENV).seccomp, profile);
  assert.equal(validateSpec({ rootfs: dir, cmd: ['x'], seccomp: `localhost${profile}` }, ENV).seccomp, `localhost${profile}`);
  assert.equal(validateSpec({ rootfs: dir, cmd: ['x'], seccomp: '{"defaultAction":"SCMP_ACT_ALLOW"}' }, ENV).seccomp, '{"defaultAction":"SCMP_ACT_ALLOW"}');
});
