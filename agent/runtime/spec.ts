// validateSpec: the strict gate for a user's container spec (API body, CLI flags). Unknown
// fields, wrong types and bad values are rejected with the field's path; the result is a fresh
// object holding only validated fields. Defaults are resolve.ts's job.
import { statSync } from 'node:fs';
import { availableParallelism, constants } from 'node:os';
import { isErrno } from '../errors.js';
import { isKnownCapability, normalizeCapabilityName } from './capabilities.js';
import { normalizeRlimitName } from './rlimits.js';
import { validateDeviceMappings } from './devices.js';
import { validateDeviceCgroupRules } from './device-cgroup-rules.js';
import { validateDnsOptions, validateDnsSearch, validateDnsServers, validateExtraHosts } from './spec-dns.js';
import { validateMounts } from './spec-mounts.js';
import { validateResources } from './spec-resources.js';
import { validateSysctls } from './sysctls.js';
import {
  JOINABLE_NAMESPACES, joinedContainer, NAMESPACE_TYPES, type ContainerSpec, type HealthcheckSpec, type IdMapping, type LogRotateSpec, type NamespaceMode, type NamespaceType, type RestartPolicy, type TerminalSize, type Ulimit,
} from './types.js';
import {
  absolutePath, array, boolean, dropUndefined, integer, invalid, join, nonEmptyString, noUnknownKeys, object, optional, shown,
  string, stringArray, stringRecord, type Obj,
} from './spec-check.js';

const KNOWN_FIELDS = [
  'name', 'rootfs', 'bundle', 'image', 'cmd', 'env', 'workdir', 'hostname', 'domainname', 'user', 'groupAdd',
  'extraHosts', 'dns', 'dnsSearch', 'dnsOptions', 'labels', 'resources',
  'namespaces', 'uidMappings', 'gidMappings', 'capabilities', 'mounts', 'readOnlyRootfs', 'seccomp',
  'noNewPrivileges', 'privileged', 'devices', 'deviceCgroupRules', 'shmSizeBytes', 'oomScoreAdj', 'ulimits', 'sysctls', 'stopTimeout', 'stopSignal', 'autoRemove', 'init', 'restartPolicy', 'healthcheck', 'logRotate',
  'tty', 'openStdin', 'consoleSize',
] as const;

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const MAX_NAME = 128;
const HOSTNAME_LABEL = /^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/;
/** The kernel refuses more than 340 lines in uid_map/gid_map. */
const MAX_ID_MAPPINGS = 340;

export interface ValidateEnv { hostCpus?: number }

export function validateSpec(input: unknown, env: ValidateEnv = {}): ContainerSpec {
  const obj = object(input, 'spec');
  noUnknownKeys(obj, KNOWN_FIELDS, '');
  const hostCpus = env.hostCpus ?? availableParallelism();
  const spec: ContainerSpec = {
    name: optional(obj, 'name', '', containerName),
    ...source(obj),
    image: optional(obj, 'image', '', nonEmptyString),
    cmd: optional(obj, 'cmd', '', command),
    env: optional(obj, 'env', '', environment),
    workdir: optional(obj, 'workdir', '', absolutePath),
    hostname: optional(obj, 'hostname', '', hostname),
    domainname: optional(obj, 'domainname', '', hostname),
    user: optional(obj, 'user', '', user),
    groupAdd: optional(obj, 'groupAdd', '', groupList),
    extraHosts: optional(obj, 'extraHosts', '', validateExtraHosts),
    dns: optional(obj, 'dns', '', validateDnsServers),
    dnsSearch: optional(obj, 'dnsSearch', '', validateDnsSearch),
    dnsOptions: optional(obj, 'dnsOptions', '', validateDnsOptions),
    labels: optional(obj, 'labels', '', stringRecord),
    resources: optional(obj, 'resources', '', (v, f) => validateResources(v, f, hostCpus)),
    namespaces: optional(obj, 'namespaces', '', namespaces),
    uidMappings: optional(obj, 'uidMappings', '', idMappings),
    gidMappings: optional(obj, 'gidMappings', '', idMappings),
    capabilities: optional(obj, 'capabilities', '', capabilities),
    mounts: optional(obj, 'mounts', '', validateMounts),
    readOnlyRootfs: optional(obj, 'readOnlyRootfs', '', boolean),
    seccomp: optional(obj, 'seccomp', '', seccomp),
    noNewPrivileges: optional(obj, 'noNewPrivileges', '', boolean),
    privileged: optional(obj, 'privileged', '', boolean),
    devices: optional(obj, 'devices', '', validateDeviceMappings),
    deviceCgroupRules: optional(obj, 'deviceCgroupRules', '', validateDeviceCgroupRules),
    shmSizeBytes: optional(obj, 'shmSizeBytes', '', (v, f) => integer(v, f, 1)),
    oomScoreAdj: optional(obj, 'oomScoreAdj', '', (v, f) => integer(v, f, -1000, 1000)),
    ulimits: optional(obj, 'ulimits', '', ulimits),
    sysctls: optional(obj, 'sysctls', '', validateSysctls),
    stopTimeout: optional(obj, 'stopTimeout', '', (v, f) => integer(v, f, 0)),
    stopSignal: optional(obj, 'stopSignal', '', signal),
    autoRemove: optional(obj, 'autoRemove', '', boolean),
    init: optional(obj, 'init', '', boolean),
    restartPolicy: optional(obj, 'restartPolicy', '', validateRestartPolicy),
    healthcheck: optional(obj, 'healthcheck', '', healthcheck),
    logRotate: optional(obj, 'logRotate', '', logRotate),
    tty: optional(obj, 'tty', '', boolean),
    openStdin: optional(obj, 'openStdin', '', boolean),
    consoleSize: optional(obj, 'consoleSize', '', terminalSize),
  };
  checkCrossFields(spec);
  return dropUndefined(spec);
}

