// The flags of `berth run` / `berth create` and their translation into a ContainerSpec. Shape
// and syntax errors are caught here, naming the flag; what the values mean (paths inside the
// rootfs, capability names, ranges) is checked by the agent's validateSpec.
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { isDevicePermissions } from '../runtime/devices.js';
import { JOINABLE_NAMESPACES, type ContainerSpec, type DeviceMapping, type HealthcheckSpec, type IdMapping, type IoLimit, type LogRotateSpec, type MountSpec, type RestartPolicy, type NamespaceMode, type ResourcesSpec, type Ulimit } from '../runtime/types.js';
import { usageError, type FlagDef, type Parsed } from './args.js';
import { readKeyValueFile } from './env-file.js';
import { mountFlag, tmpfsFlag, volumeFlag } from './mount-flags.js';
import { parseRestartPolicy } from '../runtime/restart-policy.js';
import { parseBytes, parseDecimal, parseDuration, parseInteger } from './units.js';

/** docker's default CFS period (µs), the one --cpu-quota is taken against without --cpu-period. */
const CFS_PERIOD_US = 100_000;

export const RESTART_FLAG: FlagDef = { name: 'restart', kind: 'string', value: 'POLICY', help: 'no, on-failure[:max-retries], always or unless-stopped (default no)' };

/** The limits: `run`/`create` set them, `update` changes them. */
export const RESOURCE_FLAGS: FlagDef[] = [
  { name: 'memory', short: 'm', kind: 'string', value: 'BYTES', help: 'memory limit, e.g. 64m (binary units b, k, m, g)' },
  { name: 'memory-swap', kind: 'string', value: 'BYTES', help: 'memory + swap limit; -1 for unlimited swap' },
  { name: 'memory-reservation', kind: 'string', value: 'BYTES', help: 'memory soft limit, what reclaim aims for under memory pressure' },
  { name: 'memory-swappiness', kind: 'string', value: 'N', help: 'how readily the container\'s pages are swapped, 0..100 (cgroup v1; -1: the host\'s)' },
  { name: 'cpus', kind: 'string', value: 'N', help: 'number of CPUs, e.g. 0.5' },
  { name: 'cpu-period', kind: 'string', value: 'µS', help: 'CFS period, 1000..1000000 (default 100000)' },
  { name: 'cpu-quota', kind: 'string', value: 'µS', help: 'CFS quota per period (cores = quota / period); -1 for none' },
  { name: 'cpu-shares', short: 'c', kind: 'string', value: 'N', help: 'relative CPU weight (default 1024)' },
  { name: 'cpuset-cpus', kind: 'string', value: 'LIST', help: 'CPUs allowed, e.g. 0-1,3' },
  { name: 'cpuset-mems', kind: 'string', value: 'LIST', help: 'memory nodes allowed, e.g. 0' },
  { name: 'pids-limit', kind: 'string', value: 'N', help: 'maximum number of processes; -1 for unlimited' },
  { name: 'blkio-weight', kind: 'string', value: 'N', help: 'block IO weight 10..1000' },
];

const NO_BRIDGE = 'berth has no bridge network: with --network host the container listens on the host\'s own ports';
const NO_IMAGES = 'berth runs a root filesystem, not an image: give --rootfs DIR or --bundle DIR';

