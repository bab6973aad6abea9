// ResolvedSpec → LaunchPlan (every decision the shim executes), and the ExecPlan of `berth exec`.
// Without `oci` the container gets Docker's filesystem view (defaults.ts); with `oci` (a bundle)
// the bundle's own mounts, devices, masked/read-only paths, sysctls and capability sets, so it
// behaves as under runc.
import { dirname, join } from 'node:path';
import { BerthError } from '../errors.js';
import type { CgroupVersion } from '../cgroups/types.js';
import { capabilityMask, ownBoundingSet } from './capabilities.js';
import { bundleUserMounts } from './bundle.js';
import { loadBundleOciSync } from './bundle-oci.js';
import { DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS, thermalThrottlePaths } from './defaults.js';
import { OCI_NAMESPACE_TYPES, type OciConfig, type OciMount } from './oci-types.js';
import { hostDevices, toPlanDevice } from './host-devices.js';
import { planDevices, planSymlinks } from './plan-devices.js';
import { etcFileMounts } from './etc-files.js';
import { mountList, toPlanMount } from './plan-mounts.js';
import { capabilitySets, seccompProgram, type CapabilitySets, type SeccompCompile } from './plan-security.js';
import { PLAN_VERSION, type ExecPlan, type LaunchPlan, type PlanNamespace, type PlanProcess } from './plan-types.js';
import { exitReservePath } from './exit-reserve.js';
import { mergeEnv, hasEnv } from './resolve-common.js';
import { toPlanRlimits } from './rlimits.js';
import { lookupUser, specUser } from './user-lookup.js';
import { joinedContainer, NAMESPACE_TYPES, type ContainerInfo, type ExecOptions, type MountSpec, type NamespaceType, type ResolvedSpec } from './types.js';

export const LOG_FILE = 'container.log';
export const EXIT_FILE = 'exit.json';
export const START_FIFO = 'start.fifo';

export interface LaunchContext {
  id: string;
  stateDir: string;
  cgroupProcs: string[];
  cgroupVersion: CgroupVersion;
  /** The container's cgroup below the hierarchy's root ("/berth/<id>"); v2 derives host directories from it. */
  cgroupPath?: string;
  /** The bundle's config.json (loadBundleOci) when the container comes from a bundle. */
  oci?: OciConfig;
  /** Defaults to seccomp/index.ts compileSeccomp (uncached); the runtime passes its SeccompCompiler's. */
  compileSeccomp?: SeccompCompile;
  /** Host /sys, /proc and /dev, for the thermal_throttle masks, /dev/core and a privileged container's devices (fixtures in tests). */
  sysRoot?: string;
  procRoot?: string;
  devRoot?: string;
  /** berth-shim itself, bind-mounted at /dev/init as PID 1 of a container with --init. */
  initPath?: string;
  /** The namespace files of the containers whose namespaces this one joins (joins.ts). */
  joins?: Partial<Record<NamespaceType, string>>;
}

/** v2: one cgroup.procs, in the container's directory, which is the hierarchy's root + cgroupPath. */
function v2CgroupDirs(ctx: LaunchContext): { dir: string; root: string } | undefined {
  if (ctx.cgroupVersion !== 'v2' || ctx.cgroupPath === undefined || ctx.cgroupProcs.length !== 1) return undefined;
  const dir = dirname(ctx.cgroupProcs[0]);
  if (!dir.endsWith(ctx.cgroupPath)) return undefined;
  return { dir, root: dir.slice(0, dir.length - ctx.cgroupPath.length) || '/' };
}

/** Where --init's PID 1 appears in the container: berth's own /dev tmpfs, never the image. */
export const INIT_PATH = '/dev/init';

