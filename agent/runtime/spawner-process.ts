// One running `berth-shim spawner` and the launches and execs it carries. Requests go out on its
// fd 3; their status lines come back on the same socket and are handed to each request by id.
// Every forked launch or exec holds the socket until its setup is over (`created`, the command's
// execve, or `error`), and only the spawner reports an exec's exit: so the socket's close (after
// the process's exit) means nothing pending can hear back any more: it has failed, and cleaning
// up after it races with nothing.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { BerthError, errnoCode } from '../errors.js';
import { ExecProgress } from './exec-progress.js';
import { CreateProgress, type LaunchedShim } from './shim.js';
import { CHANNEL_ID, LineSplitter, UNKNOWN_ID, frameRequest, splitReply, type RequestType } from './spawner-protocol.js';

/** A launch whose shim hangs (e.g. a mount that never returns) must not hang its create forever. */
const CREATE_TIMEOUT_MS = 30_000;

/** A request waiting for its status lines. */
interface Pending {
  /** One status line (without the id); false when it is not part of the protocol. */
  feed(status: string): boolean;
  /** Its last line has arrived. */
  readonly done: boolean;
  /** The spawner is gone first (`why`: "the berth-shim spawner (pid N) was killed by SIGKILL"). */
  abandon(why: string): void;
}

/** A launch resolves at `created` (or rejects at `error`), within CREATE_TIMEOUT_MS. */
class PendingLaunch implements Pending {
  readonly progress = new CreateProgress();
  readonly result: Promise<LaunchedShim>;
  private resolve!: (shim: LaunchedShim) => void;
  private reject!: (err: BerthError) => void;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly what: string, onTimeout: () => void) {
    this.result = new Promise((resolve, reject) => { this.resolve = resolve; this.reject = reject; });
    this.timer = setTimeout(onTimeout, CREATE_TIMEOUT_MS);
  }

  get done(): boolean { return this.progress.done; }

  feed(status: string): boolean {
    if (!this.progress.feed(status)) return false;
    if (!this.progress.done) return true;
    clearTimeout(this.timer);
    try {
      this.resolve(this.progress.result(this.what));
    } catch (err) {
      this.reject(err as BerthError);
    }
    return true;
  }

  abandon(why: string): void {
    clearTimeout(this.timer);
    this.reject(this.progress.abandon(new BerthError('LAUNCH_FAILED', `${this.what}: ${why} before the launch reported \`created\``, { step: 'spawner' })));
  }

  timeout(pid: number | undefined): void {
    clearTimeout(this.timer);
    this.reject(this.progress.abandon(new BerthError('LAUNCH_FAILED',
      `${this.what}: berth-shim did not report \`created\` within ${CREATE_TIMEOUT_MS / 1000} s (spawner pid ${pid})`, { step: 'status' })));
  }
}

export class SpawnerProcess {
  private readonly child: ChildProcess;
  private readonly channel: Socket | undefined;
  private readonly pending = new Map<string, Pending>();
  private readonly lines = new LineSplitter();
  /** Why the process is gone ("was killed by SIGKILL"), once its exit has been seen. */
  private ended: string | undefined;
  /** The spawner's own last word (`* error spawner …`) when its channel broke. */
  private channelError: string | undefined;
  private readonly spawnFailure: Promise<Error> | undefined;

  constructor(private readonly shimPath: string, private readonly logger: Logger) {
    // detached: its own session, so a terminal's ^C to the agent's group does not reach it or
    // the launches it forks (they leave for their own sessions right away anyway).
    this.child = spawn(shimPath, ['spawner'], { stdio: ['ignore', 'ignore', 'ignore', 'pipe'], detached: true });
    this.child.unref(); // an idle spawner keeps no process (a test, a CLI) alive; see updateRef()
    if (this.child.pid === undefined) {
      // Spawning failed (ENOENT, EACCES…); Node reports why in an 'error' event on the next tick.
      this.spawnFailure = new Promise((resolve) => this.child.once('error', resolve));
      this.ended = 'could not be started';
      return;
    }
    this.child.on('error', (err) => this.logger.warn({ err, pid: this.child.pid }, 'berth-shim spawner process error'));
    this.channel = this.child.stdio[3] as Socket;
    this.channel.setEncoding('utf8');
    this.channel.on('data', (chunk: string) => this.onData(chunk));
    // ECONNRESET/EPIPE follow the process's death (reported with its exit); nothing to add.
    this.channel.on('error', (err) => this.logger.debug({ err, pid: this.child.pid }, 'berth-shim spawner channel error'));
    const exited = new Promise<void>((resolve) => this.child.once('exit', (code, signal) => {
      this.ended = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      resolve();
    }));
    const closed = new Promise<void>((resolve) => this.channel!.once('close', () => resolve()));
    void Promise.all([exited, closed]).then(() => this.failPending());
    this.updateRef();
  }