/** docker run flags berth does not have on purpose, and why (shown with the unknown-flag error). */
export const DOCKER_ONLY_RUN_FLAGS: Readonly<Record<string, string>> = {
  '-p': NO_BRIDGE, '--publish': NO_BRIDGE, '-P': NO_BRIDGE, '--publish-all': NO_BRIDGE, '--expose': NO_BRIDGE,
  '--link': NO_BRIDGE, '--ip': NO_BRIDGE, '--ip6': NO_BRIDGE, '--mac-address': NO_BRIDGE, '--network-alias': NO_BRIDGE,
  '--entrypoint': 'berth runs a root filesystem, not an image: the whole command goes after --',
  '--platform': NO_IMAGES, '--pull': NO_IMAGES,
  '--volumes-from': 'berth has no named volumes: bind the host path with -v', '--volume-driver': 'berth has no named volumes: bind the host path with -v',
  '--log-driver': 'berth keeps CRI-format log files; --log-opt max-size=… max-file=… rotate them',
  '--userns': 'a user namespace of its own is --uidmap/--gidmap',
  '--no-healthcheck': 'berth runs no image, so there is no image healthcheck to turn off; a container has one only with --health-cmd',
  '--runtime': 'berth is the runtime: its own berth-shim runs every container', '--isolation': 'berth runs Linux namespaces only',
  '--gpus': 'give the GPU\'s device nodes with --device, e.g. --device /dev/nvidia0, or allow them with --device-cgroup-rule',
  '--storage-opt': 'berth runs a root filesystem directory as it is: limit its size on the filesystem that holds it',
  '--kernel-memory': 'the kernel no longer has kernel memory limits, and docker deprecated the flag: --memory counts kernel memory too',
};