function source(obj: Obj): Pick<ContainerSpec, 'rootfs' | 'bundle'> {
  if ((obj.rootfs === undefined) === (obj.bundle === undefined)) {
    throw invalid(obj.rootfs === undefined ? 'rootfs' : 'bundle', 'give exactly one of rootfs (a root filesystem directory) or bundle (an OCI bundle)');
  }
  if (obj.rootfs !== undefined) return { rootfs: existingDir(obj.rootfs, 'rootfs') };
  return { bundle: existingDir(obj.bundle, 'bundle') };
}

function existingDir(value: unknown, field: string): string {
  const path = absolutePath(value, field);
  try {
    if (!statSync(path).isDirectory()) throw invalid(field, `${path} is not a directory`);
  } catch (err) {
    if (isErrno(err, 'ENOENT', 'ENOTDIR')) throw invalid(field, `${path} does not exist`);
    if (isErrno(err)) throw invalid(field, `stat ${path}: ${(err as Error).message}`);
    throw err;
  }
  return path;
}

export function containerName(value: unknown, field: string): string {
  const name = string(value, field);
  if (!NAME.test(name) || name.length > MAX_NAME) {
    throw invalid(field, `must match [a-zA-Z0-9][a-zA-Z0-9_.-]* (at most ${MAX_NAME} characters), got ${shown(name)}`);
  }
  return name;
}

function command(value: unknown, field: string): string[] {
  const cmd = stringArray(value, field);
  if (cmd.length === 0) throw invalid(field, 'must name a program to run (an empty list)');
  nonEmptyString(cmd[0], join(field, 0));
  return cmd;
}

function environment(value: unknown, field: string): string[] {
  const env = stringArray(value, field);
  env.forEach((entry, i) => {
    if (!/^[^=]+=/.test(entry)) throw invalid(join(field, i), `must be "NAME=value", got ${shown(entry)}`);
  });
  return env;
}

function hostname(value: unknown, field: string): string {
  const name = nonEmptyString(value, field);
  if (name.length > 64 || !name.split('.').every((label) => HOSTNAME_LABEL.test(label))) {
    throw invalid(field, `must be an RFC 1123 host name (letters, digits and inner "-", labels ≤ 63, ≤ 64 in all), got ${shown(name)}`);
  }
  return name;
}

function user(value: unknown, field: string): string {
  const spec = nonEmptyString(value, field);
  if (!/^[^:\s]+(:[^:\s]+)?$/.test(spec)) throw invalid(field, `must be "user", "user:group", "uid" or "uid:gid", got ${shown(spec)}`);
  for (const part of spec.split(':')) {
    if (/^\d+$/.test(part)) integer(Number(part), field, 0, 2 ** 32 - 2);
  }
  return spec;
}

