// recover: after an agent (re)start, rebuild the registry from `<state>/containers`. A live shim
// is adopted; an exit that happened while the agent was down is recorded from the exit file;
// a half-created container (no `created` recorded) is removed with its processes and cgroup;
// cgroups under the parent with no state dir go too. A container that was being started again
// (`relaunching`) is the exited container it was before; an update cut short is finished. A
// container whose shim is gone without an exit file (the host restarted, or the shim was killed)
// is kept: see lost-shim.ts.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { isErrno } from '../errors.js';
import { RECORD_FORMAT, type ContainerRecord } from './container.js';
import { killLeftovers, killProcesses } from './cleanup.js';
import { describe, type RuntimeContext } from './context.js';
import { isFullId } from './ids.js';
import { loadBundleOciSync } from './bundle-oci.js';
import { DEFAULT_SHM_SIZE_BYTES } from './defaults.js';
import { readExitFile } from './exit-file.js';
import { currentBoot } from './host-boot.js';
import { launchedThisBoot, recordLostShim, shimAlive } from './lost-shim.js';
import { cgroupExists } from './relaunch.js';
import { DEFAULT_START_INTERVAL_SECONDS, resolveHealthcheck, UNSET_RESOURCES } from './resolve-common.js';
import { pathExists, SHIM_PID_FILE, STATE_FILE } from './store.js';

export interface RecoverySummary { adopted: number; exited: number; lost: number; discarded: number; orphanCgroups: number; failed: number }

export async function recoverContainers(ctx: RuntimeContext): Promise<RecoverySummary> {
  await ctx.store.init();
  const summary: RecoverySummary = { adopted: 0, exited: 0, lost: 0, discarded: 0, orphanCgroups: 0, failed: 0 };
  for (const id of await ctx.store.listIds()) {
    try {
      summary[await recoverOne(ctx, id)]++;
    } catch (err) {
      summary.failed++;
      ctx.logger.error({ err, id }, `recover container ${id}: failed; its state directory is left for inspection`);
    }
  }
  for (const name of await ctx.cgroups.list()) {
    // Only a container's (named by its id): a nested cgroup parent of another agent (berth/test) is not ours.
    if (!isFullId(name) || ctx.records.has(name) || (await pathExists(ctx.store.dir(name)))) continue;
    await killLeftovers(ctx, name, { shimPid: 0 });
    summary.orphanCgroups++;
  }
  const message = `recovered: ${summary.adopted} live, ${summary.exited} exited, ${summary.lost} whose shim was gone, `
    + `${summary.discarded} half-created removed, `
    + `${summary.orphanCgroups} orphan cgroups removed, ${summary.failed} failed`;
  ctx.events.emit('agent.recovered', message, { data: { ...summary } });
  ctx.logger.info(summary, message);
  return summary;
}

async function recoverOne(ctx: RuntimeContext, id: string): Promise<'adopted' | 'exited' | 'lost' | 'discarded'> {
  const record = await readRecord(ctx, id);
  if (record?.phase === 'relaunching') await abandonRelaunch(ctx, record);
  if (!record || record.phase !== 'created') {
    await discard(ctx, id, record);
    return 'discarded';
  }
  if (record.updating) await finishUpdate(ctx, record);
  let outcome: 'exited' | 'lost' = 'exited';
  if (!record.exit && !(await readExitFile(record.files.exit))) {
    if (await shimAlive(record)) {
      if (record.status === 'stopping' || record.status === 'removing') record.status = 'running'; // that request died with the agent
      // The shim unlinks the fifo when started; state.json may not have said `running` yet.
      if (record.status === 'created' && !(await pathExists(record.files.startFifo))) record.status = 'running';
      register(ctx, record);
      ctx.exits.track(record.id, record.files.exit);
      return 'adopted';
    }
    outcome = 'lost';
    if (await recordLostShim(ctx, record, 'at agent start') === 'kept created') {
      register(ctx, record);
      ctx.exits.track(record.id, record.files.exit); // a wait before the start waits for the run it starts
      return outcome;
    }
  }
  const wasRemoving = record.status === 'removing';
  if (record.exit) record.status = 'exited';
  register(ctx, record);
  // An exit not yet recorded is recorded by the tracker, like a live one's, before the agent
  // serves anything: nobody sees `running` for a container known to have exited.
  if (!record.exit) {
    ctx.exits.track(record.id, record.files.exit);
    await ctx.exits.recheck(record.id, record.files.exit);
  } else if (wasRemoving || record.spec.autoRemove) ctx.scheduleRemove(record); // the agent died before removing it
  return outcome;
}

function register(ctx: RuntimeContext, record: ContainerRecord): void {
  const owner = ctx.names.get(record.name);
  if (owner !== undefined && owner !== record.id) {
    ctx.logger.warn({ id: record.id, name: record.name, owner }, 'two containers recorded with one name; renaming the later one');
    record.name = `${record.name}_${record.id.slice(0, 12)}`;
  }
  ctx.names.set(record.name, record.id);
  ctx.records.set(record.id, record);
}