export const RUN_FLAGS: FlagDef[] = [
  { name: 'rootfs', kind: 'string', value: 'DIR', help: 'root filesystem directory to run' },
  { name: 'bundle', kind: 'string', value: 'DIR', help: 'OCI runtime bundle (config.json + rootfs) to run' },
  { name: 'name', kind: 'string', help: 'assign a name to the container' },
  { name: 'interactive', short: 'i', kind: 'bool', help: 'keep the container\'s stdin open (run: this stdin is sent to it; attach sends later)' },
  { name: 'tty', short: 't', kind: 'bool', help: 'give the container a terminal (of this one\'s size; -it: an interactive shell)' },
  { name: 'cidfile', kind: 'string', value: 'FILE', help: 'write the container id to FILE (which must not exist)' },
  { name: 'image', kind: 'string', help: 'label shown as IMAGE and in metrics (default: the rootfs path)' },
  { name: 'env', short: 'e', kind: 'list', value: 'K=V', help: 'set an environment variable (K alone: take it from this shell)' },
  { name: 'env-file', kind: 'list', value: 'FILE', help: 'read environment variables from a file of K=V lines (-e wins)' },
  { name: 'workdir', short: 'w', kind: 'string', value: 'DIR', help: 'working directory inside the container' },
  { name: 'hostname', short: 'h', kind: 'string', help: 'container host name' },
  { name: 'user', short: 'u', kind: 'string', value: 'USER[:GROUP]', help: 'user name or uid[:gid]' },
  { name: 'group-add', kind: 'list', value: 'GROUP', help: 'add a supplementary group (name in the rootfs or gid)' },
  { name: 'label', short: 'l', kind: 'list', value: 'K=V', help: 'set a label' },
  { name: 'label-file', kind: 'list', value: 'FILE', help: 'read labels from a file of K=V lines' },
  ...RESOURCE_FLAGS,
  { name: 'device-read-bps', kind: 'list', value: 'DEV:RATE', help: 'limit reads from a block device, e.g. /dev/sda:1mb (bytes per second)' },
  { name: 'device-write-bps', kind: 'list', value: 'DEV:RATE', help: 'limit writes to a block device (bytes per second)' },
  { name: 'device-read-iops', kind: 'list', value: 'DEV:N', help: 'limit read operations per second on a block device' },
  { name: 'device-write-iops', kind: 'list', value: 'DEV:N', help: 'limit write operations per second on a block device' },
  { name: 'ulimit', kind: 'list', value: 'NAME=SOFT[:HARD]', help: 'resource limit, e.g. nofile=1024:2048' },
  { name: 'shm-size', kind: 'string', value: 'BYTES', help: 'size of /dev/shm (default 64m)' },
  { name: 'oom-score-adj', kind: 'string', value: 'N', help: 'OOM killer preference -1000..1000 (higher: killed first)' },
  { name: 'oom-kill-disable', kind: 'bool', help: 'at the memory limit, wait for memory instead of being OOM-killed (cgroup v1)' },
  { name: 'sysctl', kind: 'list', value: 'K=V', help: 'kernel parameter of the container\'s namespaces, e.g. net.ipv4.ip_forward=1' },
  { name: 'read-only', kind: 'bool', help: 'mount the root filesystem read-only' },
  { name: 'privileged', kind: 'bool', help: 'every capability and host device, no seccomp, no masked paths, writable /sys' },
  { name: 'device', kind: 'list', value: 'HOST[:CONTAINER][:PERMS]', help: 'give the container a host device (or a directory\'s), e.g. /dev/fuse or /dev/sdb:/dev/xvdb:r' },
  { name: 'device-cgroup-rule', kind: 'list', value: 'RULE', help: 'let it use devices without a node made for it, e.g. "c 188:* rwm" (TYPE MAJOR:MINOR ACCESS)' },
  { name: 'cap-add', kind: 'list', value: 'CAP', help: 'add a Linux capability (or ALL)' },
  { name: 'cap-drop', kind: 'list', value: 'CAP', help: 'drop a Linux capability (or ALL)' },
  { name: 'security-opt', kind: 'list', value: 'OPT', help: 'seccomp=unconfined|default|FILE, no-new-privileges[=true|false]' },
  { name: 'network', kind: 'string', value: 'MODE', help: 'none (own network namespace with lo only), host, or container:NAME (that container\'s)' },
  { name: 'pid', kind: 'string', value: 'MODE', help: 'host: share the host\'s pid namespace; container:NAME: that container\'s' },
  { name: 'ipc', kind: 'string', value: 'MODE', help: 'host: share the host\'s ipc namespace' },
  { name: 'uts', kind: 'string', value: 'MODE', help: 'host: share the host\'s uts namespace' },
  { name: 'cgroupns', kind: 'string', value: 'MODE', help: 'host: share the host\'s cgroup namespace' },
  { name: 'add-host', kind: 'list', value: 'NAME:IP', help: 'add a line to the container\'s /etc/hosts, e.g. db:10.0.0.5' },
  { name: 'dns', kind: 'list', value: 'IP', help: 'nameserver of the container\'s /etc/resolv.conf (instead of the host\'s)' },
  { name: 'dns-search', kind: 'list', value: 'DOMAIN', help: 'search domain of its /etc/resolv.conf (instead of the host\'s; . for none)' },
  { name: 'dns-option', kind: 'list', value: 'OPT', help: 'option of its /etc/resolv.conf, e.g. ndots:2 (instead of the host\'s)' },
  { name: 'domainname', kind: 'string', value: 'NAME', help: 'NIS domain name of the container\'s UTS namespace' },
  { name: 'uidmap', kind: 'list', value: 'CONTAINER:HOST:SIZE', help: 'run in a user namespace of its own with these uids mapped (podman\'s), e.g. 0:100000:65536' },
  { name: 'gidmap', kind: 'list', value: 'CONTAINER:HOST:SIZE', help: 'gids mapped in that user namespace (default: as --uidmap)' },
  { name: 'volume', short: 'v', kind: 'list', value: 'SRC:DST[:ro]', help: 'bind mount a host path' },
  { name: 'tmpfs', kind: 'list', value: 'DST[:OPTS]', help: 'mount a tmpfs, e.g. /run:size=64m' },
  { name: 'mount', kind: 'list', value: 'KEY=VALUE,…', help: 'type=bind,source=/src,target=/dst[,readonly] or type=tmpfs,target=/dst[,tmpfs-size=64m]' },
  { name: 'stop-timeout', kind: 'string', value: 'SECONDS', help: 'seconds from the stop signal to SIGKILL (default 10)' },
  { name: 'stop-signal', kind: 'string', value: 'SIGNAL', help: 'signal that stops the container (default SIGTERM)' },
  { name: 'log-opt', kind: 'list', value: 'KEY=VALUE', help: 'max-size=BYTES (rotate the log past it) and max-file=N (files kept)' },
  { name: 'rm', kind: 'bool', help: 'remove the container when it exits' },
  { name: 'init', kind: 'bool', help: 'run a small init as PID 1 that passes signals on and reaps zombies' },
  RESTART_FLAG,
  { name: 'health-cmd', kind: 'string', value: 'COMMAND', help: 'command run with sh -c in the container to check its health' },
  { name: 'health-interval', kind: 'string', value: 'DURATION', help: 'time between checks, e.g. 30s (default 30s)' },
  { name: 'health-timeout', kind: 'string', value: 'DURATION', help: 'longest a check may run (default 30s)' },
  { name: 'health-retries', kind: 'string', value: 'N', help: 'failures in a row that make it unhealthy (default 3)' },
  { name: 'health-start-period', kind: 'string', value: 'DURATION', help: 'time after start when failures do not count (default 0s)' },
  { name: 'health-start-interval', kind: 'string', value: 'DURATION', help: 'time between checks in the start period (default 5s)' },
];

