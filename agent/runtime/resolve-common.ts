// Pieces of resolution shared by rootfs specs (resolve.ts) and OCI bundles (bundle.ts).
import { BerthError } from '../errors.js';
import { CAPABILITY_NAMES } from './capabilities.js';
import { DEFAULT_STOP_SIGNAL, DEFAULT_STOP_TIMEOUT_SECONDS } from './defaults.js';
import { resolveIoLimits } from './io-limits.js';
import { validateResources } from './spec-resources.js';
import type { ContainerSpec, HealthcheckSpec, IdMapping, NamespaceMode, NamespaceType, ResolvedSpec, ResourcesSpec } from './types.js';

export const UNSET_RESOURCES: Required<ResourcesSpec> = {
  memoryBytes: 0, memorySwapBytes: 0, memoryReservationBytes: 0, memorySwappiness: -1, oomKillDisable: false, cpus: 0, cpuPeriodUs: 0, cpuBurstUs: 0, cpuShares: 0, cpusetCpus: '', cpusetMems: '', pidsLimit: 0, blkioWeight: 0, ioLimits: [],
};

/**
 * `over` wins field by field; the result is checked against this host (cpus ≤ host CPUs), which
 * validateSpec could only estimate.
 */
export function resolveResources(base: ResourcesSpec, over: ResourcesSpec | undefined, hostCpus: number): Required<ResourcesSpec> {
  const merged = { ...UNSET_RESOURCES, ...base, ...over };
  // -1 and 0 both mean "no pids limit"; keep one spelling.
  if (merged.pidsLimit < 0) merged.pidsLimit = 0;
  merged.ioLimits = resolveIoLimits(merged.ioLimits);
  validateResources(withoutUnset(merged), 'resources', hostCpus);
  return merged;
}

/** validateSpec takes user input, where "unset" is an absent field rather than 0 / "". */
export function withoutUnset(r: Required<ResourcesSpec>): ResourcesSpec {
  return Object.fromEntries(Object.entries(r).filter(([, v]) => v !== 0 && v !== '' && !(Array.isArray(v) && v.length === 0))) as ResourcesSpec;
}

/** Later entries replace earlier ones with the same NAME; order of first appearance is kept. */
export function mergeEnv(...lists: readonly string[][]): string[] {
  const byName = new Map<string, string>();
  for (const list of lists) for (const entry of list) byName.set(entry.slice(0, entry.indexOf('=')), entry);
  return [...byName.values()];
}

export function hasEnv(env: readonly string[], name: string): boolean {
  return env.some((e) => e.startsWith(`${name}=`));
}

export function applyNamespaceOverrides(
  base: Record<NamespaceType, NamespaceMode>, over: Partial<Record<NamespaceType, NamespaceMode>> | undefined,
): Record<NamespaceType, NamespaceMode> {
  return { ...base, ...over };
}

/** A process user outside the user namespace's mapping could not even be set: say so now. */
export function checkUserMapped(ns: Record<NamespaceType, NamespaceMode>, uid: number, gid: number, uidMap: IdMapping[], gidMap: IdMapping[]): void {
  if (ns.user !== 'private') return;
  const inside = (id: number, map: IdMapping[]) => map.some((m) => id >= m.containerId && id < m.containerId + m.size);
  if (!inside(uid, uidMap)) throw new BerthError('INVALID_SPEC', `user: uid ${uid} is not mapped by uidMappings`, { field: 'user' });
  if (!inside(gid, gidMap)) throw new BerthError('INVALID_SPEC', `user: gid ${gid} is not mapped by gidMappings`, { field: 'user' });
}

/** What a policy wants to catch: every capability and no seccomp filter (docker run --privileged). */
export function isPrivileged(capabilities: readonly string[], seccomp: string): boolean {
  return seccomp === 'unconfined' && CAPABILITY_NAMES.every((c) => capabilities.includes(c));
}

/** The fields that are the same for both kinds of source. */
export function lifecycleDefaults(spec: ContainerSpec): Pick<ResolvedSpec, 'labels' | 'stopTimeout' | 'stopSignal' | 'autoRemove' | 'init' | 'restartPolicy' | 'healthcheck' | 'logRotate'> {
  return {
    labels: { ...spec.labels },
    stopTimeout: spec.stopTimeout ?? DEFAULT_STOP_TIMEOUT_SECONDS,
    stopSignal: spec.stopSignal ?? DEFAULT_STOP_SIGNAL,
    autoRemove: spec.autoRemove ?? false,
    init: spec.init ?? false,
    restartPolicy: { name: spec.restartPolicy?.name ?? 'no', maxRetries: spec.restartPolicy?.maxRetries ?? 0 },
    healthcheck: resolveHealthcheck(spec.healthcheck),
    logRotate: { maxSizeBytes: spec.logRotate?.maxSizeBytes ?? 0, maxFiles: spec.logRotate?.maxFiles ?? 1 },
  };
}

/** -t / -i (a bundle's process.terminal and consoleSize are `fromBundle`); the size only with a terminal. */
export function stdioSettings(spec: ContainerSpec, fromBundle: { terminal?: boolean; consoleSize?: { height: number; width: number } } = {}):
  Pick<ResolvedSpec, 'tty' | 'openStdin' | 'consoleSize'> {
  const tty = spec.tty ?? fromBundle.terminal ?? false;
  if (spec.consoleSize && !tty) throw new BerthError('INVALID_SPEC', 'consoleSize: only with tty: a size is a terminal\'s', { field: 'consoleSize' });
  const bundleSize = fromBundle.consoleSize && { rows: fromBundle.consoleSize.height, cols: fromBundle.consoleSize.width };
  return { tty, openStdin: spec.openStdin ?? false, consoleSize: tty ? { ...(spec.consoleSize ?? bundleSize ?? { rows: 0, cols: 0 }) } : { rows: 0, cols: 0 } };
}

/** docker's defaults: every 30 s (every 5 s in the start period), 30 s to answer, unhealthy after 3 failures in a row. */
export function resolveHealthcheck(h: HealthcheckSpec | undefined): Required<HealthcheckSpec> {
  return {
    cmd: h?.cmd ?? [], intervalSeconds: h?.intervalSeconds ?? 30, timeoutSeconds: h?.timeoutSeconds ?? 30,
    retries: h?.retries ?? 3, startPeriodSeconds: h?.startPeriodSeconds ?? 0, startIntervalSeconds: h?.startIntervalSeconds ?? DEFAULT_START_INTERVAL_SECONDS,
  };
}

/** docker 25's default --health-start-interval. */
export const DEFAULT_START_INTERVAL_SECONDS = 5;
