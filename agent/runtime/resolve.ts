// resolveSpec: a validated ContainerSpec → a ResolvedSpec with every default Docker would apply
// (REFERENCE.md §1): its 14 capabilities ± add/drop, all namespaces private except user, the
// default seccomp profile, no_new_privs on (berth's choice, like containerd), "/" as workdir,
// PATH/HOSTNAME/HOME in env, no extra /etc/hosts or DNS settings, root unless a user is given (looked up in the image's own
// /etc/passwd and /etc/group). Bundles are translated by bundle.ts.
import { applyCapabilityChanges, DOCKER_DEFAULT_CAPABILITIES, ownBoundingSet, sortCapabilities } from './capabilities.js';
import { resolveBundleSpec } from './bundle.js';
import { loadBundleOci } from './bundle-oci.js';
import { DEFAULT_PATH_ENV, DEFAULT_SHM_SIZE_BYTES } from './defaults.js';
import {
  applyNamespaceOverrides, checkUserMapped, hasEnv, isPrivileged, lifecycleDefaults, mergeEnv, resolveResources, stdioSettings,
} from './resolve-common.js';
import { resolveDevices } from './devices.js';
import { parseDeviceCgroupRule } from './device-cgroup-rules.js';
import { checkSysctls } from './sysctls.js';
import { lookupGroups, lookupUser, specUser } from './user-lookup.js';
import type { ContainerSpec, NamespaceMode, NamespaceType, ResolvedSpec } from './types.js';

export interface ResolveEnv {
  hostCpus: number;
  /** What a privileged container gets: the agent's own bounding set unless given (tests). */
  boundingCapabilities?: readonly string[];
}

export async function resolveSpec(spec: ContainerSpec, env: ResolveEnv): Promise<ResolvedSpec> {
  if (spec.bundle !== undefined) return resolveBundleSpec(spec, await loadBundleOci(spec.bundle), env);
  return resolveRootfsSpec(spec, env);
}

export function resolveRootfsSpec(spec: ContainerSpec, env: ResolveEnv): ResolvedSpec {
  if (spec.rootfs === undefined) throw new Error('resolveRootfsSpec: the spec has no rootfs');
  const namespaces = defaultNamespaces(spec);
  const user = lookupUser(spec.rootfs, spec.user ?? '0:0');
  const groupAdd = lookupGroups(spec.rootfs, spec.groupAdd ?? []);
  const uidMappings = spec.uidMappings ?? [];
  const gidMappings = spec.gidMappings ?? [];
  checkUserMapped(namespaces, user.uid, user.gid, uidMappings, gidMappings);
  const hostname = namespaces.uts === 'private' ? spec.hostname ?? spec.name ?? '' : '';
  const privilegedMode = spec.privileged ?? false;
  const capabilities = privilegedMode
    ? sortCapabilities(env.boundingCapabilities ?? ownBoundingSet())
    : applyCapabilityChanges(DOCKER_DEFAULT_CAPABILITIES, spec.capabilities?.add, spec.capabilities?.drop);
  const seccomp = privilegedMode ? 'unconfined' : spec.seccomp ?? 'default';
  return {
    name: spec.name ?? '',
    rootfs: spec.rootfs,
    bundle: '',
    image: spec.image ?? spec.rootfs,
    cmd: [...(spec.cmd ?? [])],
    env: containerEnv(spec.env ?? [], hostname, user.home, spec.tty ?? false),
    workdir: spec.workdir ?? '/',
    hostname,
    domainname: namespaces.uts === 'private' ? spec.domainname ?? '' : '',
    user: specUser(user, groupAdd),
    groupAdd,
    extraHosts: [...(spec.extraHosts ?? [])],
    dns: [...(spec.dns ?? [])],
    dnsSearch: [...(spec.dnsSearch ?? [])],
    dnsOptions: [...(spec.dnsOptions ?? [])],
    resources: resolveResources({}, spec.resources, env.hostCpus),
    namespaces,
    uidMappings,
    gidMappings,
    capabilities,
    mounts: (spec.mounts ?? []).map((m) => ({ ...m, ...(m.options ? { options: [...m.options] } : {}) })),
    readOnlyRootfs: spec.readOnlyRootfs ?? false,
    seccomp,
    noNewPrivileges: spec.noNewPrivileges ?? true,
    privileged: privilegedMode || isPrivileged(capabilities, seccomp),
    privilegedMode,
    devices: resolveDevices(spec.devices ?? [], namespaces),
    deviceCgroupRules: (spec.deviceCgroupRules ?? []).map(parseDeviceCgroupRule),
    shmSizeBytes: namespaces.ipc === 'host' ? 0 : spec.shmSizeBytes ?? DEFAULT_SHM_SIZE_BYTES,
    oomScoreAdj: spec.oomScoreAdj ?? 0,
    ulimits: (spec.ulimits ?? []).map((u) => ({ ...u })),
    sysctls: checkSysctls({ ...spec.sysctls }, namespaces),
    ...lifecycleDefaults(spec),
    ...stdioSettings(spec),
  };
}

function defaultNamespaces(spec: ContainerSpec): Record<NamespaceType, NamespaceMode> {
  const userNs: NamespaceMode = spec.uidMappings ? 'private' : 'host';
  return applyNamespaceOverrides(
    { pid: 'private', net: 'private', mnt: 'private', uts: 'private', ipc: 'private', cgroup: 'private', user: userNs },
    spec.namespaces,
  );
}

/** Docker's order: PATH, HOSTNAME, the user's, then HOME as runc adds it from /etc/passwd. */
function containerEnv(userEnv: string[], hostname: string, home: string, tty: boolean): string[] {
  // docker run -t's TERM: programs look at it to know what the terminal understands.
  const defaults = [DEFAULT_PATH_ENV, ...(hostname ? [`HOSTNAME=${hostname}`] : []), ...(tty ? ['TERM=xterm'] : [])];
  const env = mergeEnv(defaults, userEnv);
  return hasEnv(env, 'HOME') ? env : [...env, `HOME=${home}`];
}