function groupList(value: unknown, field: string): string[] {
  const groups = stringArray(value, field);
  groups.forEach((g, i) => {
    if (!/^[^:\s]+$/.test(g)) throw invalid(join(field, i), `must be a group name or gid, got ${shown(g)}`);
    if (/^\d+$/.test(g)) integer(Number(g), join(field, i), 0, 2 ** 32 - 2);
  });
  return groups;
}

function namespaces(value: unknown, field: string): Partial<Record<NamespaceType, NamespaceMode>> {
  const obj = object(value, field);
  noUnknownKeys(obj, NAMESPACE_TYPES, field);
  const out: Partial<Record<NamespaceType, NamespaceMode>> = {};
  for (const [key, mode] of Object.entries(obj)) {
    const type = key as NamespaceType;
    if (typeof mode === 'string' && mode.startsWith('container:')) {
      if (!JOINABLE_NAMESPACES.includes(type)) {
        throw invalid(join(field, key), `cannot join another container's: only ${JOINABLE_NAMESPACES.join(' and ')} namespaces can be (got ${shown(mode)})`);
      }
      if (mode.length === 'container:'.length) throw invalid(join(field, key), 'container: needs the name or id of the container to join');
      out[type] = mode as NamespaceMode;
      continue;
    }
    if (mode !== 'private' && mode !== 'host') throw invalid(join(field, key), `must be "private", "host" or "container:<name>", got ${shown(mode)}`);
    out[type] = mode;
  }
  if (out.mnt === 'host') throw invalid(join(field, 'mnt'), 'must be "private": a container needs its own mount namespace');
  return out;
}

function idMappings(value: unknown, field: string): IdMapping[] {
  const list = array(value, field);
  if (list.length === 0 || list.length > MAX_ID_MAPPINGS) throw invalid(field, `must hold 1..${MAX_ID_MAPPINGS} mappings, got ${list.length}`);
  const mappings = list.map((item, i) => idMapping(item, join(field, i)));
  mappings.forEach((m, i) => {
    const j = mappings.findIndex((o, k) => k < i && m.containerId < o.containerId + o.size && o.containerId < m.containerId + m.size);
    if (j >= 0) throw invalid(join(field, i), `container ids overlap ${field}[${j}]`);
  });
  return mappings;
}

function idMapping(value: unknown, field: string): IdMapping {
  const obj = object(value, field);
  noUnknownKeys(obj, ['containerId', 'hostId', 'size'], field);
  const max = 2 ** 32 - 1;
  const mapping = {
    containerId: integer(obj.containerId, join(field, 'containerId'), 0, max - 1),
    hostId: integer(obj.hostId, join(field, 'hostId'), 0, max - 1),
    size: integer(obj.size, join(field, 'size'), 1, max),
  };
  if (mapping.containerId + mapping.size > max || mapping.hostId + mapping.size > max) {
    throw invalid(join(field, 'size'), `the range goes beyond id ${max - 1}`);
  }
  return mapping;
}

function capabilities(value: unknown, field: string): { add?: string[]; drop?: string[] } {
  const obj = object(value, field);
  noUnknownKeys(obj, ['add', 'drop'], field);
  const list = (key: 'add' | 'drop') => optional(obj, key, field, (v, f) => stringArray(v, f).map((name, i) => {
    const normal = normalizeCapabilityName(name);
    if (normal !== 'ALL' && !isKnownCapability(normal)) throw invalid(join(f, i), `unknown capability ${shown(name)}`);
    return name;
  }));
  return dropUndefined({ add: list('add'), drop: list('drop') });
}

function seccomp(value: unknown, field: string): string {
  const profile = nonEmptyString(value, field);
  if (profile === 'default' || profile === 'unconfined') return profile;
  if (profile.trimStart().startsWith('{')) return inlineProfile(profile, field);
  // "localhost/etc/p.json" and "localhost//etc/p.json" both name /etc/p.json (Kubernetes' spelling).
  const path = profile.startsWith('localhost/') ? `/${profile.slice('localhost/'.length).replace(/^\/+/, '')}` : profile;
  if (!path.startsWith('/')) throw invalid(field, `must be "default", "unconfined", the absolute path of a profile file or a JSON profile, got ${shown(profile)}`);
  try {
    if (!statSync(path).isFile()) throw invalid(field, `profile ${path} is not a file`);
  } catch (err) {
    if (isErrno(err, 'ENOENT', 'ENOTDIR')) throw invalid(field, `profile file ${path} does not exist`);
    if (isErrno(err)) throw invalid(field, `stat ${path}: ${(err as Error).message}`);
    throw err;
  }
  return profile;
}

