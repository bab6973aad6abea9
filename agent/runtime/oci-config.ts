// LaunchPlan → the runtime-spec v1.3 config.json shape, saved in the state dir for `inspect`
// (and readable by OCI tooling). The compiled seccomp program travels as crun's
// `run.oci.seccomp_bpf_data` annotation (base64 of struct sock_filter[]); berth's profile name
// as `org.berth.seccomp`. A bundle's own linux.seccomp object is copied when `oci` is given.
import type { IoThrottle } from '../cgroups/types.js';
import { OCI_THROTTLE_LISTS } from './bundle-io.js';
import { capabilityNamesFromMask } from './capabilities.js';
import { flagsToOptions, MS, propagationToOption } from './mount-options.js';
import { OCI_NAMESPACE_TYPES, type OciConfig, type OciMount, type OciResources, type OciRlimit } from './oci-types.js';
import type { LaunchPlan, PlanMount, PlanRlimit } from './plan-types.js';
import { RLIMIT_NAMES } from './rlimits.js';
import { toCgroupResources } from './resources.js';
import type { ResolvedSpec } from './types.js';

export const OCI_VERSION = '1.3.0';
/** RLIM_INFINITY (2^64−1); as a JS number it prints as 18446744073709552000, which berth reads back as unlimited. */
const RLIM_INFINITY = 2 ** 64 - 1;
const PROPAGATION_MASK = MS.PRIVATE | MS.SLAVE | MS.SHARED | MS.UNBINDABLE;
const OCI_NAMES = Object.fromEntries(Object.entries(OCI_NAMESPACE_TYPES).map(([oci, berth]) => [berth, oci])) as Record<string, string>;

export function specToOciConfig(plan: LaunchPlan, spec: ResolvedSpec, oci?: OciConfig): OciConfig {
  const resources = toCgroupResources(spec, oci);
  return {
    ociVersion: OCI_VERSION,
    process: {
      terminal: plan.tty !== undefined,
      ...(plan.tty && (plan.tty.rows || plan.tty.cols) ? { consoleSize: { height: plan.tty.rows, width: plan.tty.cols } } : {}),
      user: { uid: plan.uid, gid: plan.gid, ...(plan.additionalGids.length ? { additionalGids: [...plan.additionalGids] } : {}) },
      args: [...plan.args],
      env: [...plan.env],
      cwd: plan.cwd,
      capabilities: {
        bounding: capabilityNamesFromMask(plan.capabilities.bounding),
        effective: capabilityNamesFromMask(plan.capabilities.effective),
        permitted: capabilityNamesFromMask(plan.capabilities.permitted),
      },
      rlimits: plan.rlimits.map(ociRlimit),
      noNewPrivileges: plan.noNewPrivileges,
      oomScoreAdj: plan.oomScoreAdj,
    },
    root: { path: plan.rootfs, readonly: plan.readOnlyRootfs },
    ...(plan.hostname ? { hostname: plan.hostname } : {}),
    ...(plan.domainname ? { domainname: plan.domainname } : {}),
    mounts: plan.mounts.map(ociMount),
    annotations: annotations(plan, spec),
    linux: {
      ...(plan.uidMappings.length ? { uidMappings: plan.uidMappings.map((m) => ({ containerID: m.containerId, hostID: m.hostId, size: m.size })) } : {}),
      ...(plan.gidMappings.length ? { gidMappings: plan.gidMappings.map((m) => ({ containerID: m.containerId, hostID: m.hostId, size: m.size })) } : {}),
      ...(Object.keys(plan.sysctls).length ? { sysctl: { ...plan.sysctls } } : {}),
      resources: {
        devices: (resources.devices ?? []).map((d) => ({
          allow: d.allow, ...(d.type !== 'a' ? { type: d.type } : {}),
          ...(d.major >= 0 ? { major: d.major } : {}), ...(d.minor >= 0 ? { minor: d.minor } : {}), access: d.access,
        })),
        ...ociMemory(spec.resources),
        cpu: {
          ...(spec.resources.cpuShares ? { shares: spec.resources.cpuShares } : {}),
          ...(resources.cpuQuotaUs ? { quota: resources.cpuQuotaUs, period: resources.cpuPeriodUs } : {}),
          ...(resources.cpuBurstUs ? { burst: resources.cpuBurstUs } : {}),
          ...(spec.resources.cpusetCpus ? { cpus: spec.resources.cpusetCpus } : {}),
          ...(spec.resources.cpusetMems ? { mems: spec.resources.cpusetMems } : {}),
        },
        ...(spec.resources.pidsLimit ? { pids: { limit: spec.resources.pidsLimit } } : {}),
        ...ociBlockIO(spec.resources.blkioWeight, resources.ioThrottles ?? []),
      },
      namespaces: plan.namespaces.map((ns) => ({ type: OCI_NAMES[ns.type]!, ...(ns.path ? { path: ns.path } : {}) })),
      devices: plan.devices.map((d) => ({ path: d.path, type: d.type, major: d.major, minor: d.minor, fileMode: d.mode, uid: d.uid, gid: d.gid })),
      ...(oci?.linux?.seccomp ? { seccomp: oci.linux.seccomp } : {}),
      maskedPaths: [...plan.maskedPaths],
      readonlyPaths: [...plan.readonlyPaths],
    },
  };
}

