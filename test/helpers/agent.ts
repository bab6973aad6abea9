// Starts a real agent (from source, through tsx) with its own state dir, socket, TCP port and
// cgroup parent, so tests and several agents run side by side. `stop()` removes every container,
// cgroup, process and file the agent made, also when a test failed half-way.
import { spawn, execFile, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { waitFor } from './wait.js';

export const ROOT = resolve(import.meta.dirname, '../..');
const CGROUP_ROOT = '/sys/fs/cgroup';
// The VM of pure-v2-vm.test.ts emulates its CPUs: an agent loading from source takes longer there.
export const START_TIMEOUT_MS = Number(process.env.BERTH_TEST_AGENT_START_MS ?? 20_000);
/**
 * node's arguments that run berth (agent and CLI) from source: through tsx, or the bundle of the
 * sources the VM makes before it boots (test/vm/bundle.ts), which loads ~3× faster there.
 */
export const BERTH_MAIN = process.env.BERTH_TEST_MAIN ? [process.env.BERTH_TEST_MAIN] : ['--import', 'tsx', join(ROOT, 'agent/main.ts')];

export interface ApiResponse<T = any> { status: number; body: T; headers: Record<string, string | string[] | undefined> }
export interface CliResult { code: number; stdout: string; stderr: string }

export interface AgentOptions {
  rules?: string;
  sampleInterval?: string; // e.g. "200ms"
  token?: string;
  extraArgs?: string[];
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => res(port));
    });
  });
}

/** HTTP over a unix socket (or TCP when `socket` is "host:port"). */
export function apiRequest<T = any>(socketOrUrl: string, method: string, path: string, body?: unknown,
  headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
  return new Promise((res, rej) => {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const target = socketOrUrl.startsWith('http://')
      ? { host: new URL(socketOrUrl).hostname, port: Number(new URL(socketOrUrl).port) }
      : { socketPath: socketOrUrl };
    const req = httpRequest({ ...target, method, path, headers: {
      ...(data ? { 'content-type': 'application/json', 'content-length': String(data.length) } : {}), ...headers } }, (resp) => {
      const chunks: Buffer[] = [];
      resp.on('data', (c) => chunks.push(c));
      resp.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let parsed: any = text;
        if ((resp.headers['content-type'] ?? '').includes('json') && text) parsed = JSON.parse(text);
        res({ status: resp.statusCode ?? 0, body: parsed, headers: resp.headers });
      });
    });
    req.on('error', rej);
    if (data) req.write(data);
    req.end();
  });
}

/**
 * Whether the process has ended. A process killed by a signal (crash() is SIGKILL) has exitCode
 * null and signalCode set: taken for running, a later 'exit' wait would never end, and with no
 * handle left the test file would stop with every later test pending.
 */
function hasExited(proc: ChildProcess): boolean {
  return proc.exitCode !== null || proc.signalCode !== null;
}

export class TestAgent {
  readonly dir = mkdtempSync(join(tmpdir(), 'berth-agent-'));
  readonly stateDir = join(this.dir, 'state');
  readonly socket = join(this.dir, 'berth.sock');
  readonly cgroupParent = `berth-test-${randomBytes(4).toString('hex')}`;
  port = 0;
  proc?: ChildProcess;
  output = '';

  constructor(readonly options: AgentOptions = {}) {}

  get url(): string { return `http://127.0.0.1:${this.port}`; }

  args(): string[] {
    const a = ['agent', '--state-dir', this.stateDir, '--socket', this.socket, '--listen', `127.0.0.1:${this.port}`,
      '--cgroup-parent', this.cgroupParent, '--log-level', process.env.BERTH_TEST_LOG ?? 'warn'];
    if (this.options.rules) a.push('--rules', this.options.rules);
    if (this.options.sampleInterval) a.push('--sample-interval', this.options.sampleInterval);
    if (this.options.token) a.push('--token', this.options.token);
    return [...a, ...(this.options.extraArgs ?? [])];
  }

