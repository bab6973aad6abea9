import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from '../../../agent/cli/args.js';
import { RUN_FLAGS, specFromFlags } from '../../../agent/cli/run-flags.js';
import { createContainerBodySchema } from '../../../agent/api/index.js';
import { compileStrict } from '../../../agent/api/schemas/strict-validator.js';
import { validateSpec } from '../../../agent/runtime/index.js';
import { mergeEnv } from '../../../agent/runtime/resolve-common.js';

const spec = (argv: string[], env: NodeJS.ProcessEnv = {}, cwd = '/work') =>
  specFromFlags(parseArgs(argv, { command: 'berth run', flags: RUN_FLAGS, interspersed: false }), 'berth run', env, cwd);

test('every run flag lands in the spec', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-flags-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const profile = join(dir, 'seccomp.json');
  writeFileSync(profile, '{}');
  const s = spec([
    '--rootfs', 'rootfs', '--name', 'web', '--image', 'busybox', '-e', 'A=1', '-e', 'FROM_SHELL', '-e', 'UNSET', '-w', '/srv', '-h', 'box',
    '-u', '1000:1000', '--domainname', 'corp.example', '-l', 'tier=batch', '--label', 'flag', '-m', '64m', '--memory-swap', '-1', '--cpus', '0.5', '--cpu-shares', '512',
    '--cpuset-cpus', '0-1', '--cpuset-mems', '0', '--pids-limit', '64', '--blkio-weight', '300', '--ulimit', 'nofile=1024:2048',
    '--ulimit', 'nproc=10', '--sysctl', 'net.ipv4.ip_forward=1', '--sysctl', 'kernel.sem=250 32000 100 128', '--read-only', '--cap-add', 'NET_ADMIN,SYS_TIME', '--cap-drop', 'ALL', '--security-opt', `seccomp=${profile}`,
    '--security-opt', 'no-new-privileges=false', '--network', 'none', '--pid', 'host', '--ipc', 'host', '--uts', 'host', '--cgroupns', 'host',
    '-v', '/data:/data:ro', '-v', './rel:/rel:rw,nosuid', '--tmpfs', '/run:size=64m,mode=1777', '--tmpfs', '/tmp',
    '--stop-timeout', '3', '--stop-signal', 'SIGINT', '--rm', '--group-add', 'staff', '--group-add', '4242', '--shm-size', '128m',
    '--add-host', 'db:10.0.0.5', '--dns', '192.0.2.53', '--dns-search', 'corp.test', '--dns-option', 'ndots:2',
    '--oom-score-adj', '-100', '--oom-kill-disable', '--memory-reservation', '32m', '--memory-swappiness', '0', '--log-opt', 'max-size=10m', '--log-opt', 'max-file=3', '--', 'sh', '-c', 'echo hi',
  ], { FROM_SHELL: 'x' }, dir);
  assert.deepEqual(s, {
    rootfs: join(dir, 'rootfs'), cmd: ['sh', '-c', 'echo hi'], name: 'web', image: 'busybox', workdir: '/srv', hostname: 'box', domainname: 'corp.example', user: '1000:1000',
    stopSignal: 'SIGINT', env: ['A=1', 'FROM_SHELL=x'], labels: { tier: 'batch', flag: '' },
    groupAdd: ['staff', '4242'], extraHosts: ['db:10.0.0.5'], dns: ['192.0.2.53'], dnsSearch: ['corp.test'], dnsOptions: ['ndots:2'], shmSizeBytes: 128 * 2 ** 20, oomScoreAdj: -100, logRotate: { maxSizeBytes: 10 * 2 ** 20, maxFiles: 3 },
    resources: { memoryBytes: 64 * 2 ** 20, memorySwapBytes: -1, memoryReservationBytes: 32 * 2 ** 20, memorySwappiness: 0, cpus: 0.5, cpuShares: 512, cpusetCpus: '0-1', cpusetMems: '0', pidsLimit: 64, blkioWeight: 300, oomKillDisable: true },
    namespaces: { net: 'private', pid: 'host', ipc: 'host', uts: 'host', cgroup: 'host' },
    capabilities: { add: ['NET_ADMIN', 'SYS_TIME'], drop: ['ALL'] },
    mounts: [
      { type: 'bind', source: '/data', target: '/data', readOnly: true },
      { type: 'bind', source: join(dir, 'rel'), target: '/rel', readOnly: false, options: ['nosuid'] },
      { type: 'tmpfs', target: '/run', options: ['size=64m', 'mode=1777'] },
      { type: 'tmpfs', target: '/tmp' },
    ],
    readOnlyRootfs: true, seccomp: profile, noNewPrivileges: false,
    ulimits: [{ name: 'nofile', soft: 1024, hard: 2048 }, { name: 'nproc', soft: 10, hard: 10 }],
    sysctls: { 'net.ipv4.ip_forward': '1', 'kernel.sem': '250 32000 100 128' },
    stopTimeout: 3, autoRemove: true,
  });
  assert.equal(compileStrict(createContainerBodySchema as unknown as Record<string, unknown>)(s).hasOwnProperty('value'), true, 'the CLI sends what the API schema accepts');
});