/** The profile's own shape is checked when it is compiled; here only that it is a JSON object. */
function inlineProfile(text: string, field: string): string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw invalid(field, `inline profile is not valid JSON: ${(err as Error).message}`);
  }
  object(json, field);
  return text;
}

function ulimits(value: unknown, field: string): Ulimit[] {
  const list = array(value, field).map((item, i) => ulimit(item, join(field, i)));
  list.forEach((u, i) => {
    const j = list.findIndex((o, k) => k < i && normalizeRlimitName(o.name) === normalizeRlimitName(u.name));
    if (j >= 0) throw invalid(join(join(field, i), 'name'), `${u.name} is already set by ${field}[${j}]`);
  });
  return list;
}

function ulimit(value: unknown, field: string): Ulimit {
  const obj = object(value, field);
  noUnknownKeys(obj, ['name', 'soft', 'hard'], field);
  const name = nonEmptyString(obj.name, join(field, 'name'));
  if (normalizeRlimitName(name) === undefined) throw invalid(join(field, 'name'), `unknown ulimit ${shown(name)} (e.g. nofile, nproc, core)`);
  const soft = integer(obj.soft, join(field, 'soft'), -1);
  const hard = integer(obj.hard, join(field, 'hard'), -1);
  const finite = (n: number) => (n === -1 ? Infinity : n);
  if (finite(soft) > finite(hard)) throw invalid(join(field, 'soft'), `soft limit ${soft} is above the hard limit ${hard}`);
  return { name, soft, hard };
}

function signal(value: unknown, field: string): string {
  const name = nonEmptyString(value, field).toUpperCase();
  const full = name.startsWith('SIG') ? name : `SIG${name}`;
  if (full in constants.signals) return full;
  if (/^\d+$/.test(name) && Object.values(constants.signals).includes(Number(name))) return name;
  throw invalid(field, `unknown signal ${shown(value)}`);
}

const RESTART_NAMES: readonly RestartPolicy['name'][] = ['no', 'on-failure', 'always', 'unless-stopped'];

export function validateRestartPolicy(value: unknown, field: string): RestartPolicy {
  const obj = object(value, field);
  noUnknownKeys(obj, ['name', 'maxRetries'], field);
  const name = nonEmptyString(obj.name, join(field, 'name')) as RestartPolicy['name'];
  if (!RESTART_NAMES.includes(name)) throw invalid(join(field, 'name'), `must be one of ${RESTART_NAMES.join(', ')}, got ${shown(obj.name)}`);
  const maxRetries = optional(obj, 'maxRetries', field, (v, f) => integer(v, f, 0)) ?? 0;
  if (maxRetries > 0 && name !== 'on-failure') throw invalid(join(field, 'maxRetries'), `goes only with "on-failure", not "${name}"`);
  return { name, maxRetries };
}

function healthcheck(value: unknown, field: string): HealthcheckSpec {
  const obj = object(value, field);
  noUnknownKeys(obj, ['cmd', 'intervalSeconds', 'timeoutSeconds', 'retries', 'startPeriodSeconds', 'startIntervalSeconds'], field);
  const seconds = (positive: boolean) => (v: unknown, f: string): number => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (positive && v === 0)) {
      throw invalid(f, `must be a number of seconds ${positive ? '> 0' : '≥ 0'}, got ${shown(v)}`);
    }
    return v;
  };
  if (obj.cmd === undefined) throw invalid(join(field, 'cmd'), 'is required: the command that tells whether the container is healthy');
  return dropUndefined({
    cmd: command(obj.cmd, join(field, 'cmd')),
    intervalSeconds: optional(obj, 'intervalSeconds', field, seconds(true)),
    timeoutSeconds: optional(obj, 'timeoutSeconds', field, seconds(true)),
    retries: optional(obj, 'retries', field, (v, f) => integer(v, f, 1)),
    startPeriodSeconds: optional(obj, 'startPeriodSeconds', field, seconds(false)),
    startIntervalSeconds: optional(obj, 'startIntervalSeconds', field, seconds(true)),
  });
}

/**
 * docker silently ignores what --privileged overrides; berth says so instead, so no one believes
 * a privileged container kept a seccomp profile or dropped a capability.
 */