export function buildLaunchPlan(spec: ResolvedSpec, ctx: LaunchContext): LaunchPlan {
  const oci = ctx.oci;
  const etcFiles = oci ? [] : etcFileMounts(ctx.stateDir, spec);
  const mounts = [...mountList(spec, oci?.mounts ?? (oci ? [] : undefined), bundleMountFilter(spec, oci), etcFiles), ...initMount(spec, ctx)];
  const mountCtx = {
    cgroupVersion: ctx.cgroupVersion, netHost: spec.namespaces.net === 'host', cgroupNsHost: spec.namespaces.cgroup === 'host',
    v2Cgroup: v2CgroupDirs(ctx), baseDir: spec.bundle || '/', ownFiles: new Set(etcFiles.map((m) => m.source!)),
  };
  const symlinks = planSymlinks(mounts, ctx.procRoot ?? '/proc');
  // The host's /dev/ptmx node is the container's pts/ptmx symlink (runc's setupPtmx).
  const hostDevs = spec.privilegedMode ? hostDevices(ctx.devRoot).filter((d) => !symlinks.some((l) => l.link === d.path)) : [];
  const mapped = spec.devices.map(toPlanDevice);
  return {
    version: PLAN_VERSION,
    id: ctx.id,
    stateDir: ctx.stateDir,
    rootfs: spec.rootfs,
    readOnlyRootfs: spec.readOnlyRootfs,
    namespaces: planNamespaces(spec, oci, ctx.joins),
    uidMappings: spec.uidMappings.map((m) => ({ ...m })),
    gidMappings: spec.gidMappings.map((m) => ({ ...m })),
    hostname: spec.namespaces.uts === 'private' ? spec.hostname : '',
    domainname: spec.namespaces.uts === 'private' ? spec.domainname : '',
    mounts: mounts.map((m, i) => toPlanMount(m, mountCtx, `mounts[${i}] (${m.destination})`)),
    devices: planDevices(oci, mounts, [...hostDevs, ...mapped]),
    symlinks,
    ...hiddenPaths(spec, oci, ctx),
    // A bundle's own are in spec.sysctls too, except in records written before spec.sysctls existed.
    sysctls: { ...oci?.linux?.sysctl, ...spec.sysctls },
    ...planProcess(spec, oci, ctx, { cwd: spec.workdir, args: spec.init ? [INIT_PATH, '--', ...spec.cmd] : [...spec.cmd], env: [...spec.env] }),
    oomScoreAdj: spec.oomScoreAdj,
    logPath: join(ctx.stateDir, LOG_FILE),
    ...(spec.logRotate.maxSizeBytes > 0 ? { logRotate: { maxBytes: spec.logRotate.maxSizeBytes, maxFiles: spec.logRotate.maxFiles } } : {}),
    exitPath: join(ctx.stateDir, EXIT_FILE),
    exitReservePath: exitReservePath(ctx.stateDir),
    startFifo: join(ctx.stateDir, START_FIFO),
    ...(spec.openStdin ? { stdin: true } : {}),
    ...(spec.tty ? { tty: { ...spec.consoleSize } } : {}),
  };
}

/** --init: berth-shim bound read-only at /dev/init (docker binds its docker-init the same way). */
function initMount(spec: ResolvedSpec, ctx: LaunchContext): OciMount[] {
  if (!spec.init) return [];
  if (!ctx.initPath) throw new BerthError('INTERNAL', 'a container with init needs the path of berth-shim (LaunchContext.initPath)');
  return [{ destination: INIT_PATH, type: 'bind', source: ctx.initPath, options: ['bind', 'ro', 'nosuid', 'nodev'] }];
}

/** Docker's masked and read-only paths, a bundle's own, or none for a privileged container (docker's). */
function hiddenPaths(spec: ResolvedSpec, oci: OciConfig | undefined, ctx: LaunchContext): Pick<LaunchPlan, 'maskedPaths' | 'readonlyPaths'> {
  if (oci) return { maskedPaths: [...(oci.linux?.maskedPaths ?? [])], readonlyPaths: [...(oci.linux?.readonlyPaths ?? [])] };
  if (spec.privilegedMode) return { maskedPaths: [], readonlyPaths: [] };
  return { maskedPaths: [...DEFAULT_MASKED_PATHS, ...thermalThrottlePaths(ctx.sysRoot)], readonlyPaths: [...DEFAULT_READONLY_PATHS] };
}

/** ResolvedSpec.mounts of a bundle repeat the bundle's own binds (for policy); don't mount them twice. */
function bundleMountFilter(spec: ResolvedSpec, oci: OciConfig | undefined): (m: MountSpec) => boolean {
  if (!oci) return () => false;
  const own = new Set(bundleUserMounts(oci.mounts ?? [], spec.bundle).map((m) => JSON.stringify(m)));
  return (m) => own.has(JSON.stringify(m));
}

/**
 * Private and joined namespaces (a host one is simply absent); a bundle's `path`, or another
 * container's (`joins`), joins an existing one. The time namespace exists only in bundles (berth's
 * own spec has no switch for it). An exec needs only the types: it joins those of the container's init.
 */