test('--network/--pid container:NAME join that container\'s namespaces (checked against the API schema too)', () => {
  const joined = spec(['--rootfs', '/', '--network', 'container:web', '--pid', 'container:web', 'true']);
  assert.deepEqual(joined.namespaces, { net: 'container:web', pid: 'container:web' });
  assert.equal(compileStrict(createContainerBodySchema as unknown as Record<string, unknown>)(joined).hasOwnProperty('value'), true);
  assert.doesNotThrow(() => validateSpec(joined, { hostCpus: 2 }));
});

test('--uidmap gives a user namespace of its own with the mappings; the gid ranges follow the uid ones unless --gidmap says', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-flags-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const mapped = spec(['--rootfs', dir, '--uidmap', '0:100000:1000', '--uidmap', '1000:200000:1', '--pid', 'host', 'true']);
  assert.deepEqual(mapped.namespaces, { pid: 'host', user: 'private' });
  assert.deepEqual(mapped.uidMappings, [{ containerId: 0, hostId: 100000, size: 1000 }, { containerId: 1000, hostId: 200000, size: 1 }]);
  assert.deepEqual(mapped.gidMappings, mapped.uidMappings);
  assert.doesNotThrow(() => validateSpec(mapped, { hostCpus: 2 }));
  const own = spec(['--rootfs', dir, '--uidmap', '0:100000:65536', '--gidmap', '0:300000:65536', 'true']);
  assert.deepEqual(own.gidMappings, [{ containerId: 0, hostId: 300000, size: 65536 }]);
  assert.equal(spec(['--rootfs', dir, 'true']).uidMappings, undefined);
});

test('a spec from typical flags passes validateSpec', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-flags-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const s = spec(['--rootfs', dir, '-m', '16m', '--cpus', '1', '--cap-drop', 'NET_RAW', '--tmpfs', '/run', '--', '/bin/true']);
  assert.doesNotThrow(() => validateSpec(s, { hostCpus: 2 }));
  assert.deepEqual(spec(['--rootfs', dir, '--privileged', 'true']).privileged, true);
  assert.deepEqual(spec(['--rootfs', dir, '--device', '/dev/fuse', '--device', '/dev/sdb:r', '--device', '/dev/sdc:/dev/xvdc', '--device', '/dev/sdd:/dev/xvdd:rm', 'true']).devices, [
    { hostPath: '/dev/fuse' }, { hostPath: '/dev/sdb', permissions: 'r' }, { hostPath: '/dev/sdc', containerPath: '/dev/xvdc' },
    { hostPath: '/dev/sdd', containerPath: '/dev/xvdd', permissions: 'rm' },
  ]);
});

