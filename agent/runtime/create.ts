// create: validate → reserve id and name → resolve → admit → state dir (and the /etc files in it)
// → cgroup → launch plan → shim → `created`. All or nothing: any failure kills what started,
// destroys the cgroup and removes the state directory before the error (naming the step) reaches
// the caller.
import { hostname as hostHostname } from 'node:os';
import { BerthError } from '../errors.js';
import type { ContainerRecord } from './container.js';
import { describe, type RuntimeContext } from './context.js';
import { currentBoot } from './host-boot.js';
import { generateName, newContainerId } from './ids.js';
import { ensureEtcFiles } from './etc-files.js';
import { reserveExitSpace } from './exit-reserve.js';
import { joinedHostname, joinPaths, withJoinedIds } from './joins.js';
import { buildLaunchPlan } from './plan.js';
import { encodeLaunchPlan } from './plan-format.js';
import { loadBundleOci } from './bundle-oci.js';
import { resolveSpec } from './resolve.js';
import { onlySet, toCgroupResources } from './resources.js';
import { specToOciConfig } from './oci-config.js';
import { pidsOf, processStartTicks } from './shim.js';
import { validateSpec } from './spec.js';
import { OCI_CONFIG_FILE, SPEC_FILE } from './store.js';
import { killLeftovers } from './cleanup.js';
import type { OciConfig } from './oci-types.js';
import type { LaunchPlan } from './plan-types.js';
import type { ContainerSpec, ResolvedSpec } from './types.js';

export async function createContainer(ctx: RuntimeContext, input: unknown): Promise<ContainerRecord> {
  const spec = validateSpec(input, { hostCpus: ctx.hostCpus });
  const id = newContainerId();
  const name = reserveName(ctx, spec.name, id);
  try {
    const resolved = withDefaultHostname(withJoinedIds(ctx, await resolveSpec({ ...spec, name }, { hostCpus: ctx.hostCpus })), spec, id, ctx);
    const { warnings } = ctx.admit ? await ctx.admit(resolved, { operation: 'create' }) : { warnings: [] };
    return await launch(ctx, { id, name, spec, resolved, warnings });
  } catch (err) {
    if (ctx.names.get(name) === id) ctx.names.delete(name);
    throw err;
  }
}

/** Reserved before the first await, so 50 concurrent creates never pick the same name. */
function reserveName(ctx: RuntimeContext, requested: string | undefined, id: string): string {
  if (requested !== undefined) {
    const owner = ctx.names.get(requested);
    if (owner !== undefined) {
      throw new BerthError('NAME_IN_USE', `name "${requested}" is already in use by container ${owner.slice(0, 12)}`, { name: requested, id: owner });
    }
  }
  const name = requested ?? generateName((n) => ctx.names.has(n));
  ctx.names.set(name, id);
  return name;
}

/**
 * Docker's default hostname: the short id, or the host's name in the host's network namespace
 * (what resolves there is the host's name), or in another container's that one's. The resolver only knows the name.
 */
function withDefaultHostname(resolved: ResolvedSpec, spec: ContainerSpec, id: string, ctx: RuntimeContext): ResolvedSpec {
  if (spec.hostname !== undefined || spec.bundle !== undefined || resolved.namespaces.uts === 'host') return resolved;
  const hostname = joinedHostname(ctx, resolved) ?? (resolved.namespaces.net === 'host' ? hostHostname() : id.slice(0, 12));
  const userSetEnv = (spec.env ?? []).some((e) => e.startsWith('HOSTNAME='));
  const env = userSetEnv ? resolved.env : resolved.env.map((e) => (e.startsWith('HOSTNAME=') ? `HOSTNAME=${hostname}` : e));
  return { ...resolved, hostname, env };
}

interface Launch { id: string; name: string; spec: ContainerSpec; resolved: ResolvedSpec; warnings: string[] }

async function launch(ctx: RuntimeContext, { id, name, spec, resolved, warnings }: Launch): Promise<ContainerRecord> {
  const what = `create ${describe({ id, name })}`;
  const stateDir = await ctx.store.createDir(id);
  let pids = { shimPid: 0, initPid: 0 };
  try {
    const oci = resolved.bundle ? await loadBundleOci(resolved.bundle) : undefined;
    ensureEtcFiles(stateDir, resolved);
    const plan = launchPlanFor(ctx, id, stateDir, resolved, oci);
    const record: ContainerRecord = {
      id, name, phase: 'creating', status: 'created', pid: 0, shimPid: 0, bootId: currentBoot().id, createdAt: new Date().toISOString(),
      spec: resolved, cgroupName: id, cgroup: ctx.cgroups.path(id), stateDir, warnings,
      files: { log: plan.logPath, exit: plan.exitPath, startFifo: plan.startFifo },
    };
    // Until state.json says `created`, a crash leaves a directory that recovery treats as
    // half-created (and a cgroup named by the id): both are removed at the next start. The
    // documents for `inspect` are written while the cgroup and the shim are being made.
    const documents = Promise.all([
      ctx.store.writeJson(id, SPEC_FILE, spec), ctx.store.writeJson(id, OCI_CONFIG_FILE, specToOciConfig(plan, resolved, oci))]);
    documents.catch(() => undefined); // awaited below; a failure must not be unhandled meanwhile
    await ctx.cgroups.create(id, onlySet(toCgroupResources(resolved, oci)));
    await reserveExitSpace(stateDir);
    try {
      pids = await ctx.launcher.launch(id, encodeLaunchPlan(plan), what);
    } catch (err) {
      pids = pidsOf(err);
      throw err;
    }
    await documents;
    Object.assign(record, { phase: 'created', pid: pids.initPid, shimPid: pids.shimPid, shimStartTicks: await processStartTicks(pids.shimPid) });
    await ctx.persist(record);
    ctx.records.set(id, record);
    ctx.exits.track(id, record.files.exit);
    ctx.emit('container.created', record, `created ${describe(record)}`, { image: resolved.image, cmd: resolved.cmd });
    return record;
  } catch (err) {
    await undoCreate(ctx, id, pids);
    throw asLaunchError(err, what);
  }
}

async function undoCreate(ctx: RuntimeContext, id: string, pids: { shimPid: number; initPid: number }): Promise<void> {
  try {
    await killLeftovers(ctx, id, pids);
    await ctx.store.removeDir(id);
  } catch (err) {
    ctx.logger.error({ err, id }, 'cleaning up after a failed create failed; recovery will retry at the next start');
  }
}

export function launchPlanFor(ctx: RuntimeContext, id: string, stateDir: string, resolved: ResolvedSpec, oci: OciConfig | undefined): LaunchPlan {
  return buildLaunchPlan(resolved, {
    id, stateDir, cgroupProcs: ctx.cgroups.procsFiles(id), cgroupVersion: ctx.cgroups.version, cgroupPath: ctx.cgroups.path(id),
    oci, compileSeccomp: ctx.compileSeccomp,
    initPath: ctx.shimPath, joins: joinPaths(ctx, resolved),
  });
}

export function asLaunchError(err: unknown, what: string): BerthError {
  if (err instanceof BerthError) return err;
  return new BerthError('LAUNCH_FAILED', `${what}: ${(err as Error).message ?? String(err)}`, undefined, { cause: err });
}