/** Builds the spec; `cmd` is everything after the flags. Relative host paths are taken from `cwd`. */
export function specFromFlags(p: Parsed, command: string, env: NodeJS.ProcessEnv, cwd: string): ContainerSpec {
  const fail = (flag: string, msg: string) => usageError(command, `${flag}: ${msg}`, flag);
  const rootfs = p.str('rootfs');
  const bundle = p.str('bundle');
  if (rootfs && bundle) throw fail('--rootfs', 'give either --rootfs or --bundle, not both');
  if (!rootfs && !bundle) throw usageError(command, 'nothing to run: give a root filesystem with --rootfs DIR or an OCI bundle with --bundle DIR', '--rootfs');
  const spec: ContainerSpec = {};
  if (rootfs) spec.rootfs = resolve(cwd, rootfs);
  if (bundle) spec.bundle = resolve(cwd, bundle);
  if (p.args.length) spec.cmd = p.args;
  if (p.bool('interactive')) spec.openStdin = true;
  if (p.bool('tty')) spec.tty = true;
  copyStrings(p, spec);
  // Files first, then the flags, so that -e and -l override what a file says (docker's order).
  const fromFiles = (flag: string) => p.list(flag).flatMap((f) => readKeyValueFile(f, `--${flag}`, cwd, env, fail));
  const envList = envFromFlags(p, command, env, cwd);
  if (envList.length) spec.env = envList;
  const labels: Record<string, string> = Object.fromEntries([...fromFiles('label-file'), ...p.list('label')]
    .map((l): [string, string] => keyValue(l, '--label', fail)));
  if (Object.keys(labels).length) spec.labels = labels;
  const resources = resourcesFrom(p, command);
  const ioLimits = ioLimitsFrom(p, command, fail);
  if (ioLimits.length) resources.ioLimits = ioLimits;
  if (p.has('oom-kill-disable')) resources.oomKillDisable = true;
  if (Object.keys(resources).length) spec.resources = resources;
  const namespaces = namespacesFrom(p, fail);
  applyIdMappings(p, spec, namespaces, fail);
  if (Object.keys(namespaces).length) spec.namespaces = namespaces;
  if (p.has('cap-add') || p.has('cap-drop')) spec.capabilities = { add: splitCaps(p.list('cap-add')), drop: splitCaps(p.list('cap-drop')) };
  const mounts = [
    ...p.list('volume').map((v) => volumeFlag(v, cwd, fail)), ...p.list('tmpfs').map((t) => tmpfsFlag(t, fail)),
    ...p.list('mount').map((m) => mountFlag(m, cwd, fail)),
  ];
  if (mounts.length) spec.mounts = mounts;
  if (p.bool('read-only')) spec.readOnlyRootfs = true;
  if (p.bool('privileged')) spec.privileged = true;
  if (p.has('group-add')) spec.groupAdd = p.list('group-add');
  if (p.has('add-host')) spec.extraHosts = p.list('add-host');
  if (p.has('dns')) spec.dns = p.list('dns');
  if (p.has('dns-search')) spec.dnsSearch = p.list('dns-search');
  if (p.has('dns-option')) spec.dnsOptions = p.list('dns-option');
  if (p.has('shm-size')) spec.shmSizeBytes = parseBytes(p.str('shm-size')!, '--shm-size', command);
  if (p.has('oom-score-adj')) spec.oomScoreAdj = parseInteger(p.str('oom-score-adj')!, '--oom-score-adj', command, -1000);
  const devices = p.list('device').map((d) => deviceMapping(d, fail));
  if (devices.length) spec.devices = devices;
  if (p.has('device-cgroup-rule')) spec.deviceCgroupRules = p.list('device-cgroup-rule');
  applySecurityOpts(p.list('security-opt'), spec, cwd, fail);
  const ulimits = p.list('ulimit').map((u) => ulimit(u, fail));
  if (ulimits.length) spec.ulimits = ulimits;
  const sysctls = p.list('sysctl').map((s) => {
    if (!s.includes('=')) throw fail('--sysctl', `"${s}" is not KEY=VALUE, e.g. net.ipv4.ip_forward=1`);
    return keyValue(s, '--sysctl', fail);
  });
  if (sysctls.length) spec.sysctls = Object.fromEntries(sysctls);
  if (p.has('stop-timeout')) spec.stopTimeout = parseInteger(p.str('stop-timeout')!, '--stop-timeout', command, 0);
  if (p.bool('rm')) spec.autoRemove = true;
  if (p.bool('init')) spec.init = true;
  if (p.has('log-opt')) spec.logRotate = logOptions(p.list('log-opt'), command, fail);
  const healthcheck = healthcheckFrom(p, command, fail);
  if (healthcheck) spec.healthcheck = healthcheck;
  const restart = p.str('restart');
  if (restart !== undefined) spec.restartPolicy = restartPolicyFlag(restart, command);
  return spec;
}