function planNamespaces(spec: ResolvedSpec, oci: OciConfig | undefined, joins?: Partial<Record<NamespaceType, string>>): PlanNamespace[] {
  const paths = new Map((oci?.linux?.namespaces ?? []).map((ns) => [OCI_NAMESPACE_TYPES[ns.type as keyof typeof OCI_NAMESPACE_TYPES], ns.path ?? '']));
  for (const [type, path] of Object.entries(joins ?? {})) if (path) paths.set(type as NamespaceType, path);
  const list: PlanNamespace[] = NAMESPACE_TYPES.filter((t) => spec.namespaces[t] !== 'host').map((type) => {
    const path = paths.get(type) ?? '';
    if (joins && joinedContainer(spec.namespaces[type]) && !path) throw new Error(`plan: namespaces.${type} joins a container but has no path`);
    return { type, path };
  });
  if (paths.has('time')) list.push({ type: 'time', path: paths.get('time')! });
  return list;
}

/**
 * What the plan's process runs as, the same for container init and `exec`: an exec runs with
 * the container's capabilities, no_new_privs, seccomp, rlimits and cgroups, as another user at most.
 */
function planProcess(spec: ResolvedSpec, oci: OciConfig | undefined, ctx: { cgroupProcs: string[]; compileSeccomp?: SeccompCompile },
  run: Pick<PlanProcess, 'cwd' | 'args' | 'env'>): PlanProcess {
  const seccomp = seccompProgram(spec, oci, ctx.compileSeccomp);
  return {
    rlimits: toPlanRlimits(spec.ulimits),
    uid: spec.user.uid,
    gid: spec.user.gid,
    additionalGids: [...spec.user.additionalGids],
    capabilities: capabilitySets(spec, oci),
    noNewPrivileges: spec.noNewPrivileges,
    ...(seccomp ? { seccomp } : {}),
    cgroupProcs: [...ctx.cgroupProcs],
    ...run,
  };
}

export interface ExecContext { cgroupProcs: string[]; oci?: OciConfig; compileSeccomp?: SeccompCompile }

/**
 * `berth exec`: the container's namespaces, cgroups, capabilities, no_new_privs, seccomp and
 * rlimits; env = the container's + the exec's; user/workdir from the options or the container.
 */
export function buildExecPlan(info: ContainerInfo, opts: ExecOptions, ctx: ExecContext): ExecPlan {
  if (info.pid <= 0) {
    throw new BerthError('INVALID_STATE', `exec in container ${info.name}: it is not running`, { id: info.id, status: info.status });
  }
  if (opts.cmd.length === 0 || opts.cmd[0] === '') throw new BerthError('INVALID_REQUEST', 'cmd: must name a program to run', { field: 'cmd' });
  const container = info.spec;
  const oci = ctx.oci ?? (container.bundle ? loadBundleOciSync(container.bundle) : undefined);
  const user = opts.user !== undefined ? lookupUser(container.rootfs, opts.user) : undefined;
  const spec: ResolvedSpec = user ? { ...container, user: specUser(user, container.groupAdd) } : container;
  const given = mergeEnv(container.env, opts.env ?? []);
  // docker exec -t's default: programs look at TERM to know what the terminal understands.
  const env = opts.tty && !hasEnv(given, 'TERM') ? [...given, 'TERM=xterm'] : given;
  const launchNs = planNamespaces(container, oci);
  return {
    version: PLAN_VERSION,
    initPid: info.pid,
    namespaces: launchNs.map((ns) => ns.type),
    rootfs: container.rootfs,
    stdin: opts.stdin ?? false,
    ...(opts.tty ? { tty: opts.consoleSize ?? { rows: 0, cols: 0 } } : {}),
    ...planProcess(spec, oci, ctx, {
      cwd: opts.workdir ?? container.workdir,
      args: [...opts.cmd],
      // Another user's HOME, as runc sets it for `runc exec --user`, unless the exec names one.
      env: user && !hasEnv(opts.env ?? [], 'HOME') ? mergeEnv(env, [`HOME=${user.home}`]) : env,
    }),
    ...(opts.privileged ? { capabilities: privilegedExecCapabilities() } : {}),
  };
}

/**
 * docker exec --privileged: in every set, every capability the agent can hand out (as for a
 * --privileged container); the seccomp program and no_new_privs stay the container's (compiled for
 * its own capabilities: docker keeps them too).
 */
function privilegedExecCapabilities(): CapabilitySets {
  const all = capabilityMask(ownBoundingSet());
  return { bounding: all, effective: all, permitted: all };
}
