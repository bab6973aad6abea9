// A small in-memory Runtime for route tests: it keeps containers in a map and follows the same
// error contract as the real one (BerthError NOT_FOUND, INVALID_STATE, …). Pure logic only; the
// integration tests run the real runtime.
import { PassThrough } from 'node:stream';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { BerthError } from '../../../agent/errors.js';
import { EventBus } from '../../../agent/events/index.js';
import type { AgentFacts, ServerDeps } from '../../../agent/api/index.js';
import type {
  ContainerInput, ContainerInfo, ContainerSpec, ExecOptions, ExecProcess, ExitInfo, LogLine, LogOptions, OutputOptions, ProcessList, ResolvedSpec, ResourcesSpec, RestartPolicy, Runtime, StopHow, StopReason, UpdateOrigin,
} from '../../../agent/runtime/types.js';

export interface Call { method: string; args: unknown[] }

export class FakeRuntime implements Runtime {
  readonly containers = new Map<string, ContainerInfo>();
  readonly calls: Call[] = [];
  logLines: LogLine[] = [];
  execOutput: { stdout: string[]; stderr: string[]; exitCode: number } = { stdout: [], stderr: [], exitCode: 0 };
  outputChunks: { stream: 'stdout' | 'stderr'; data: Buffer }[] = [];
  failStart?: BerthError;
  failCreate?: BerthError;

  private record(method: string, ...args: unknown[]) { this.calls.push({ method, args }); }

  async recover() {}
  async resolve(spec: ContainerSpec): Promise<ResolvedSpec> { return resolved(spec); }

  async create(spec: ContainerSpec): Promise<ContainerInfo> {
    this.record('create', spec);
    if (this.failCreate) throw this.failCreate;
    const id = randomBytes(32).toString('hex');
    const info: ContainerInfo = {
      id, name: spec.name ?? `c${this.containers.size}`, status: 'created', pid: 0, shimPid: 0,
      createdAt: new Date().toISOString(), spec: resolved(spec), cgroup: `/berth/${id}`, stateDir: `/state/${id}`, warnings: ['w1'],
    };
    this.containers.set(id, info);
    return info;
  }

  get(idOrName: string): ContainerInfo {
    // The real runtime's order: full id, exact name, then an id prefix (random ids may start with a name).
    const all = [...this.containers.values()];
    const c = all.find((x) => x.id === idOrName) ?? all.find((x) => x.name === idOrName) ?? all.find((x) => x.id.startsWith(idOrName));
    if (c) return c;
    throw new BerthError('NOT_FOUND', `no such container: ${idOrName}`, { id: idOrName });
  }

  list(all = false): ContainerInfo[] { return [...this.containers.values()].filter((c) => all || c.status === 'running'); }

  async start(id: string) { this.record('start', id); if (this.failStart) throw this.failStart; return this.set(id, 'running'); }
  async stop(id: string, how?: StopHow, reason?: StopReason) { this.record('stop', id, how, reason); return this.set(id, 'exited'); }
  async restart(id: string, how?: StopHow, reason?: StopReason) { this.record('restart', id, how, reason); return this.set(id, 'running'); }
  async kill(id: string, signal?: string, reason?: StopReason) { this.record('kill', id, signal, reason); return this.set(id, 'exited'); }
  async pause(id: string, reason?: StopReason) { this.record('pause', id, reason); return this.set(id, 'paused'); }
  async resume(id: string) { this.record('resume', id); return this.set(id, 'running'); }
  async update(id: string, resources: ResourcesSpec, origin?: UpdateOrigin) {
    this.record('update', id, resources, origin);
    const c = this.get(id);
    c.spec = { ...c.spec, resources: { ...c.spec.resources, ...resources } };
    return c;
  }

  async updateRestartPolicy(id: string, policy: RestartPolicy) {
    this.record('updateRestartPolicy', id, policy);
    const c = this.get(id);
    c.spec = { ...c.spec, restartPolicy: policy };
    return c;
  }

  async rename(id: string, name: string) {
    this.record('rename', id, name);
    const c = this.get(id);
    c.name = name;
    return c;
  }

  async top(id: string, psArgs?: string[]): Promise<ProcessList> {
    this.record('top', id, psArgs);
    if (this.get(id).status !== 'running') throw new BerthError('INVALID_STATE', 'container is not running');
    return { titles: ['UID', 'PID', 'CMD'], processes: [['root', '4242', 'sleep 100']] };
  }

  async wait(id: string): Promise<ExitInfo> {
    this.record('wait', id);
    this.get(id);
    return { exitCode: 3, oomKilled: false, finishedAt: '2024-01-01T00:00:00.000Z' };
  }

  async remove(id: string, force = false) {
    this.record('remove', id, force);
    const c = this.get(id);
    if (c.status === 'running' && !force) throw new BerthError('INVALID_STATE', `container ${c.name} is running; stop it or use force`);
    this.containers.delete(c.id);
  }

  async *logs(id: string, opts: LogOptions): AsyncIterable<LogLine[]> {
    this.record('logs', id, opts);
    const lines = opts.tail === undefined ? this.logLines : this.logLines.slice(-opts.tail);
    if (lines.length) yield lines;
  }

  async exec(id: string, opts: ExecOptions): Promise<ExecProcess> {
    this.record('exec', id, opts);
    if (this.get(id).status !== 'running') throw new BerthError('INVALID_STATE', 'container is not running');
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const { stdout: out, stderr: err, exitCode } = this.execOutput;
    setImmediate(() => { for (const s of out) stdout.write(s); stdout.end(); for (const s of err) stderr.write(s); stderr.end(); });
    return { pid: 42, stdout, stderr, exited: Promise.resolve({ exitCode }) };
  }

  async output(id: string, opts: OutputOptions = {}): Promise<AsyncIterable<{ stream: 'stdout' | 'stderr'; data: Buffer }>> {
    this.record('output', id, opts);
    const chunks = this.outputChunks;
    return (async function* () { yield* chunks; })();
  }

  /** What attached clients sent: bytes as text, 'EOF', or 'ROWSxCOLS'. */
  readonly attachInput: string[] = [];

  async attach(id: string): Promise<ContainerInput> {
    this.record('attach', id);
    const input = this.attachInput;
    return {
      write: async (data) => { input.push(data.toString()); },
      end: async () => { input.push('EOF'); },
      resize: async (size) => { input.push(`${size.rows}x${size.cols}`); },
      close: () => { input.push('detached'); },
    };
  }

  async close() {}

  private set(id: string, status: ContainerInfo['status']): ContainerInfo {
    const c = this.get(id);
    c.status = status;
    return c;
  }
}

function resolved(spec: ContainerSpec): ResolvedSpec {
  return { name: spec.name ?? '', rootfs: spec.rootfs ?? '', image: spec.image ?? spec.rootfs ?? '', cmd: spec.cmd ?? [], labels: spec.labels ?? {} } as unknown as ResolvedSpec;
}

export const facts: AgentFacts = {
  version: '0.0.0-test', startedAt: '2024-01-01T00:00:00.000Z', stateDir: '/state', cgroupVersion: 'hybrid',
  cgroupParent: 'berth-test', rulesDir: '', socket: '/run/test.sock', listen: '127.0.0.1:0', sampleIntervalMs: 1000,
};

export function fakeDeps(runtime: Runtime, over: Partial<ServerDeps> = {}): ServerDeps {
  return { runtime, events: new EventBus(), logger: pino({ level: 'silent' }), facts, listener: 'unix', ...over };
}