export type Fail = (flag: string, msg: string) => Error;

/** --restart POLICY of run, create and update. */
export function restartPolicyFlag(value: string, command: string): RestartPolicy {
  try {
    return parseRestartPolicy(value);
  } catch (err) {
    throw usageError(command, `--restart: ${(err as Error).message}`, '--restart');
  }
}

function copyStrings(p: Parsed, spec: ContainerSpec): void {
  const fields: [string, 'name' | 'image' | 'workdir' | 'hostname' | 'domainname' | 'user' | 'stopSignal'][] = [
    ['name', 'name'], ['image', 'image'], ['workdir', 'workdir'], ['hostname', 'hostname'], ['domainname', 'domainname'], ['user', 'user'],
    ['stop-signal', 'stopSignal'],
  ];
  for (const [flag, key] of fields) {
    const v = p.str(flag);
    if (v !== undefined) spec[key] = v;
  }
}

/** --env-file, then -e (which wins, as in docker), for run, create and exec. */
export function envFromFlags(p: Parsed, command: string, env: NodeJS.ProcessEnv, cwd: string): string[] {
  const fail = (flag: string, msg: string) => usageError(command, `${flag}: ${msg}`, flag);
  return [...p.list('env-file').flatMap((f) => readKeyValueFile(f, '--env-file', cwd, env, fail)), ...p.list('env').flatMap((e) => envEntry(e, env, fail))];
}

function envEntry(e: string, env: NodeJS.ProcessEnv, fail: Fail): string[] {
  const eq = e.indexOf('=');
  if (eq === 0) throw fail('--env', `"${e}" has no variable name`);
  if (eq > 0) return [e];
  // docker: `-e NAME` passes this shell's value, and nothing when it is unset.
  return env[e] === undefined ? [] : [`${e}=${env[e]}`];
}

