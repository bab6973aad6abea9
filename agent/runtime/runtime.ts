// The Runtime the rest of the agent uses: looks containers up, serializes the verbs per
// container, and records exits. The verbs themselves live one per file.
import { cpus } from 'node:os';
import { join } from 'node:path';
import { BerthError } from '../errors.js';
import { isAllowed, RECORD_FORMAT, toInfo, type ContainerRecord } from './container.js';
import { describe, type RuntimeContext, type RuntimeOptions } from './context.js';
import { createContainer } from './create.js';
import { toExitInfo, type ExitFile } from './exit-file.js';
import { execInContainer } from './exec.js';
import { findRecord, notFound } from './find.js';
import { killContainer } from './kill.js';
import { oomKillCount } from './oom.js';
import { KeyedLock } from './lock.js';
import { checkLogOptions, readLogs } from './logs.js';
import { pauseContainer, resumeContainer } from './pause.js';
import { recoverContainers } from './recover.js';
import { removeContainer } from './remove.js';
import { resolveSpec } from './resolve.js';
import { validateSpec } from './spec.js';
import { startContainer } from './start.js';
import { stopContainer, exitPromise } from './stop.js';
import { ContainerStore, STATE_FILE } from './store.js';
import { renameContainer } from './rename.js';
import { topContainer } from './top.js';
import { updateContainer } from './update.js';
import { updateRestartPolicy } from './restart-update.js';
import { RestartScheduler } from './restarts.js';
import { HealthMonitor } from './health.js';
import { ShimWatch } from './shim-watch.js';
import { ExitTracker } from './wait.js';
import { EXEC_SOCKET, ExecStdioServer } from './exec-stdio.js';
import { ShimSpawner } from './shim-spawner.js';
import { SeccompCompiler } from './seccomp/index.js';
import { attachInput, containerOutput } from './attach.js';
import type { OutputChunk } from './cri-log.js';
import type {
  AdmittedProcess, ContainerInfo, ContainerInput, ContainerSpec, ExecOptions, ExecProcess, ExitInfo, LogLine, LogOptions, OutputOptions, ProcessList, ResolvedSpec, ResourcesSpec, RestartPolicy, Runtime,
  StopHow, StopReason, UpdateOrigin,
} from './types.js';

export class BerthRuntime implements Runtime {
  private readonly ctx: RuntimeContext;
  private readonly restarts: RestartScheduler;
  private readonly health: HealthMonitor;
  private readonly shims: ShimWatch;
  private closed = false;

  constructor(opts: RuntimeOptions) {
    const store = new ContainerStore(opts.stateDir);
    const persistQueues = new Map<string, Promise<void>>();
    const seccomp = new SeccompCompiler();
    const self = this;
    this.ctx = {
      store,
      cgroups: opts.cgroups,
      events: opts.events,
      logger: opts.logger,
      shimPath: opts.shimPath,
      launcher: new ShimSpawner(opts.shimPath, opts.logger),
      execStdio: new ExecStdioServer(join(opts.stateDir, EXEC_SOCKET), opts.logger),
      admit: opts.admit,
      hostCpus: opts.hostCpus ?? cpus().length,
      compileSeccomp: (profile, capabilities) => seccomp.compile(profile, capabilities),
      records: new Map(),
      names: new Map(),
      lock: new KeyedLock(),
      exits: new ExitTracker((id, file) => self.recordExit(id, file), opts.logger),
      persist(record) {
        // Queued per container and serialized at write time: the last state always lands last.
        const next = (persistQueues.get(record.id) ?? Promise.resolve()).catch(() => undefined)
          .then(() => store.writeJson(record.id, STATE_FILE, { ...record, format: RECORD_FORMAT }));
        persistQueues.set(record.id, next);
        void next.finally(() => { if (persistQueues.get(record.id) === next) persistQueues.delete(record.id); }).catch(() => undefined);
        return next;
      },
      persistLater(record) {
        this.persist(record).catch((err: unknown) => opts.logger.error({ err, id: record.id }, `write state of ${describe(record)} failed`));
      },
      async settled(id) {
        await persistQueues.get(id)?.catch(() => undefined);
      },
      emit(kind, record, message, data) {
        opts.events.emit(kind, message, { containerId: record.id, containerName: record.name, ...(data ? { data } : {}) });
      },
      scheduleRemove(record) {
        if (self.closed) return;
        void self.ctx.lock.run(record.id, async () => {
          if (self.ctx.records.get(record.id) === record) await removeContainer(self.ctx, record, true);
        }).catch((err) => opts.logger.error({ err, id: record.id }, `auto-remove ${describe(record)} failed`));
      },
    };
    this.restarts = new RestartScheduler(this.ctx, (id) => this.policyStart(id));
    this.health = new HealthMonitor(this.ctx);
    this.shims = new ShimWatch(this.ctx);
  }