  async start(): Promise<this> {
    if (!this.port) this.port = await freePort();
    const proc = spawn(process.execPath, [...BERTH_MAIN, ...this.args()],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    proc.stdout!.on('data', (d) => { this.output += d; });
    proc.stderr!.on('data', (d) => { this.output += d; });
    await waitFor('the agent to answer /healthz', async () => {
      if (hasExited(proc)) throw new Error(`agent exited with ${proc.exitCode ?? proc.signalCode}: ${this.output}`);
      return existsSync(this.socket) && (await this.api('GET', '/healthz')).status === 200;
    }, { timeoutMs: START_TIMEOUT_MS, intervalMs: 50 });
    return this;
  }

  api<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse<T>> {
    return apiRequest<T>(this.socket, method, path, body, headers);
  }

  http<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse<T>> {
    return apiRequest<T>(this.url, method, path, body, headers);
  }

  /** Runs the berth CLI against this agent. */
  cli(args: string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<CliResult> {
    return runCli(['--host', this.socket, ...args], opts);
  }

  /** Simulates a crash: SIGKILL, no cleanup. */
  async crash(): Promise<void> {
    const proc = this.proc;
    if (!proc || hasExited(proc)) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGKILL');
    await exited;
  }

  /** SIGTERM: a graceful drain. Containers keep running. */
  async shutdown(): Promise<number | null> {
    const proc = this.proc;
    if (!proc || hasExited(proc)) return proc?.exitCode ?? null;
    const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
    proc.kill('SIGTERM');
    return exited;
  }

  async restart(): Promise<this> {
    await this.crash();
    return this.start();
  }

  /** Removes everything: containers (through the API when it answers), then any leftover process, cgroup and file. */
  async stop(): Promise<void> {
    if (this.proc && !hasExited(this.proc)) {
      try {
        const list = await this.api('GET', '/v1/containers?all=true');
        for (const c of Array.isArray(list.body) ? list.body : []) await this.api('DELETE', `/v1/containers/${c.id}?force=true`);
      } catch { /* the agent is broken: the sweep below still cleans up */ }
      await this.shutdown();
    }
    killShims(this.stateDir);
    await removeCgroupTree(this.cgroupParent);
    unmountUnder(this.dir);
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** What a failed or finished launch may not leave behind under this agent's cgroup parent. */
  leftoverCgroups(): string[] { return cgroupDirsUnder(this.cgroupParent).filter((d) => !isParentDir(d, this.cgroupParent)); }
}

/** A started agent; one that fails to start leaves nothing behind (its caller never gets it to stop). */
export async function startAgent(options: AgentOptions = {}): Promise<TestAgent> {
  const agent = new TestAgent(options);
  try {
    return await agent.start();
  } catch (err) {
    await agent.stop();
    throw err;
  }
}

export function runCli(args: string[], { input, timeoutMs = 60_000 }: { input?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((res) => {
    const child = execFile(process.execPath, [...BERTH_MAIN, ...args],
      { cwd: ROOT, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
        const code = err && typeof (err as any).code === 'number' ? (err as any).code : err ? 1 : 0;
        res({ code, stdout: String(stdout), stderr: String(stderr) });
      });
    if (input !== undefined) child.stdin!.end(input);
    else child.stdin!.end();
  });
}

function hierarchies(): string[] {
  if (!existsSync(CGROUP_ROOT)) return [];
  return readdirSync(CGROUP_ROOT).map((h) => join(CGROUP_ROOT, h));
}

function isParentDir(dir: string, parent: string): boolean { return dir.endsWith(`/${parent}`); }

function cgroupDirsUnder(parent: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    out.push(dir);
    for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) walk(join(dir, e.name));
  };
  for (const h of [...hierarchies(), CGROUP_ROOT]) {
    const p = join(h, parent);
    if (existsSync(p)) walk(p);
  }
  return [...new Set(out)];
}

/** Kills every process in the parent's cgroups, then removes them deepest first. */
export async function removeCgroupTree(parent: string): Promise<void> {
  const dirs = cgroupDirsUnder(parent).sort((a, b) => b.length - a.length);
  for (const d of dirs) {
    try { writeFileSync(join(d, 'freezer.state'), 'THAWED'); } catch { /* not the freezer hierarchy */ }
    try { writeFileSync(join(d, 'cgroup.freeze'), '0'); } catch { /* not v2 */ }
    for (const pid of readPids(d)) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
  }
  for (const d of dirs) {
    await waitFor(`cgroup ${d} to empty`, () => readPids(d).length === 0, { timeoutMs: 5000 }).catch(() => undefined);
    try { rmdirSync(d); } catch { /* busy or gone: reported by leftoverCgroups() */ }
  }
}

function readPids(dir: string): number[] {
  try { return readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number); } catch { return []; }
}

function killShims(stateDir: string): void {
  const dir = join(stateDir, 'containers');
  if (!existsSync(dir)) return;
  for (const id of readdirSync(dir)) {
    for (const f of ['shim.pid', 'init.pid']) {
      try { process.kill(Number(readFileSync(join(dir, id, f), 'utf8').trim()), 'SIGKILL'); } catch { /* gone */ }
    }
  }
}

/** Before the directory is removed: a mount still there would keep it (EBUSY) and hide what is under it. */
function unmountUnder(dir: string): void {
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8').split('\n')
    .map((l) => l.split(' ')[4]).filter((m) => m && m.startsWith(dir)).sort((a, b) => b.length - a.length);
  for (const m of mounts) {
    try { execFileSync('umount', ['-l', m], { stdio: 'ignore' }); } catch { /* gone meanwhile */ }
  }
}
