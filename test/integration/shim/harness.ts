// Drives dist/bin/berth-shim directly with hand-built plans (no agent): builds the binary, makes
// a pids cgroup of the test's own, spawns `create` with the plan on fd 3 and the status pipe on
// fd 4 or a `spawner` with framed requests, starts through the fifo, reads the CRI log and the
// exit file, and cleans up.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, constants, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync,
  rmdirSync, writeSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';
import pino from 'pino';
import { ExecStdioServer, type ExecOutput } from '../../../agent/runtime/exec-stdio.js';
import { encodeExecPlan, encodeLaunchPlan } from '../../../agent/runtime/plan-format.js';
import type { ExecPlan, LaunchPlan } from '../../../agent/runtime/plan-types.js';
import { ROOT } from '../../helpers/agent.js';
import { cgroupDir } from '../../helpers/cgroup-files.js';
import { waitFor } from '../../helpers/wait.js';

export const SHIM = join(ROOT, 'dist/bin/berth-shim');
export const DOCKER_CAPS = 0xa80425fbn;

const MS = { RDONLY: 1, NOSUID: 2, NODEV: 4, NOEXEC: 8, BIND: 4096, REC: 16384, STRICTATIME: 1 << 24 };
export { MS };

export function buildShim(): void {
  execFileSync('make', ['-s', '-C', join(ROOT, 'agent/native'), 'CC=cc', `OUT=${join(ROOT, 'dist/bin')}`], { stdio: 'inherit' });
}

export function isRoot(): boolean { return process.getuid?.() === 0; }

/** Shell: the process's own cgroup as /proc/self/cgroup names it (v1's pids line, else v2's "0::" line). */
export const OWN_CGROUP_SH = '$( (grep :pids: /proc/self/cgroup || grep ^0:: /proc/self/cgroup) | cut -d: -f3)';

/** A pids-controller cgroup of our own (v1 or v2); `remove()` kills what is left in it and deletes it. */
export class TestCgroup {
  /** As /proc/<pid>/cgroup names it. */
  readonly path = `/berth-test-shim-${randomBytes(4).toString('hex')}`;
  readonly dir = cgroupDir('pids', this.path);
  constructor() { mkdirSync(this.dir); }
  get procsFile(): string { return join(this.dir, 'cgroup.procs'); }
  pids(): number[] { return readFileSync(this.procsFile, 'utf8').split('\n').filter(Boolean).map(Number); }
  async remove(): Promise<void> {
    if (!existsSync(this.dir)) return;
    for (const pid of this.pids()) { try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ } }
    await waitFor(`cgroup ${this.dir} to empty`, () => this.pids().length === 0, { timeoutMs: 5000 });
    rmdirSync(this.dir);
  }
}

/** Docker's default mounts, devices, masked and read-only paths, 14 caps, the given command. */
export function dockerLikePlan(rootfs: string, stateDir: string, args: string[], cgroupProcs: string[]): LaunchPlan {
  const nsd = MS.NOSUID | MS.NOEXEC | MS.NODEV;
  const dev = (path: string, major: number, minor: number) => ({ path, type: 'c' as const, major, minor, mode: 0o666, uid: 0, gid: 0 });
  return {
    version: 1, id: 'test', stateDir, rootfs, readOnlyRootfs: false,
    namespaces: ['pid', 'mnt', 'uts', 'ipc', 'net'].map((type) => ({ type: type as 'pid', path: '' })),
    uidMappings: [], gidMappings: [], hostname: 'berth-shim-test', domainname: '',
    mounts: [
      { source: 'proc', target: '/proc', fstype: 'proc', flags: nsd, data: '', create: 'dir', remount: false },
      { source: 'tmpfs', target: '/dev', fstype: 'tmpfs', flags: MS.NOSUID | MS.STRICTATIME, data: 'mode=755,size=65536k', create: 'dir', remount: false },
      { source: 'devpts', target: '/dev/pts', fstype: 'devpts', flags: MS.NOSUID | MS.NOEXEC, data: 'newinstance,ptmxmode=0666,mode=0620,gid=5', create: 'dir', remount: false },
      { source: 'shm', target: '/dev/shm', fstype: 'tmpfs', flags: nsd, data: 'mode=1777,size=65536k', create: 'dir', remount: false },
      { source: 'mqueue', target: '/dev/mqueue', fstype: 'mqueue', flags: nsd, data: '', create: 'dir', remount: false },
      { source: 'sysfs', target: '/sys', fstype: 'sysfs', flags: nsd | MS.RDONLY, data: '', create: 'dir', remount: false },
    ],
    devices: [dev('/dev/null', 1, 3), dev('/dev/zero', 1, 5), dev('/dev/full', 1, 7), dev('/dev/random', 1, 8),
      dev('/dev/urandom', 1, 9), dev('/dev/tty', 5, 0)],
    symlinks: [{ target: 'pts/ptmx', link: '/dev/ptmx' }, { target: '/proc/self/fd', link: '/dev/fd' },
      { target: '/proc/self/fd/0', link: '/dev/stdin' }, { target: '/proc/self/fd/1', link: '/dev/stdout' },
      { target: '/proc/self/fd/2', link: '/dev/stderr' }],
    maskedPaths: ['/proc/acpi', '/proc/asound', '/proc/interrupts', '/proc/kcore', '/proc/keys', '/proc/latency_stats',
      '/proc/sched_debug', '/proc/scsi', '/proc/timer_list', '/proc/timer_stats', '/sys/devices/virtual/powercap', '/sys/firmware'],
    readonlyPaths: ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
    sysctls: {}, rlimits: [], uid: 0, gid: 0, additionalGids: [],
    capabilities: { bounding: DOCKER_CAPS, effective: DOCKER_CAPS, permitted: DOCKER_CAPS },
    noNewPrivileges: true, oomScoreAdj: 0, cgroupProcs, cwd: '/', args,
    env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOSTNAME=berth-shim-test'],
    logPath: join(stateDir, 'container.log'), exitPath: join(stateDir, 'exit.json'), startFifo: join(stateDir, 'start.fifo'),
  };
}