/** docker's --device: HOST, HOST:PERMS, HOST:CONTAINER or HOST:CONTAINER:PERMS. */
function deviceMapping(s: string, fail: Fail): DeviceMapping {
  const parts = s.split(':');
  const isPerms = (p: string | undefined) => p !== undefined && isDevicePermissions(p);
  if (parts.length > 3 || parts.some((p) => p === '') || (parts.length === 3 && !isPerms(parts[2]))) {
    throw fail('--device', `"${s}" is not HOST[:CONTAINER][:PERMS], e.g. /dev/fuse or /dev/sdb:/dev/xvdb:rwm`);
  }
  const [hostPath, second, third] = parts as [string, string?, string?];
  if (parts.length === 2 && isPerms(second)) return { hostPath, permissions: second };
  return { hostPath, ...(second !== undefined ? { containerPath: second } : {}), ...(third !== undefined ? { permissions: third } : {}) };
}

/** docker's json-file options: max-size (binary units, like -m) and max-file. */
function logOptions(opts: string[], command: string, fail: Fail): LogRotateSpec {
  const out: LogRotateSpec = {};
  for (const opt of opts) {
    const [key, value] = keyValue(opt, '--log-opt', fail);
    if (key === 'max-size') out.maxSizeBytes = value === '-1' ? 0 : parseBytes(value, '--log-opt max-size', command);
    else if (key === 'max-file') out.maxFiles = parseInteger(value, '--log-opt max-file', command, 1);
    else throw fail('--log-opt', `"${key}" is not supported; berth's log takes max-size=BYTES and max-file=N`);
  }
  return out;
}

function keyValue(s: string, flag: string, fail: Fail): [string, string] {
  const eq = s.indexOf('=');
  if (eq === 0 || s === '') throw fail(flag, `"${s}" has no key`);
  return eq < 0 ? [s, ''] : [s.slice(0, eq), s.slice(eq + 1)];
}

export function resourcesFrom(p: Parsed, command: string): ResourcesSpec {
  const r: ResourcesSpec = {};
  const s = (name: string) => p.str(name);
  if (s('memory') !== undefined) r.memoryBytes = parseBytes(s('memory')!, '--memory', command);
  if (s('memory-swap') !== undefined) r.memorySwapBytes = s('memory-swap') === '-1' ? -1 : parseBytes(s('memory-swap')!, '--memory-swap', command);
  if (s('memory-reservation') !== undefined) r.memoryReservationBytes = parseBytes(s('memory-reservation')!, '--memory-reservation', command);
  if (s('memory-swappiness') !== undefined) r.memorySwappiness = parseInteger(s('memory-swappiness')!, '--memory-swappiness', command, -1);
  if (s('cpus') !== undefined) r.cpus = parseDecimal(s('cpus')!, '--cpus', command);
  cpuPeriodAndQuota(p, command, r);
  if (s('cpu-shares') !== undefined) r.cpuShares = parseInteger(s('cpu-shares')!, '--cpu-shares', command, 0);
  if (s('cpuset-cpus') !== undefined) r.cpusetCpus = cpuList(s('cpuset-cpus')!, '--cpuset-cpus', command);
  if (s('cpuset-mems') !== undefined) r.cpusetMems = cpuList(s('cpuset-mems')!, '--cpuset-mems', command);
  if (s('pids-limit') !== undefined) r.pidsLimit = parseInteger(s('pids-limit')!, '--pids-limit', command, -1);
  if (s('blkio-weight') !== undefined) r.blkioWeight = parseInteger(s('blkio-weight')!, '--blkio-weight', command, 0);
  return r;
}

/** docker's --cpu-period/--cpu-quota: the quota becomes cores (quota / period), as --cpus; both cannot be given. */
function cpuPeriodAndQuota(p: Parsed, command: string, r: ResourcesSpec): void {
  const period = p.str('cpu-period');
  const quotaUs = cpuQuotaFlag(p, command);
  if ((period !== undefined || quotaUs !== undefined) && r.cpus !== undefined) {
    throw usageError(command, 'conflicting options: --cpus and --cpu-period/--cpu-quota cannot both be set', '--cpus');
  }
  if (period !== undefined) r.cpuPeriodUs = parseInteger(period, '--cpu-period', command, 0);
  if (quotaUs !== undefined) r.cpus = coresOf(quotaUs, r.cpuPeriodUs);
}

