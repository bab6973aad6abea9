// ResolvedSpec resources → the version-neutral CgroupResources the cgroup manager applies,
// with Docker's device allowlist (or, for a bundle, its own rules + what runc appends).
import type { CgroupResources, DeviceRule } from '../cgroups/types.js';
import { DOCKER_DEVICE_RULES, RUNC_ALLOWED_DEVICE_RULES } from './defaults.js';
import { deviceAllowRules } from './devices.js';
import { ioThrottles } from './io-limits.js';
import type { OciConfig, OciDeviceCgroup } from './oci-types.js';
import type { ResolvedSpec } from './types.js';

/** The CFS period Docker uses for --cpus (100 ms). */
export const CPU_PERIOD_US = 100_000;

/** --cpus over the period (0: docker's 100 ms) as the CFS quota in µs; 0 without --cpus. */
export function cpuQuotaUs(cpus: number, periodUs = 0): number {
  return cpus > 0 ? Math.round(cpus * (periodUs || CPU_PERIOD_US)) : 0;
}

/** docker --privileged: every device, as its node list is every host device. */
const ALLOW_ALL_DEVICES: readonly DeviceRule[] = [{ allow: true, type: 'a', major: -1, minor: -1, access: 'rwm' }];

export function toCgroupResources(spec: Pick<ResolvedSpec, 'resources' | 'privilegedMode' | 'devices' | 'deviceCgroupRules'>, oci?: OciConfig): CgroupResources {
  const r = spec.resources;
  const period = r.cpuPeriodUs || CPU_PERIOD_US;
  return {
    memoryBytes: r.memoryBytes,
    memorySwapBytes: r.memorySwapBytes,
    memoryReservationBytes: r.memoryReservationBytes,
    memorySwappiness: r.memorySwappiness,
    oomKillDisable: r.oomKillDisable,
    cpuQuotaUs: cpuQuotaUs(r.cpus, period),
    cpuPeriodUs: period,
    cpuBurstUs: r.cpuBurstUs,
    cpuShares: r.cpuShares,
    cpusetCpus: r.cpusetCpus,
    cpusetMems: r.cpusetMems,
    pidsLimit: r.pidsLimit > 0 ? r.pidsLimit : 0,
    blkioWeight: r.blkioWeight,
    ioThrottles: ioThrottles(r.ioLimits),
    devices: deviceRules(spec, oci),
  };
}

/** The base rules (a bundle's, docker's, or all for --privileged), then what --device and --device-cgroup-rule add. */
function deviceRules(spec: Pick<ResolvedSpec, 'privilegedMode' | 'devices' | 'deviceCgroupRules'>, oci: OciConfig | undefined): DeviceRule[] {
  if (spec.privilegedMode) return ALLOW_ALL_DEVICES.map((d) => ({ ...d }));
  const base = oci ? bundleDeviceRules(oci) : DOCKER_DEVICE_RULES.map((d) => ({ ...d }));
  return [...base, ...deviceAllowRules(spec.devices), ...spec.deviceCgroupRules.map((r) => ({ allow: true, ...r }))];
}

/**
 * ResolvedSpec writes "not set" as 0 / "" (-1 for swappiness, where 0 is a value); for shares,
 * weight, cpusets and swappiness the cgroup manager wants the field absent instead (0 shares is
 * not a value the kernel takes; an unset swappiness is the parent's).
 */
export function onlySet(r: CgroupResources): CgroupResources {
  const out: CgroupResources = { ...r };
  if (out.memorySwappiness === undefined || out.memorySwappiness < 0) delete out.memorySwappiness;
  if (!out.oomKillDisable) delete out.oomKillDisable; // a fresh cgroup's OOM killer is on; v2 has no file to write false to
  if (!out.cpuShares) delete out.cpuShares;
  if (!out.cpuBurstUs) delete out.cpuBurstUs; // a fresh cgroup has none; an update that clears it sets 0 itself
  if (!out.blkioWeight) delete out.blkioWeight;
  if (!out.cpusetCpus) delete out.cpusetCpus;
  if (!out.cpusetMems) delete out.cpusetMems;
  if (!out.ioThrottles?.length) delete out.ioThrottles;
  return out;
}

/** runc: the bundle's rules in order, then its AllowedDevices (libcontainer/specconv). */
export function bundleDeviceRules(oci: OciConfig): DeviceRule[] {
  const own = (oci.linux?.resources?.devices ?? []).map(toDeviceRule);
  return [...own, ...RUNC_ALLOWED_DEVICE_RULES.map((d) => ({ ...d }))];
}

function toDeviceRule(d: OciDeviceCgroup): DeviceRule {
  return {
    allow: d.allow,
    type: d.type === 'c' || d.type === 'b' ? d.type : 'a',
    major: d.major ?? -1,
    minor: d.minor ?? -1,
    access: d.access || 'rwm',
  };
}
