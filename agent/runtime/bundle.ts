// An OCI bundle (config.json + rootfs) → ResolvedSpec, the way runc reads it: what the bundle
// says is what runs (no Docker defaults are added), and fields the user gives in the berth spec
// (cmd, env, user, resources, …) override the bundle's. The bundle's mounts, devices, masked
// paths and seccomp object stay in the OciConfig that the plan receives as `oci`.
import { isAbsolute, resolve as resolvePath } from 'node:path';
import { BerthError } from '../errors.js';
import { applyCapabilityChanges, sortCapabilities } from './capabilities.js';
import { bundleIoLimits } from './bundle-io.js';
import { bundleConfigPath } from './bundle-oci.js';
import { normalizeRlimitName } from './rlimits.js';
import { resolveDevices } from './devices.js';
import { parseDeviceCgroupRule } from './device-cgroup-rules.js';
import { checkSysctls } from './sysctls.js';
import {
  applyNamespaceOverrides, checkUserMapped, hasEnv, isPrivileged, lifecycleDefaults, mergeEnv, resolveResources, stdioSettings,
} from './resolve-common.js';
import { homeOf, lookupGroups, lookupUser, specUser } from './user-lookup.js';
import { OCI_NAMESPACE_TYPES, type OciConfig, type OciIdMapping, type OciMount, type OciResources } from './oci-types.js';
import { NAMESPACE_TYPES, type ContainerSpec, type IdMapping, type MountSpec, type NamespaceMode, type NamespaceType, type ResolvedSpec, type ResourcesSpec, type Ulimit } from './types.js';

/** ResolvedSpec.seccomp of a bundle that brings its own linux.seccomp profile. */
export function bundleSeccompRef(bundleDir: string): string { return `bundle:${bundleConfigPath(bundleDir)}#linux.seccomp`; }

export function bundleRootfs(bundleDir: string, oci: OciConfig): string {
  const path = oci.root?.path ?? 'rootfs';
  return isAbsolute(path) ? path : resolvePath(bundleDir, path);
}

export function resolveBundleSpec(spec: ContainerSpec, oci: OciConfig, env: { hostCpus: number }): ResolvedSpec {
  const bundle = spec.bundle!;
  const file = bundleConfigPath(bundle);
  const process = oci.process!;
  const rootfs = bundleRootfs(bundle, oci);
  const namespaces = applyNamespaceOverrides(bundleNamespaces(oci), spec.namespaces);
  const uidMappings = (oci.linux?.uidMappings ?? []).map(idMapping);
  const gidMappings = (oci.linux?.gidMappings ?? []).map(idMapping);
  const user = spec.user !== undefined ? lookupUser(rootfs, spec.user) : bundleUser(oci, rootfs);
  checkUserMapped(namespaces, user.uid, user.gid, uidMappings, gidMappings);
  const groupAdd = lookupGroups(rootfs, spec.groupAdd ?? []);
  const cmd = spec.cmd ?? process.args ?? [];
  if (cmd.length === 0) throw new BerthError('INVALID_SPEC', `cmd: is required: ${file} has no process.args`, { field: 'cmd', file });
  const hostname = bundleUtsName('hostname', spec.hostname ?? oci.hostname ?? '', namespaces, file);
  const domainname = bundleUtsName('domainname', spec.domainname ?? oci.domainname ?? '', namespaces, file);
  const bundleCaps = sortCapabilities(['bounding', 'effective', 'permitted'].flatMap((set) => process.capabilities?.[set as 'bounding'] ?? []));
  const capabilities = applyCapabilityChanges(bundleCaps, spec.capabilities?.add, spec.capabilities?.drop);
  const seccomp = spec.seccomp ?? (oci.linux?.seccomp ? bundleSeccompRef(bundle) : 'unconfined');
  const env0 = mergeEnv(process.env ?? [], spec.env ?? []);
  return {
    name: spec.name ?? '',
    rootfs,
    bundle,
    image: spec.image ?? bundle,
    cmd: [...cmd],
    // runc sets HOME from /etc/passwd when the bundle's env has none.
    env: hasEnv(env0, 'HOME') ? env0 : [...env0, `HOME=${user.home}`],
    workdir: spec.workdir ?? process.cwd,
    hostname,
    domainname,
    user: specUser(user, groupAdd),
    groupAdd,
    extraHosts: [], dns: [], dnsSearch: [], dnsOptions: [], // a bundle's /etc is its own
    resources: resolveResources(bundleResources(oci.linux?.resources, file), spec.resources, env.hostCpus),
    namespaces,
    uidMappings,
    gidMappings,
    capabilities,
    mounts: [...bundleUserMounts(oci.mounts ?? [], bundle), ...(spec.mounts ?? [])],
    readOnlyRootfs: spec.readOnlyRootfs ?? oci.root?.readonly ?? false,
    seccomp,
    noNewPrivileges: spec.noNewPrivileges ?? process.noNewPrivileges ?? false,
    privileged: isPrivileged(capabilities, seccomp),
    privilegedMode: false,
    devices: resolveDevices(spec.devices ?? [], namespaces),
    deviceCgroupRules: (spec.deviceCgroupRules ?? []).map(parseDeviceCgroupRule),
    shmSizeBytes: 0, // the bundle's own /dev/shm mount
    oomScoreAdj: spec.oomScoreAdj ?? process.oomScoreAdj ?? 0,
    ulimits: mergeUlimits(bundleUlimits(oci), spec.ulimits ?? []),
    sysctls: bundleSysctls(oci, spec, namespaces, file),
    ...lifecycleDefaults(spec),
    ...stdioSettings(spec, process),
  };
}