/** --cpu-quota in µs (-1 or 0: none), or undefined when not given. */
export function cpuQuotaFlag(p: Parsed, command: string): number | undefined {
  const quota = p.str('cpu-quota');
  if (quota === undefined) return undefined;
  const us = parseInteger(quota, '--cpu-quota', command, -1);
  if (us > 0 && us < 1000) throw usageError(command, `invalid argument "${quota}" for --cpu-quota: the kernel's minimum is 1000 µs`, '--cpu-quota');
  return us;
}

/** Cores of a quota over a period (0 / absent: docker's 100 ms). */
export function coresOf(quotaUs: number, periodUs: number | undefined): number {
  return quotaUs <= 0 ? 0 : quotaUs / (periodUs || CFS_PERIOD_US);
}

const IO_FLAGS = [['device-read-bps', 'readBps'], ['device-write-bps', 'writeBps'], ['device-read-iops', 'readIops'], ['device-write-iops', 'writeIops']] as const;

/** docker's --device-{read,write}-{bps,iops} DEV:RATE, gathered into one entry per device. */
function ioLimitsFrom(p: Parsed, command: string, fail: Fail): IoLimit[] {
  const byPath = new Map<string, IoLimit>();
  for (const [flag, key] of IO_FLAGS) {
    for (const v of p.list(flag)) {
      const colon = v.lastIndexOf(':');
      if (colon <= 0 || colon === v.length - 1) throw fail(`--${flag}`, `"${v}" is not DEVICE:RATE, e.g. /dev/sda:${key.endsWith('Bps') ? '1mb' : '100'}`);
      const path = v.slice(0, colon);
      const rate = v.slice(colon + 1);
      const limit = byPath.get(path) ?? { path };
      limit[key] = key.endsWith('Bps') ? parseBytes(rate, `--${flag}`, command) : parseInteger(rate, `--${flag}`, command, 0);
      byPath.set(path, limit);
    }
  }
  return [...byPath.values()];
}

function healthcheckFrom(p: Parsed, command: string, fail: Fail): HealthcheckSpec | undefined {
  const cmd = p.str('health-cmd');
  const tuning = ['health-interval', 'health-timeout', 'health-retries', 'health-start-period', 'health-start-interval'].filter((f) => p.has(f));
  if (cmd === undefined) {
    if (tuning.length) throw fail(`--${tuning[0]}`, 'goes with --health-cmd');
    return undefined;
  }
  const h: HealthcheckSpec = { cmd: ['/bin/sh', '-c', cmd] }; // docker's CMD-SHELL
  const duration = (flag: string) => (p.has(flag) ? parseDuration(p.str(flag)!, `--${flag}`, command) : undefined);
  const [interval, timeout, startPeriod, startInterval] =
    [duration('health-interval'), duration('health-timeout'), duration('health-start-period'), duration('health-start-interval')];
  if (interval !== undefined) h.intervalSeconds = interval;
  if (timeout !== undefined) h.timeoutSeconds = timeout;
  if (startPeriod !== undefined) h.startPeriodSeconds = startPeriod;
  if (startInterval !== undefined) h.startIntervalSeconds = startInterval;
  if (p.has('health-retries')) h.retries = parseInteger(p.str('health-retries')!, '--health-retries', command, 1);
  return h;
}

function cpuList(value: string, flag: string, command: string): string {
  if (!/^\d+(-\d+)?(,\d+(-\d+)?)*$/.test(value)) throw usageError(command, `${flag}: "${value}" is not a list like 0-1,3`, flag);
  return value;
}

/** `container:NAME`: docker's mode for sharing another container's network or PID namespace. */
const joinable = (mode: string): boolean => /^container:.+/.test(mode);