/** Fields added to the resolved spec after a container was created: an older agent's state.json lacks them. */
function withLaterDefaults(record: ContainerRecord): ContainerRecord {
  record.spec.restartPolicy ??= { name: 'no', maxRetries: 0 };
  record.spec.healthcheck ??= resolveHealthcheck(undefined);
  record.spec.sysctls ??= {};
  record.spec.privilegedMode ??= false;
  record.spec.domainname ??= '';
  record.spec.tty ??= false;
  record.spec.openStdin ??= false;
  record.spec.consoleSize ??= { rows: 0, cols: 0 };
  record.spec.devices ??= [];
  record.spec.deviceCgroupRules ??= [];
  record.spec.init ??= false;
  record.spec.logRotate ??= { maxSizeBytes: 0, maxFiles: 1 };
  record.spec.groupAdd ??= [];
  record.spec.extraHosts ??= [];
  record.spec.dns ??= [];
  record.spec.dnsSearch ??= [];
  record.spec.dnsOptions ??= [];
  record.spec.shmSizeBytes ??= record.spec.bundle || record.spec.namespaces.ipc === 'host' ? 0 : DEFAULT_SHM_SIZE_BYTES;
  record.spec.oomScoreAdj ??= bundleOomScoreAdj(record.spec.bundle);
  record.spec.healthcheck.startIntervalSeconds ??= DEFAULT_START_INTERVAL_SECONDS;
  record.spec.resources = { ...UNSET_RESOURCES, ...record.spec.resources };
  return record;
}

/** A bundle's process.oomScoreAdj, which the plan took from config.json before the spec held it. */
function bundleOomScoreAdj(bundle: string): number {
  if (!bundle) return 0;
  try {
    return loadBundleOciSync(bundle).process?.oomScoreAdj ?? 0;
  } catch {
    return 0; // the bundle is gone or broken: a relaunch will say so itself
  }
}

/**
 * A torn or foreign state.json counts as half-created: nothing else can be done with it. One of a
 * newer format is an error instead (the container is left alone).
 */
async function readRecord(ctx: RuntimeContext, id: string): Promise<ContainerRecord | undefined> {
  let record: ContainerRecord | undefined;
  try {
    record = await ctx.store.readJson<ContainerRecord>(id, STATE_FILE);
  } catch (err) {
    ctx.logger.warn({ err, id }, `unreadable ${STATE_FILE}; treating the container as half-created`);
    return undefined;
  }
  if ((record?.format ?? 1) > RECORD_FORMAT) {
    // Thrown, not discarded: recoverContainers logs it and leaves the directory, processes and cgroup as they are.
    throw new Error(`${ctx.store.dir(id)}/${STATE_FILE} has format ${record!.format}, written by a newer berth `
      + `(this one reads up to ${RECORD_FORMAT}); the container is left alone`);
  }
  if (record && record.id === id && record.files && record.spec) return withLaterDefaults(record);
  if (record) ctx.logger.warn({ id }, `${ctx.store.dir(id)}/${STATE_FILE} does not describe container ${id}`);
  return undefined;
}

/**
 * An update the agent died in the middle of (update.ts): its writes are made again (each sets a
 * value, so repeating those done before the crash does no harm), and the record takes its limits.
 * The client got no answer either way; finishing it is what leaves the cgroup and the record
 * agreeing. A cgroup gone since (a host restart) is made from the record at the next start.
 */
async function finishUpdate(ctx: RuntimeContext, record: ContainerRecord): Promise<void> {
  const { resources, cgroup } = record.updating!;
  try {
    if (await cgroupExists(ctx, record)) await ctx.cgroups.update(record.cgroupName, cgroup);
    record.spec.resources = resources;
    ctx.logger.warn({ id: record.id, resources: cgroup }, `the agent stopped during an update of ${describe(record)}; the update is finished now`);
  } catch (err) {
    ctx.logger.error({ err, id: record.id, resources: cgroup },
      `the agent stopped during an update of ${describe(record)}, which cannot be finished now; its cgroup may keep part of it: ${(err as Error).message}`);
  }
  delete record.updating;
  await ctx.persist(record);
}

/** Kills what the interrupted attempt started (its shim wrote a fresh shim.pid); the cgroup and the last exit stay. */
async function abandonRelaunch(ctx: RuntimeContext, record: ContainerRecord): Promise<void> {
  const shimPid = await readPidFile(join(ctx.store.dir(record.id), SHIM_PID_FILE));
  ctx.logger.warn({ id: record.id, shimPid }, `the agent stopped while ${describe(record)} was being started again; it stays exited`);
  await killProcesses(ctx, record.cgroupName, { shimPid });
  record.phase = 'created';
  await ctx.persist(record);
}

async function discard(ctx: RuntimeContext, id: string, record: ContainerRecord | undefined): Promise<void> {
  // After a host restart the recorded pid is someone else's (readPidFile knows the same of a pid file).
  const shimPid = record && !launchedThisBoot(record) ? 0 : record?.shimPid || (await readPidFile(join(ctx.store.dir(id), SHIM_PID_FILE)));
  ctx.logger.warn({ id, shimPid }, `removing half-created container ${id}`);
  await killLeftovers(ctx, record?.cgroupName ?? id, { shimPid });
  await ctx.store.removeDir(id);
}

/** 0 for a file written before the host's last boot: its pid is someone else's now. */
async function readPidFile(path: string): Promise<number> {
  try {
    if ((await fs.stat(path)).mtimeMs < currentBoot().timeMs) return 0;
    const pid = Number((await fs.readFile(path, 'utf8')).trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : 0;
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return 0;
    throw err;
  }
}