function ociRlimit(r: PlanRlimit): OciRlimit {
  const value = (v: number | 'unlimited') => (v === 'unlimited' ? RLIM_INFINITY : v);
  return { type: `RLIMIT_${RLIMIT_NAMES[r.resource]!.toUpperCase()}`, soft: value(r.soft), hard: value(r.hard) };
}

function ociMount(m: PlanMount): OciMount {
  const propagation = propagationToOption(m.flags & (PROPAGATION_MASK | MS.REC)) ?? propagationToOption(m.flags & PROPAGATION_MASK);
  const flagWords = flagsToOptions(m.flags & ~PROPAGATION_MASK);
  const options = [...flagWords, ...(m.data ? m.data.split(',') : []), ...(m.flags & PROPAGATION_MASK && propagation ? [propagation] : [])];
  return { destination: m.target, type: m.fstype || 'bind', source: m.source, options };
}

function annotations(plan: LaunchPlan, spec: ResolvedSpec): Record<string, string> {
  const out: Record<string, string> = { 'org.berth.seccomp': spec.seccomp };
  if (plan.seccomp) out['run.oci.seccomp_bpf_data'] = Buffer.from(plan.seccomp).toString('base64');
  for (const [key, value] of Object.entries(spec.labels)) out[key] = value;
  return out;
}

/** runtime-spec's linux.resources.memory: only the limits that are set. */
function ociMemory(r: ResolvedSpec['resources']): { memory?: OciResources['memory'] } {
  const memory = {
    ...(r.memoryBytes ? { limit: r.memoryBytes } : {}),
    ...(r.memoryBytes && r.memorySwapBytes ? { swap: r.memorySwapBytes } : {}),
    ...(r.memoryReservationBytes ? { reservation: r.memoryReservationBytes } : {}),
    ...(r.memorySwappiness >= 0 ? { swappiness: r.memorySwappiness } : {}),
    ...(r.oomKillDisable ? { disableOOMKiller: true } : {}),
  };
  return Object.keys(memory).length ? { memory } : {};
}

/** runtime-spec's linux.resources.blockIO: the weight and, per list, the devices with a rate set. */
function ociBlockIO(weight: number, throttles: IoThrottle[]): { blockIO?: NonNullable<OciResources['blockIO']> } {
  const blockIO: NonNullable<OciResources['blockIO']> = weight ? { weight } : {};
  for (const [list, rate] of OCI_THROTTLE_LISTS) {
    const devices = throttles.filter((t) => t[rate] > 0).map((t) => ({ major: t.major, minor: t.minor, rate: t[rate] }));
    if (devices.length > 0) blockIO[list] = devices;
  }
  return Object.keys(blockIO).length > 0 ? { blockIO } : {};
}
