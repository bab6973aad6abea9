// Shape checks for an OCI bundle's config.json (runtime-spec v1.x). Unknown fields are allowed
// (the spec permits extensions and runc ignores them); features that would change behaviour but
// that berth does not implement are refused, so a bundle never runs differently than under runc
// without saying so. Errors name the JSON path; bundle-oci.ts prefixes the file.
import { OCI_THROTTLES } from './bundle-io.js';
import { isKnownCapability, normalizeCapabilityName } from './capabilities.js';
import { normalizeRlimitName } from './rlimits.js';
import { OCI_NAMESPACE_TYPES, type OciConfig } from './oci-types.js';
import {
  absolutePath, array, boolean, integer, invalid, join, noUnknownKeys, nonEmptyString, object, optional, shown,
  string, stringArray, stringRecord, type Obj,
} from './spec-check.js';

const U32 = 2 ** 32 - 1;

export function validateOciConfig(input: unknown): OciConfig {
  const config = object(input, 'config');
  const version = nonEmptyString(config.ociVersion, 'ociVersion');
  if (!/^1\./.test(version)) throw invalid('ociVersion', `berth reads runtime-spec 1.x, got ${shown(version)}`);
  const root = object(config.root, 'root');
  nonEmptyString(root.path, 'root.path');
  optional(root, 'readonly', 'root', boolean);
  optional(config, 'hostname', '', string);
  optional(config, 'domainname', '', string);
  if (config.process === undefined) throw invalid('process', 'is required (berth runs the bundle\'s process)');
  checkProcess(object(config.process, 'process'));
  optional(config, 'mounts', '', (v, f) => array(v, f).forEach((m, i) => checkMount(m, join(f, i))));
  checkHooks(config.hooks);
  optional(config, 'annotations', '', stringRecord);
  if (config.linux !== undefined) checkLinux(object(config.linux, 'linux'));
  return config as unknown as OciConfig;
}

function checkProcess(p: Obj): void {
  optional(p, 'terminal', 'process', boolean);
  optional(p, 'consoleSize', 'process', (v, f) => {
    const size = object(v, f);
    integer(size.height, join(f, 'height'), 0, 65535);
    integer(size.width, join(f, 'width'), 0, 65535);
  });
  const user = object(p.user, 'process.user');
  integer(user.uid, 'process.user.uid', 0, U32 - 1);
  integer(user.gid, 'process.user.gid', 0, U32 - 1);
  optional(user, 'additionalGids', 'process.user', (v, f) => array(v, f).forEach((g, i) => integer(g, join(f, i), 0, U32 - 1)));
  optional(p, 'args', 'process', stringArray);
  optional(p, 'env', 'process', (v, f) => stringArray(v, f).forEach((e, i) => {
    if (!/^[^=]+=/.test(e)) throw invalid(join(f, i), `must be "NAME=value", got ${shown(e)}`);
  }));
  absolutePath(p.cwd, 'process.cwd');
  if (p.capabilities !== undefined) checkCapabilities(object(p.capabilities, 'process.capabilities'));
  optional(p, 'rlimits', 'process', (v, f) => array(v, f).forEach((r, i) => checkRlimit(r, join(f, i))));
  optional(p, 'noNewPrivileges', 'process', boolean);
  optional(p, 'oomScoreAdj', 'process', (v, f) => integer(v, f, -1000, 1000));
  for (const key of ['apparmorProfile', 'selinuxLabel'] as const) {
    if (p[key]) throw invalid(`process.${key}`, 'is not supported by berth (no LSM labels are applied)');
  }
}

function checkCapabilities(caps: Obj): void {
  for (const set of ['bounding', 'effective', 'inheritable', 'permitted', 'ambient']) {
    optional(caps, set, 'process.capabilities', (v, f) => stringArray(v, f).forEach((name, i) => {
      if (!isKnownCapability(normalizeCapabilityName(name))) throw invalid(join(f, i), `unknown capability ${shown(name)}`);
    }));
  }
}

function checkRlimit(value: unknown, field: string): void {
  const r = object(value, field);
  const type = nonEmptyString(r.type, join(field, 'type'));
  if (!type.startsWith('RLIMIT_') || normalizeRlimitName(type) === undefined) throw invalid(join(field, 'type'), `unknown rlimit ${shown(type)}`);
  const soft = rlimitNumber(r.soft, join(field, 'soft'));
  const hard = rlimitNumber(r.hard, join(field, 'hard'));
  if (soft > hard) throw invalid(join(field, 'soft'), `soft limit ${soft} is above the hard limit ${hard}`);
}

/** uint64 in the spec: RLIM_INFINITY (2^64−1) arrives from JSON as an unsafe but integral number. */
function rlimitNumber(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw invalid(field, `must be a non-negative integer, got ${shown(value)}`);
  return value;
}

function checkMount(value: unknown, field: string): void {
  const m = object(value, field);
  absolutePath(m.destination, join(field, 'destination'));
  optional(m, 'type', field, string);
  optional(m, 'source', field, string);
  optional(m, 'options', field, stringArray);
  for (const key of ['uidMappings', 'gidMappings']) {
    if (m[key] !== undefined) throw invalid(join(field, key), 'idmapped mounts are not supported by berth');
  }
}

function checkHooks(hooks: unknown): void {
  if (hooks === undefined) return;
  const obj = object(hooks, 'hooks');
  for (const [kind, list] of Object.entries(obj)) {
    if (Array.isArray(list) && list.length > 0) throw invalid(join('hooks', kind), 'OCI hooks are not supported by berth yet');
  }
}