export interface CreateResult { code: number | null; lines: string[] }

function collect(stream: Readable): Promise<string> {
  return new Promise((res, rej) => {
    let text = '';
    stream.on('data', (d) => { text += d; });
    stream.on('end', () => res(text));
    stream.on('error', rej);
  });
}

/** `berth-shim create`: resolves when the status pipe closes (after `created` or `error`). */
export async function shimCreate(plan: LaunchPlan | Buffer): Promise<CreateResult> {
  const child = spawn(SHIM, ['create'], { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'], detached: true });
  const status = collect(child.stdio[4] as Readable);
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  (child.stdio[3] as Writable).end(Buffer.isBuffer(plan) ? plan : encodeLaunchPlan(plan));
  const [text, code] = await Promise.all([status, exited]);
  child.unref();
  return { code, lines: text.split('\n').filter(Boolean) };
}

/** `berth-shim spawner` driven directly: framed requests on fd 3, `<id> <status>` lines back. */
export class Spawner {
  /** Every spawner a test file started, for its after(). */
  static readonly started: ChildProcess[] = [];
  readonly child = spawn(SHIM, ['spawner'], { stdio: ['ignore', 'ignore', 'ignore', 'pipe'], detached: true });
  readonly channel = this.child.stdio[3] as Socket;
  readonly lines: string[] = [];
  readonly exited = new Promise<number | null>((r) => this.child.once('exit', (code) => r(code)));
  private partial = '';

  constructor() {
    Spawner.started.push(this.child);
    this.channel.setEncoding('utf8');
    this.channel.on('data', (chunk: string) => {
      const parts = (this.partial + chunk).split('\n');
      this.partial = parts.pop()!;
      this.lines.push(...parts);
    });
    this.channel.on('error', () => undefined); // EPIPE after the spawner's death is expected in one test
  }

  /** `L` (launch) or `X` (exec), the length as u32 little-endian, the plan. */
  static frame(plan: Buffer, type: 'L' | 'X' = 'L'): Buffer {
    const head = Buffer.alloc(5);
    head.write(type, 0, 'latin1');
    head.writeUInt32LE(plan.length, 1);
    return Buffer.concat([head, plan]);
  }

  /** Waits for a line `<id> created` or `<id> error …` and returns all lines of that id. */
  async outcome(id: string): Promise<string[]> {
    await waitFor(`the outcome of ${id}`, () => this.of(id).some((l) => l === 'created' || l.startsWith('error ')));
    return this.of(id);
  }

  /** Waits for an exec's last line, `<id> exit <n>` or `<id> signal <n>`, and returns all lines of that id. */
  async execEnd(id: string): Promise<string[]> {
    await waitFor(`the exit of ${id}`, () => this.of(id).some((l) => /^(exit|signal) \d+$/.test(l)));
    return this.of(id);
  }

  of(id: string): string[] {
    return this.lines.filter((l) => l.startsWith(`${id} `)).map((l) => l.slice(id.length + 1));
  }
}

export interface ExecResult { code: number; stdout: string; stderr: string; status: string[]; pid: number }

/**
 * An exec as the agent runs it: an `X` request to a spawner, the output through an exec socket.
 * `status` holds the error lines; `code` comes from the spawner's exit (or signal) line. `input`
 * (with `plan.stdin`) is the process's stdin, then its end. `drive`, if given, runs once the
 * request is sent, with the exec's stdio (to resize its terminal, say).
 */
export async function shimExec(plan: ExecPlan, input?: Buffer | string, drive?: (output: ExecOutput) => Promise<void>): Promise<ExecResult> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-shim-exec-'));
  const server = new ExecStdioServer(join(dir, 'exec.sock'), pino({ level: 'silent' }));
  const spawner = new Spawner();
  try {
    const id = 'exec-test';
    const output = await server.expect(id, { tty: plan.tty !== undefined });
    const texts = [collect(output.stdout), collect(output.stderr)];
    if (input !== undefined) output.stdin.end(input);
    spawner.channel.write(Spawner.frame(encodeExecPlan(plan, { id, stdioSocket: server.path }), 'X'));
    await drive?.(output);
    const lines = await spawner.execEnd(id);
    const pid = Number(/^pid (\d+)$/.exec(lines[0] ?? '')?.[1] ?? 0);
    if (pid) await output.closed; // `pid`: both connections exist
    output.stdout.end();
    output.stderr.end();
    const [word, n] = lines.at(-1)!.split(' ');
    const [stdout, stderr] = await Promise.all(texts);
    return { code: word === 'exit' ? Number(n) : 128 + Number(n), stdout, stderr, status: lines.filter((l) => l.startsWith('error ')), pid };
  } finally {
    spawner.channel.end();
    await spawner.exited;
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The agent's start: ENXIO here means no shim holds the fifo. */
export function startContainer(fifo: string): void {
  const fd = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
  try { writeSync(fd, Buffer.from([1])); } finally { closeSync(fd); }
}

export interface ExitRecord { exitCode: number; signal: string | null; finishedAt: string; pid: number }

export async function waitExit(plan: LaunchPlan, timeoutMs = 10_000): Promise<ExitRecord> {
  return waitFor(`exit file ${plan.exitPath}`, () => existsSync(plan.exitPath) && JSON.parse(readFileSync(plan.exitPath, 'utf8')),
    { timeoutMs });
}

export interface LogLine { time: string; stream: 'stdout' | 'stderr'; tag: 'F' | 'P'; text: string }

export function readLog(plan: LaunchPlan): LogLine[] {
  if (!existsSync(plan.logPath)) return [];
  return readFileSync(plan.logPath, 'utf8').split('\n').filter(Boolean).map((line) => {
    const m = /^(\S+) (stdout|stderr) ([FP]) (.*)$/s.exec(line);
    if (!m) throw new Error(`not a CRI log line: ${JSON.stringify(line)}`);
    return { time: m[1], stream: m[2] as 'stdout', tag: m[3] as 'F', text: m[4] };
  });
}

export function stdoutText(plan: LaunchPlan): string {
  return readLog(plan).filter((l) => l.stream === 'stdout').map((l) => l.text + (l.tag === 'F' ? '\n' : '')).join('');
}

export function pidAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

export function readPid(stateDir: string, name: 'shim.pid' | 'init.pid'): number | undefined {
  const f = join(stateDir, name);
  return existsSync(f) ? Number(readFileSync(f, 'utf8').trim()) : undefined;
}

/** A state dir per container; `cleanup()` kills the shim and init it recorded and removes the dir. */
export class Scratch {
  readonly dir = mkdtempSync(join(tmpdir(), 'berth-shim-test-'));
  stateDir(name: string): string {
    const d = join(this.dir, name);
    mkdirSync(d);
    return d;
  }
  async cleanup(): Promise<void> {
    for (const name of readdirSync(this.dir)) {
      const d = join(this.dir, name);
      for (const f of ['init.pid', 'shim.pid'] as const) {
        const pid = readPid(d, f);
        if (pid && pidAlive(pid)) { try { process.kill(pid, 'SIGKILL'); } catch { /* raced with its exit */ } }
      }
      const shim = readPid(d, 'shim.pid');
      if (shim) await waitFor(`shim ${shim} to exit`, () => !pidAlive(shim), { timeoutMs: 5000 });
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A private copy of the busybox rootfs, for tests that plant symlinks or files in it. */
export function privateRootfs(scratch: Scratch, name: string, base: string): string {
  const dir = join(scratch.dir, `rootfs-${name}`);
  execFileSync('cp', ['-a', base, dir]);
  return dir;
}

/** Host view of a process's namespace: "net:[4026531840]". */
export function nsLink(pid: number | 'self', type: string): string {
  return execFileSync('readlink', [`/proc/${pid}/ns/${type}`]).toString().trim();
}