test('flag errors name the flag', () => {
  const cases: [string[], RegExp][] = [
    [['--', 'x'], /--rootfs DIR or an OCI bundle with --bundle DIR/],
    [['--rootfs', '/r', '--bundle', '/b'], /--rootfs: give either --rootfs or --bundle/],
    [['--rootfs', '/r', '-e', '=v'], /--env: "=v" has no variable name/],
    [['--rootfs', '/r', '-m', 'lots'], /invalid size "lots" for --memory/],
    [['--rootfs', '/r', '--cpus', 'x'], /"x" for --cpus/],
    [['--rootfs', '/r', '--pids-limit', '-5'], /--pids-limit: must be at least -1/],
    [['--rootfs', '/r', '--cpuset-cpus', '0-a'], /--cpuset-cpus: "0-a" is not a list/],
    [['--rootfs', '/r', '--ulimit', 'nofile'], /--ulimit: "nofile" is not NAME=SOFT\[:HARD\]/],
    [['--rootfs', '/r', '--ulimit', 'nofile=10:5'], /soft limit 10 is above the hard limit 5/],
    [['--rootfs', '/r', '--device', '/dev/a:/dev/b:x'], /--device: "\/dev\/a:\/dev\/b:x" is not HOST\[:CONTAINER\]\[:PERMS\]/],
    [['--rootfs', '/r', '--device', '/dev/a::r'], /--device: .* is not HOST/],
    [['--rootfs', '/r', '--log-opt', 'compress=true'], /--log-opt: "compress" is not supported; berth's log takes max-size=BYTES and max-file=N/],
    [['--rootfs', '/r', '--sysctl', 'net.ipv4.ip_forward'], /--sysctl: "net.ipv4.ip_forward" is not KEY=VALUE/],
    [['--rootfs', '/r', '--network', 'bridge'], /--network: "bridge" is not supported/],
    [['--rootfs', '/r', '--uidmap', '0:100000'], /--uidmap: "0:100000" is not CONTAINER:HOST:SIZE/],
    [['--rootfs', '/r', '--gidmap', '0:100000:10'], /--gidmap: needs --uidmap too/],
    [['--rootfs', '/r', '--ipc', 'container:x'], /--ipc: "container:x" is not supported/],
    [['--rootfs', '/r', '--network', 'container:'], /--network: "container:" is not supported/],
    [['--rootfs', '/r', '-v', 'vol:/data'], /--volume: "vol": berth has no named volumes/],
    [['--rootfs', '/r', '-v', '/a:rel'], /--volume: "rel": the container path must be absolute/],
    [['--rootfs', '/r', '-v', '/a:/b:rx'], /--volume: unknown option "rx"/],
    [['--rootfs', '/r', '-v', '/a'], /--volume: "\/a" is not SRC:DST/],
    [['--rootfs', '/r', '--tmpfs', 'run'], /--tmpfs: "run": the container path must be absolute/],
    [['--rootfs', '/r', '--security-opt', 'apparmor=x'], /--security-opt: "apparmor=x" is not supported/],
    [['--rootfs', '/r', '--security-opt', 'seccomp=/nonexistent.json'], /seccomp profile \/nonexistent.json: no such file/],
    [['--rootfs', '/r', '--stop-timeout', 'soon'], /"soon" for --stop-timeout/],
  ];
  for (const [argv, re] of cases) assert.throws(() => spec(argv), (e: any) => e.code === 'INVALID_REQUEST' && re.test(e.message), argv.join(' '));
});

test('--env-file and --label-file: docker\'s line format, files first so -e/-l win, errors name file and line', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-flags-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'app.env'), '\uFEFF# settings\n\nA=1\n  B="quoted" kept\r\nFROM_SHELL\nUNSET\nC=x=y\nEMPTY=\n');
  writeFileSync(join(dir, 'more.env'), 'A=from-second-file\n');
  writeFileSync(join(dir, 'labels'), 'tier=batch\nowner=ops\n');
  const s = spec(['--rootfs', '/r', '--env-file', 'app.env', '--env-file', join(dir, 'more.env'), '-e', 'C=flag', '--label-file', 'labels', '-l', 'owner=me'],
    { FROM_SHELL: 'x' }, dir);
  assert.deepEqual(s.env, ['A=1', 'B="quoted" kept', 'FROM_SHELL=x', 'C=x=y', 'EMPTY=', 'A=from-second-file', 'C=flag']);
  assert.deepEqual(s.labels, { tier: 'batch', owner: 'me' });
  // The resolved environment keeps the last value of each name.
  assert.deepEqual(mergeEnv(s.env!).filter((e) => /^[AC]=/.test(e)), ['A=from-second-file', 'C=flag']);
  writeFileSync(join(dir, 'bad.env'), 'OK=1\nMY VAR=2\n');
  writeFileSync(join(dir, 'latin1.env'), Buffer.from([0x41, 0x3d, 0xe9, 0x0a]));
  const cases: [string, RegExp][] = [
    ['bad.env', /--env-file: .*bad\.env:2: the name "MY VAR" contains whitespace/],
    ['latin1.env', /--env-file: .*latin1\.env:1: not valid UTF-8/],
    ['missing.env', /--env-file: cannot read .*missing\.env: ENOENT/],
  ];
  for (const [file, re] of cases) {
    assert.throws(() => spec(['--rootfs', '/r', '--env-file', file], {}, dir), (e: any) => e.code === 'INVALID_REQUEST' && re.test(e.message), file);
  }
});