  get pid(): number | undefined { return this.child.pid; }

  /** False once the process has exited or cannot take requests: the next launch needs a new one. */
  get usable(): boolean {
    return this.ended === undefined && this.channel !== undefined && this.channel.writable && !this.channel.destroyed;
  }

  async launch(id: string, plan: Buffer, what: string): Promise<LaunchedShim> {
    const request = frameRequest('launch', id, plan);
    await this.ready(id, what);
    const launch = new PendingLaunch(what, () => {
      if (this.pending.get(id) !== launch) return;
      this.settle(id);
      launch.timeout(this.child.pid);
    });
    this.send(id, launch, request);
    return launch.result;
  }

  /** Forks an exec shim; its progress says when it started (its pid) and how it ended. */
  async exec(id: string, plan: Buffer, what: string): Promise<ExecProgress> {
    const request = frameRequest('exec', id, plan);
    await this.ready(id, what);
    const exec = new ExecProgress(what);
    this.send(id, exec, request);
    return exec;
  }

  /** Throws when the process could not be started or `id` is taken. */
  private async ready(id: string, what: string): Promise<void> {
    if (this.spawnFailure) {
      const err = await this.spawnFailure;
      throw new BerthError('LAUNCH_FAILED', `${what}: spawn ${this.shimPath} spawner: ${errnoCode(err) ?? err.message}`,
        { step: 'spawn' }, { cause: err });
    }
    if (this.pending.has(id)) throw new BerthError('INTERNAL', `${what}: a request with id ${id} is already pending`, { id });
  }

  private send(id: string, request: Pending, bytes: Buffer): void {
    this.pending.set(id, request);
    this.updateRef();
    this.channel!.write(bytes);
  }

  /** EOF on the spawner's fd 3: it launches what it has already received, then exits. */
  end(): void {
    this.channel?.end();
  }

  private onData(chunk: string): void {
    for (const line of this.lines.push(chunk)) this.onLine(line);
  }

  private onLine(line: string): void {
    const reply = splitReply(line);
    if (reply?.id === CHANNEL_ID) {
      this.channelError ??= reply.status;
      this.logger.error({ line, pid: this.child.pid }, 'berth-shim spawner: channel failure');
      return;
    }
    const request = reply && this.pending.get(reply.id);
    if (!reply || !request) {
      // UNKNOWN_ID: a plan without a usable id, or a line of a launch that already timed out.
      this.logger.warn({ line, pid: this.child.pid, unattributed: reply?.id === UNKNOWN_ID }, 'berth-shim spawner: status line for no pending request');
      return;
    }
    if (!request.feed(reply.status)) {
      this.logger.warn({ line, pid: this.child.pid }, 'unexpected status line from berth-shim');
      return;
    }
    if (request.done) this.settle(reply.id);
  }

  /** The process is gone and nothing holds its channel: pending requests will never hear back. */
  private failPending(): void {
    const why = `the berth-shim spawner (pid ${this.child.pid}) ${this.ended ?? 'closed its channel'}`
      + `${this.channelError ? ` (${this.channelError})` : ''}`;
    for (const [id, request] of [...this.pending]) {
      this.settle(id);
      request.abandon(why);
    }
  }

  private settle(id: string): void {
    this.pending.delete(id);
    this.updateRef();
  }

  /** Referenced exactly while a request waits for its status, so an idle agent can exit. */
  private updateRef(): void {
    if (this.pending.size > 0) this.channel?.ref();
    else this.channel?.unref();
  }
}