function checkLinux(linux: Obj): void {
  optional(linux, 'namespaces', 'linux', checkNamespaces);
  for (const key of ['uidMappings', 'gidMappings']) {
    optional(linux, key, 'linux', (v, f) => array(v, f).forEach((m, i) => checkIdMapping(m, join(f, i))));
  }
  optional(linux, 'devices', 'linux', (v, f) => array(v, f).forEach((d, i) => checkDevice(d, join(f, i))));
  optional(linux, 'maskedPaths', 'linux', (v, f) => array(v, f).forEach((p, i) => absolutePath(p, join(f, i))));
  optional(linux, 'readonlyPaths', 'linux', (v, f) => array(v, f).forEach((p, i) => absolutePath(p, join(f, i))));
  optional(linux, 'sysctl', 'linux', stringRecord);
  optional(linux, 'seccomp', 'linux', object);
  if (linux.resources !== undefined) checkResources(object(linux.resources, 'linux.resources'));
  for (const key of ['intelRdt', 'personality', 'memoryPolicy', 'netDevices']) {
    if (linux[key] !== undefined) throw invalid(join('linux', key), 'is not supported by berth');
  }
}

function checkNamespaces(value: unknown, field: string): void {
  const seen = new Set<string>();
  array(value, field).forEach((item, i) => {
    const ns = object(item, join(field, i));
    const type = nonEmptyString(ns.type, join(join(field, i), 'type'));
    if (!(type in OCI_NAMESPACE_TYPES)) throw invalid(join(join(field, i), 'type'), `unknown namespace type ${shown(type)} (known: ${Object.keys(OCI_NAMESPACE_TYPES).join(', ')})`);
    if (seen.has(type)) throw invalid(join(join(field, i), 'type'), `namespace ${type} is listed twice`);
    seen.add(type);
    if (ns.path !== undefined && ns.path !== '') absolutePath(ns.path, join(join(field, i), 'path'));
    if (type === 'mount' && ns.path) throw invalid(join(join(field, i), 'path'), 'joining an existing mount namespace is not supported by berth');
  });
  if (!seen.has('mount')) throw invalid(field, 'must include "mount": berth always gives a container its own mount namespace');
}

function checkIdMapping(value: unknown, field: string): void {
  const m = object(value, field);
  integer(m.containerID, join(field, 'containerID'), 0, U32 - 1);
  integer(m.hostID, join(field, 'hostID'), 0, U32 - 1);
  integer(m.size, join(field, 'size'), 1, U32);
}

function checkDevice(value: unknown, field: string): void {
  const d = object(value, field);
  absolutePath(d.path, join(field, 'path'));
  const type = d.type;
  if (type !== 'c' && type !== 'b' && type !== 'u') throw invalid(join(field, 'type'), `must be "c", "u" or "b" (fifos are not supported), got ${shown(type)}`);
  integer(d.major, join(field, 'major'), 0, U32);
  integer(d.minor, join(field, 'minor'), 0, U32);
  optional(d, 'fileMode', field, (v, f) => integer(v, f, 0, 0o177777));
  optional(d, 'uid', field, (v, f) => integer(v, f, 0, U32 - 1));
  optional(d, 'gid', field, (v, f) => integer(v, f, 0, U32 - 1));
}

const RESOURCE_KEYS: Record<string, readonly string[]> = {
  memory: ['limit', 'swap', 'reservation', 'swappiness', 'disableOOMKiller'], cpu: ['shares', 'quota', 'period', 'burst', 'cpus', 'mems'], pids: ['limit'],
  blockIO: ['weight', ...Object.keys(OCI_THROTTLES)],
};

function checkResources(r: Obj): void {
  noUnknownKeys(r, ['devices', ...Object.keys(RESOURCE_KEYS)], 'linux.resources');
  optional(r, 'devices', 'linux.resources', (v, f) => array(v, f).forEach((d, i) => checkDeviceRule(d, join(f, i))));
  for (const [group, keys] of Object.entries(RESOURCE_KEYS)) {
    const field = join('linux.resources', group);
    const obj = optional(r, group, 'linux.resources', object);
    if (!obj) continue;
    // Explicit nulls are how some generators say "unset".
    const set = Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== null && v !== 0 && v !== ''));
    noUnknownKeys(set, keys, field);
    for (const [key, v] of Object.entries(set)) {
      if (key in OCI_THROTTLES) array(v, join(field, key)).forEach((d, i) => checkThrottle(d, join(join(field, key), i)));
      else if (key === 'cpus' || key === 'mems') string(v, join(field, key));
      else if (key === 'swappiness') integer(v, join(field, key), 0, 100);
      else if (key === 'burst') integer(v, join(field, key), 0); // uint64 in the spec: no -1 for "unlimited"
      else if (key === 'disableOOMKiller') boolean(v, join(field, key));
      else integer(v, join(field, key), -1);
    }
  }
}

function checkThrottle(value: unknown, field: string): void {
  const t = object(value, field);
  integer(t.major, join(field, 'major'), 0, U32);
  integer(t.minor, join(field, 'minor'), 0, U32);
  integer(t.rate, join(field, 'rate'), 0);
}

function checkDeviceRule(value: unknown, field: string): void {
  const d = object(value, field);
  boolean(d.allow, join(field, 'allow'));
  if (d.type !== undefined && d.type !== 'a' && d.type !== 'c' && d.type !== 'b') throw invalid(join(field, 'type'), `must be "a", "c" or "b", got ${shown(d.type)}`);
  optional(d, 'major', field, (v, f) => integer(v, f, -1, U32));
  optional(d, 'minor', field, (v, f) => integer(v, f, -1, U32));
  const access = optional(d, 'access', field, string);
  if (access !== undefined && !/^[rwm]*$/.test(access)) throw invalid(join(field, 'access'), `must be letters of "rwm", got ${shown(access)}`);
}