test('--restart takes docker\'s policies into restartPolicy; a bad one names the flag', () => {
  assert.deepEqual(spec(['--rootfs', '/r', '--restart', 'on-failure:3']).restartPolicy, { name: 'on-failure', maxRetries: 3 });
  assert.deepEqual(spec(['--rootfs', '/r', '--restart', 'always']).restartPolicy, { name: 'always', maxRetries: 0 });
  assert.throws(() => spec(['--rootfs', '/r', '--restart', 'maybe']), (e: any) => e.code === 'INVALID_REQUEST' && /--restart: "maybe" is not one of/.test(e.message));
});

test('--health-* make a healthcheck run by sh -c, durations in docker\'s form; tuning without --health-cmd is refused', () => {
  assert.deepEqual(spec(['--rootfs', '/r', '--health-cmd', 'test -e /ok', '--health-interval', '1m30s', '--health-timeout', '500ms',
    '--health-retries', '5', '--health-start-period', '2s', '--health-start-interval', '250ms']).healthcheck, {
    cmd: ['/bin/sh', '-c', 'test -e /ok'], intervalSeconds: 90, timeoutSeconds: 0.5, retries: 5, startPeriodSeconds: 2, startIntervalSeconds: 0.25,
  });
  assert.equal(spec(['--rootfs', '/r']).healthcheck, undefined);
  const cases: [string[], RegExp][] = [
    [['--health-interval', '30s'], /--health-interval: goes with --health-cmd/],
    [['--health-start-interval', '1s'], /--health-start-interval: goes with --health-cmd/],
    [['--health-cmd', 'true', '--health-interval', '30'], /invalid argument "30" for --health-interval: not a duration/],
    [['--health-cmd', 'true', '--health-retries', '0'], /--health-retries: must be at least 1/],
  ];
  for (const [argv, re] of cases) {
    assert.throws(() => spec(['--rootfs', '/r', ...argv]), (e: any) => e.code === 'INVALID_REQUEST' && re.test(e.message), argv.join(' '));
  }
});