function namespacesFrom(p: Parsed, fail: Fail): NonNullable<ContainerSpec['namespaces']> {
  const ns: NonNullable<ContainerSpec['namespaces']> = {};
  const network = p.str('network');
  if (network !== undefined) {
    if (network !== 'none' && network !== 'host' && !joinable(network)) throw fail('--network', `"${network}" is not supported; use none, host or container:NAME`);
    ns.net = network === 'none' ? 'private' : network as NamespaceMode;
  }
  for (const [flag, type] of [['pid', 'pid'], ['ipc', 'ipc'], ['uts', 'uts'], ['cgroupns', 'cgroup']] as const) {
    const v = p.str(flag);
    if (v === undefined) continue;
    const canJoin = JOINABLE_NAMESPACES.includes(type);
    if (v !== 'host' && v !== 'private' && !(canJoin && joinable(v))) {
      throw fail(`--${flag}`, `"${v}" is not supported; use host (or private, the default)${canJoin ? ', or container:NAME' : ''}`);
    }
    ns[type] = v as NamespaceMode;
  }
  return ns;
}

/** --uidmap/--gidmap: a user namespace of the container's own; the gid ranges default to the uid ones (podman's). */
function applyIdMappings(p: Parsed, spec: ContainerSpec, namespaces: NonNullable<ContainerSpec['namespaces']>, fail: Fail): void {
  const uid = p.list('uidmap').map((m) => idMapping(m, '--uidmap', fail));
  const gid = p.list('gidmap').map((m) => idMapping(m, '--gidmap', fail));
  if (!uid.length && !gid.length) return;
  if (!uid.length) throw fail('--gidmap', 'needs --uidmap too (the user namespace maps both)');
  spec.uidMappings = uid;
  spec.gidMappings = gid.length ? gid : uid.map((m) => ({ ...m }));
  namespaces.user = 'private';
}

function idMapping(value: string, flag: string, fail: Fail): IdMapping {
  const m = /^(\d+):(\d+):(\d+)$/.exec(value);
  if (!m) throw fail(flag, `"${value}" is not CONTAINER:HOST:SIZE, e.g. 0:100000:65536`);
  return { containerId: Number(m[1]), hostId: Number(m[2]), size: Number(m[3]) };
}

function splitCaps(values: string[]): string[] {
  return values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

function applySecurityOpts(opts: string[], spec: ContainerSpec, cwd: string, fail: Fail): void {
  for (const opt of opts) {
    const m = /^([a-z-]+)(?:[=:](.*))?$/.exec(opt);
    const [key, value] = [m?.[1], m?.[2]];
    if (key === 'seccomp' && value) spec.seccomp = seccompValue(value, cwd, fail);
    else if (key === 'no-new-privileges' && (value === undefined || value === 'true' || value === 'false')) spec.noNewPrivileges = value !== 'false';
    else throw fail('--security-opt', `"${opt}" is not supported; use seccomp=unconfined|default|FILE or no-new-privileges[=true|false]`);
  }
}

function seccompValue(value: string, cwd: string, fail: Fail): string {
  if (value === 'unconfined' || value === 'default') return value;
  const file = resolve(cwd, value);
  if (!existsSync(file)) throw fail('--security-opt', `seccomp profile ${file}: no such file`);
  return file;
}

function ulimit(u: string, fail: Fail): Ulimit {
  const m = /^([a-z]+)=(-?\d+)(?::(-?\d+))?$/.exec(u);
  if (!m) throw fail('--ulimit', `"${u}" is not NAME=SOFT[:HARD], e.g. nofile=1024:2048`);
  const soft = Number(m[2]);
  const hard = m[3] === undefined ? soft : Number(m[3]);
  if (soft !== -1 && hard !== -1 && soft > hard) throw fail('--ulimit', `"${u}": the soft limit ${soft} is above the hard limit ${hard}`);
  return { name: m[1]!, soft, hard };
}