  async recover(): Promise<void> {
    await recoverContainers(this.ctx);
    for (const record of this.ctx.records.values()) {
      if (record.status === 'exited') this.restarts.atAgentStart(record);
      else this.health.watch(record, false); // it keeps its last health; watch skips what does not run
    }
    this.shims.start();
  }

  async resolve(spec: ContainerSpec): Promise<ResolvedSpec> {
    return resolveSpec(validateSpec(spec, { hostCpus: this.ctx.hostCpus }), { hostCpus: this.ctx.hostCpus });
  }

  async create(spec: ContainerSpec): Promise<ContainerInfo> {
    this.assertOpen();
    return toInfo(await createContainer(this.ctx, spec));
  }

  /** A user's start: the restart policy applies again from here. */
  start(idOrName: string): Promise<ContainerInfo> {
    return this.locked(idOrName, (r) => {
      this.restarts.cancel(r);
      r.manuallyStopped = false;
      return this.startWatched(r);
    });
  }

  stop(idOrName: string, how: StopHow = {}, reason?: StopReason): Promise<ContainerInfo> {
    return this.locked(idOrName, (r) => {
      this.noteStopRequest(r, reason);
      return stopContainer(this.ctx, r, how, reason);
    });
  }

  async restart(idOrName: string, how: StopHow = {}, reason?: StopReason): Promise<ContainerInfo> {
    await this.stop(idOrName, how, reason);
    return this.start(idOrName);
  }

  /** Not behind the lock: a kill must be able to cut a graceful stop short. */
  async kill(idOrName: string, signal?: string, reason?: StopReason): Promise<ContainerInfo> {
    const record = this.find(idOrName);
    if (isAllowed(record, 'kill')) this.noteStopRequest(record, reason);
    await killContainer(this.ctx, record, signal, reason);
    return toInfo(record);
  }

  pause(idOrName: string, reason?: StopReason): Promise<ContainerInfo> {
    return this.locked(idOrName, (r) => pauseContainer(this.ctx, r, reason));
  }

  resume(idOrName: string): Promise<ContainerInfo> {
    return this.locked(idOrName, (r) => resumeContainer(this.ctx, r));
  }

  update(idOrName: string, resources: ResourcesSpec, origin: UpdateOrigin = 'user'): Promise<ContainerInfo> {
    return this.locked(idOrName, (r) => updateContainer(this.ctx, r, resources, origin));
  }

  updateRestartPolicy(idOrName: string, policy: RestartPolicy): Promise<ContainerInfo> {
    return this.locked(idOrName, async (r) => {
      await updateRestartPolicy(this.ctx, r, policy);
      if (policy.name === 'no' && r.restartAt !== undefined) {
        this.restarts.cancel(r);
        await this.ctx.persist(r);
      }
    });
  }

  rename(idOrName: string, name: string): Promise<ContainerInfo> {
    return this.locked(idOrName, (r) => renameContainer(this.ctx, r, name));
  }

  top(idOrName: string, psArgs: string[] = []): Promise<ProcessList> {
    return topContainer(this.ctx, this.find(idOrName), psArgs);
  }

  async wait(idOrName: string): Promise<ExitInfo> {
    const record = this.find(idOrName);
    if (record.exit) return record.exit;
    return exitPromise(this.ctx, record);
  }

  async remove(idOrName: string, force = false): Promise<void> {
    const record = this.find(idOrName);
    this.restarts.cancel(record);
    this.health.forget(record);
    await this.ctx.lock.run(record.id, async () => {
      if (this.ctx.records.get(record.id) !== record) throw notFound(idOrName); // removed meanwhile (e.g. --rm)
      await removeContainer(this.ctx, record, force);
    });
  }

  get(idOrName: string): ContainerInfo {
    return toInfo(this.find(idOrName));
  }

  list(all = false): ContainerInfo[] {
    const out: ContainerInfo[] = [];
    for (const record of this.ctx.records.values()) {
      if (all || record.status !== 'exited') out.push(toInfo(record));
    }
    return out.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
  }

  logs(idOrName: string, opts: LogOptions): AsyncIterable<LogLine[]> {
    const record = this.find(idOrName);
    checkLogOptions(opts);
    return readLogs(this.ctx, record, opts);
  }