function checkPrivileged(spec: ContainerSpec): void {
  if (spec.bundle !== undefined) throw invalid('privileged', 'not with a bundle: its config.json says what the container gets');
  if (spec.capabilities) throw invalid('capabilities', 'cannot be changed in a privileged container: it has every capability');
  if (spec.seccomp !== undefined && spec.seccomp !== 'unconfined') throw invalid('seccomp', 'a privileged container runs without seccomp');
}

function terminalSize(value: unknown, field: string): TerminalSize {
  const obj = object(value, field);
  noUnknownKeys(obj, ['rows', 'cols'], field);
  return { rows: integer(obj.rows, join(field, 'rows'), 0, 65535), cols: integer(obj.cols, join(field, 'cols'), 0, 65535) };
}

function logRotate(value: unknown, field: string): LogRotateSpec {
  const obj = object(value, field);
  noUnknownKeys(obj, ['maxSizeBytes', 'maxFiles'], field);
  const out = dropUndefined({
    maxSizeBytes: optional(obj, 'maxSizeBytes', field, (v, f) => integer(v, f, 0)),
    maxFiles: optional(obj, 'maxFiles', field, (v, f) => integer(v, f, 1, 1000)),
  });
  // docker's json-file: more files mean nothing without a size at which to start the next one.
  if ((out.maxFiles ?? 1) > 1 && !out.maxSizeBytes) throw invalid(join(field, 'maxFiles'), 'needs maxSizeBytes (--log-opt max-size) as well');
  return out;
}

function checkCrossFields(spec: ContainerSpec): void {
  const userNs = spec.namespaces?.user;
  const hasMappings = spec.uidMappings !== undefined || spec.gidMappings !== undefined;
  if (userNs === 'private' && !hasMappings) throw invalid('uidMappings', 'required when namespaces.user is "private"');
  if (userNs === 'host' && hasMappings) throw invalid(spec.uidMappings ? 'uidMappings' : 'gidMappings', 'needs a private user namespace, but namespaces.user is "host"');
  if (hasMappings && (!spec.uidMappings || !spec.gidMappings)) {
    throw invalid(spec.uidMappings ? 'gidMappings' : 'uidMappings', 'uidMappings and gidMappings go together');
  }
  for (const field of ['hostname', 'domainname'] as const) {
    if (spec[field] !== undefined && spec.namespaces?.uts === 'host') {
      throw invalid(field, 'cannot be set with namespaces.uts "host" (it would rename the host)');
    }
    // docker's "conflicting options": the container takes the names of the one whose network it joins.
    if (spec[field] !== undefined && joinedContainer(spec.namespaces?.net)) throw invalid(field, 'cannot be set when joining another container\'s network namespace (it takes that one\'s)');
  }
  const joined = JOINABLE_NAMESPACES.find((t) => joinedContainer(spec.namespaces?.[t]));
  if (joined && hasMappings) {
    throw invalid(`namespaces.${joined}`, 'cannot join another container\'s namespace with a user namespace of its own (uidMappings): the joined one belongs to the host\'s');
  }
  if (spec.rootfs !== undefined && spec.cmd === undefined) throw invalid('cmd', 'is required (a rootfs has no default command)');
  if (spec.privileged) checkPrivileged(spec);
  if (spec.init && spec.bundle !== undefined) throw invalid('init', 'not with a bundle: its config.json says what runs as PID 1');
  for (const field of ['extraHosts', 'dns', 'dnsSearch', 'dnsOptions'] as const) {
    if (spec[field] !== undefined && spec.bundle !== undefined) throw invalid(field, 'not with a bundle: its rootfs has its own /etc/hosts and /etc/resolv.conf');
  }
  if (spec.shmSizeBytes !== undefined) {
    if (spec.bundle !== undefined) throw invalid('shmSizeBytes', 'not with a bundle: its config.json mounts /dev/shm itself');
    if (spec.namespaces?.ipc === 'host') throw invalid('shmSizeBytes', 'cannot be set with namespaces.ipc "host" (the container uses the host\'s /dev/shm)');
  }
  // A bundle's process.terminal may give the terminal (resolve checks that one).
  if (spec.consoleSize && (spec.tty === false || (spec.tty === undefined && spec.bundle === undefined))) {
    throw invalid('consoleSize', 'only with tty: a size is a terminal\'s');
  }
  if (spec.autoRemove && spec.restartPolicy && spec.restartPolicy.name !== 'no') {
    throw invalid('restartPolicy', `"${spec.restartPolicy.name}" conflicts with autoRemove (--rm): a removed container cannot be restarted`);
  }
}