test('--mount: docker\'s keys and aliases, quoted fields, relative sources; volumes and unknown keys refused by name', () => {
  const mounts = spec([
    '--rootfs', '/r',
    '--mount', 'type=bind,source=/data,target=/data,readonly',
    '--mount', 'type=bind,src=./rel,dst=/rel,ro=false,bind-propagation=rshared,consistency=cached',
    '--mount', '"type=bind","source=/a,b",destination=/ab,bind-recursive=disabled',
    '--mount', 'type=tmpfs,target=/scratch,tmpfs-size=64m,tmpfs-mode=1770',
    'true',
  ], {}, '/work').mounts;
  assert.deepEqual(mounts, [
    { type: 'bind', source: '/data', target: '/data', readOnly: true },
    { type: 'bind', source: '/work/rel', target: '/rel', readOnly: false, options: ['rshared'] },
    { type: 'bind', source: '/a,b', target: '/ab', options: ['bind'] },
    { type: 'tmpfs', target: '/scratch', options: [`size=${64 * 2 ** 20}`, 'mode=1770'] },
  ]);
  const refused: [string, RegExp][] = [
    ['source=vol,target=/v', /berth has no named volumes/],
    ['type=volume,source=vol,target=/v', /berth has no named volumes/],
    ['type=bind,source=/a', /target is required/],
    ['type=bind,target=/a', /source is required for type=bind/],
    ['type=bind,source=/a,target=rel', /"rel": the container path must be absolute/],
    ['type=tmpfs,target=/t,source=/a', /unexpected key "source" for type=tmpfs/],
    ['type=bind,source=/a,target=/b,bind-propagation=sideways', /bind-propagation must be one of private, rprivate/],
    ['type=tmpfs,target=/t,tmpfs-mode=rwx', /tmpfs-mode must be an octal mode/],
    ['type=bind,source=/a,target=/b,readonly=maybe', /readonly takes true or false/],
    ['type=npipe,source=/a,target=/b', /type "npipe" is not supported/],
    ['type=bind,"source=/a,target=/b', /an unterminated quote/],
  ];
  for (const [value, message] of refused) {
    assert.throws(() => spec(['--rootfs', '/r', '--mount', value, 'true']), (e: Error) => /--mount: /.test(e.message) && message.test(e.message), value);
  }
});

test('--cpu-period/--cpu-quota: the quota becomes cores over the period; with --cpus they conflict', () => {
  assert.deepEqual(spec(['--rootfs', '/r', '--cpu-quota', '50000', 'true']).resources, { cpus: 0.5 });
  assert.deepEqual(spec(['--rootfs', '/r', '--cpu-period', '200000', '--cpu-quota', '50000', 'true']).resources, { cpus: 0.25, cpuPeriodUs: 200000 });
  assert.deepEqual(spec(['--rootfs', '/r', '--cpu-period', '50000', 'true']).resources, { cpuPeriodUs: 50000 });
  assert.deepEqual(spec(['--rootfs', '/r', '--cpu-quota', '-1', 'true']).resources, { cpus: 0 });
  assert.throws(() => spec(['--rootfs', '/r', '--cpus', '1', '--cpu-quota', '50000', 'true']), /conflicting options: --cpus and --cpu-period\/--cpu-quota/);
  assert.throws(() => spec(['--rootfs', '/r', '--cpu-quota', '500', 'true']), /--cpu-quota: the kernel's minimum is 1000/);
});

test('--device-{read,write}-{bps,iops}: one entry per device, bps in docker\'s units, errors name the flag', () => {
  assert.deepEqual(spec(['--rootfs', '/r', '--device-read-bps', '/dev/sda:1mb', '--device-write-iops', '/dev/sda:100', '--device-read-iops', '/dev/sdb:50', 'true']).resources,
    { ioLimits: [{ path: '/dev/sda', readBps: 2 ** 20, writeIops: 100 }, { path: '/dev/sdb', readIops: 50 }] });
  assert.throws(() => spec(['--rootfs', '/r', '--device-read-bps', '/dev/sda', 'true']), /--device-read-bps: "\/dev\/sda" is not DEVICE:RATE/);
  assert.throws(() => spec(['--rootfs', '/r', '--device-write-iops', '/dev/sda:lots', 'true']), /--device-write-iops/);
});