  /** A user's exec (healthcheck probes are not events): each start and end is one, docker's exec_start / exec_die. */
  async exec(idOrName: string, opts: ExecOptions): Promise<ExecProcess> {
    const record = this.find(idOrName);
    const proc = await execInContainer(this.ctx, record, opts, (process) => this.admit(record, 'exec', process));
    const what = { cmd: opts.cmd, user: opts.user ?? record.spec.user.name, tty: opts.tty ?? false, stdin: opts.stdin ?? false,
      privileged: opts.privileged ?? false, pid: proc.pid };
    this.ctx.emit('container.exec', record, `exec in ${describe(record)}: ${opts.cmd.join(' ')}`, what);
    void proc.exited.then((exit) => {
      this.ctx.emit('container.exec_exited', record, `exec in ${describe(record)} exited with code ${exit.exitCode}: ${opts.cmd.join(' ')}`, { ...what, ...exit });
    });
    return proc;
  }

  output(idOrName: string, opts: OutputOptions = {}): Promise<AsyncIterable<OutputChunk>> {
    return containerOutput(this.ctx, this.find(idOrName), opts);
  }

  /** Who types into a container is an event: attached, and detached when that client goes. */
  async attach(idOrName: string): Promise<ContainerInput> {
    const record = this.find(idOrName);
    const { spec } = record;
    const what = { stdin: spec.openStdin, tty: spec.tty };
    await this.admit(record, 'attach', {
      command: [], user: spec.user.name, uid: spec.user.uid, gid: spec.user.gid, tty: spec.tty, stdin: spec.openStdin, workdir: spec.workdir, env: spec.env,
      privileged: false,
    });
    const input = await attachInput(record, () => this.ctx.emit('container.detached', record, `detached from ${describe(record)}`, what));
    this.ctx.emit('container.attached', record, `attached to ${describe(record)}`, what);
    return input;
  }

  /** The policies' exec rules on a process that reaches into the container; throws POLICY_DENIED. */
  private async admit(record: ContainerRecord, operation: 'exec' | 'attach', process: AdmittedProcess): Promise<void> {
    await this.ctx.admit?.(record.spec, { operation, containerId: record.id, process });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.restarts.close();
    this.health.close();
    this.shims.close();
    this.ctx.exits.close();
    this.ctx.launcher.close();
    await this.ctx.execStdio.close();
  }

  /** By full id, then by exact name, then by a unique id prefix (Docker's order). */
  private find(idOrName: string): ContainerRecord {
    return findRecord(this.ctx, idOrName);
  }

  private async locked(idOrName: string, verb: (record: ContainerRecord) => Promise<void>): Promise<ContainerInfo> {
    const record = this.find(idOrName);
    return this.ctx.lock.run(record.id, async () => {
      if (this.ctx.records.get(record.id) !== record) throw notFound(idOrName);
      await verb(record);
      return toInfo(record);
    });
  }

  private assertOpen(): void {
    if (this.closed) throw new BerthError('INVALID_STATE', 'the runtime is shutting down');
  }

  /** Called by the exit tracker when the exit file appears (fresh, adopted or exited while down). */
  private async recordExit(id: string, file: ExitFile): Promise<ExitInfo> {
    const record = this.ctx.records.get(id);
    if (!record) return toExitInfo(file, false);
    // The cgroup outlives a run (a restarted container keeps it): compare with this run's baseline.
    const oomKilled = file.signal === 'SIGKILL' && oomKillCount(this.ctx, record) > (record.oomKillsAtStart ?? 0);
    const exit = toExitInfo(file, oomKilled, record.pendingReason);
    Object.assign(record, { status: 'exited', exit });
    delete record.pendingReason;
    this.health.forget(record);
    this.ctx.persistLater(record); // the exit file is the durable fact; recovery reads it again
    if (exit.oomKilled) this.ctx.emit('container.oom', record, `${describe(record)} was killed by the OOM killer`);
    this.ctx.emit('container.exited', record, `${describe(record)} exited with code ${exit.exitCode}`, { ...exit });
    if (record.spec.autoRemove) this.ctx.scheduleRemove(record);
    else this.restarts.afterExit(record, exit);
    return exit;
  }

  /** A user stopping or killing a container takes it out of its restart policy (docker's "manually stopped"). */
  private noteStopRequest(record: ContainerRecord, reason: StopReason | undefined): void {
    if (reason?.by !== 'user') return;
    this.restarts.cancel(record);
    record.manuallyStopped = true;
    this.ctx.persistLater(record);
  }

  /** The restart policy's start: only if the record still waits for it (no user acted meanwhile). */
  private async policyStart(id: string): Promise<void> {
    if (!this.ctx.records.has(id) || this.closed) return; // removed meanwhile
    await this.locked(id, async (r) => {
      if (r.restartAt === undefined || r.status !== 'exited') return;
      delete r.restartAt;
      r.restartCount = (r.restartCount ?? 0) + 1;
      await this.startWatched(r);
    });
  }

  /** Every start, a user's or the restart policy's, begins the healthcheck afresh. */
  private async startWatched(record: ContainerRecord): Promise<void> {
    await startContainer(this.ctx, record);
    this.health.watch(record);
  }

}