function bundleNamespaces(oci: OciConfig): Record<NamespaceType, NamespaceMode> {
  const listed = new Set((oci.linux?.namespaces ?? []).map((ns) => OCI_NAMESPACE_TYPES[ns.type as keyof typeof OCI_NAMESPACE_TYPES]));
  // A namespace joined by path is not the host's (or at least not berth's to call the host's).
  return Object.fromEntries(NAMESPACE_TYPES.map((t) => [t, listed.has(t) ? 'private' : 'host'])) as Record<NamespaceType, NamespaceMode>;
}

function bundleUser(oci: OciConfig, rootfs: string) {
  const u = oci.process!.user;
  return { uid: u.uid, gid: u.gid, additionalGids: [...(u.additionalGids ?? [])], name: u.username ?? '', home: homeOf(rootfs, u.uid) };
}

function bundleUtsName(field: 'hostname' | 'domainname', name: string, ns: Record<NamespaceType, NamespaceMode>, file: string): string {
  // runc refuses this too: setting either without a UTS namespace would rename the host.
  if (name && ns.uts !== 'private') {
    throw new BerthError('INVALID_SPEC', `${file}: ${field}: cannot be set without a "uts" namespace`, { field, file });
  }
  return name;
}

function idMapping(m: OciIdMapping): IdMapping { return { containerId: m.containerID, hostId: m.hostID, size: m.size }; }

function bundleResources(r: OciResources | undefined, file: string): ResourcesSpec {
  const out: ResourcesSpec = {};
  if (r?.memory?.limit && r.memory.limit > 0) out.memoryBytes = r.memory.limit;
  if (r?.memory?.swap) out.memorySwapBytes = r.memory.swap;
  if (r?.memory?.reservation && r.memory.reservation > 0) out.memoryReservationBytes = r.memory.reservation;
  if (typeof r?.memory?.swappiness === 'number') out.memorySwappiness = r.memory.swappiness; // 0..100 (bundle-validate.ts)
  if (r?.memory?.disableOOMKiller) out.oomKillDisable = true;
  if (r?.cpu?.quota && r.cpu.quota > 0) out.cpus = r.cpu.quota / (r.cpu.period || 100000);
  if (r?.cpu?.period) out.cpuPeriodUs = r.cpu.period;
  if (r?.cpu?.burst) out.cpuBurstUs = r.cpu.burst;
  if (r?.cpu?.shares) out.cpuShares = r.cpu.shares;
  if (r?.cpu?.cpus) out.cpusetCpus = r.cpu.cpus;
  if (r?.cpu?.mems) out.cpusetMems = r.cpu.mems;
  if (r?.pids?.limit && r.pids.limit > 0) out.pidsLimit = r.pids.limit;
  if (r?.blockIO?.weight) out.blkioWeight = r.blockIO.weight;
  const ioLimits = bundleIoLimits(r?.blockIO, file);
  if (ioLimits.length > 0) out.ioLimits = ioLimits;
  return out;
}

function bundleUlimits(oci: OciConfig): Ulimit[] {
  const unlimited = (n: number) => (n >= 2 ** 63 ? -1 : n);
  return (oci.process?.rlimits ?? []).map((r) => ({ name: normalizeRlimitName(r.type)!, soft: unlimited(r.soft), hard: unlimited(r.hard) }));
}

/** The user's --sysctl wins over the bundle's; each side is checked under its own name. */
function bundleSysctls(oci: OciConfig, spec: ContainerSpec, ns: Record<NamespaceType, NamespaceMode>, file: string): Record<string, string> {
  checkSysctls(oci.linux?.sysctl ?? {}, ns, 'linux.sysctl', file);
  return { ...oci.linux?.sysctl, ...checkSysctls({ ...spec.sysctls }, ns) };
}

function mergeUlimits(base: Ulimit[], over: Ulimit[]): Ulimit[] {
  const byName = new Map(base.map((u) => [u.name, u]));
  for (const u of over) byName.set(normalizeRlimitName(u.name)!, { ...u, name: normalizeRlimitName(u.name)! });
  return [...byName.values()];
}

const DEFAULT_TMPFS_DESTINATIONS = new Set(['/dev', '/dev/shm']);

/**
 * The bundle's bind and extra tmpfs mounts, in berth's vocabulary, so admission policy sees host
 * paths a bundle mounts. (/proc, /dev, /sys … are the runtime's own, as in a rootfs spec.)
 */
export function bundleUserMounts(mounts: readonly OciMount[], bundleDir: string): MountSpec[] {
  return mounts.flatMap((m): MountSpec[] => {
    const options = m.options ?? [];
    const readOnly = options.includes('ro');
    const rest = options.filter((o) => o !== 'ro' && o !== 'rw');
    if (m.type === 'bind' || options.includes('bind') || options.includes('rbind')) {
      const source = isAbsolute(m.source ?? '') ? m.source! : resolvePath(bundleDir, m.source ?? '');
      return [{ type: 'bind', source, target: m.destination, readOnly, ...(rest.length ? { options: rest } : {}) }];
    }
    if (m.type === 'tmpfs' && !DEFAULT_TMPFS_DESTINATIONS.has(m.destination)) {
      return [{ type: 'tmpfs', target: m.destination, readOnly, ...(rest.length ? { options: rest } : {}) }];
    }
    return [];
  });
}
