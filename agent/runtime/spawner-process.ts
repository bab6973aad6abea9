// One running `berth-shim spawner` and the launches it carries. Requests go out on its fd 3;
// the launches' status lines come back on the same socket and are handed to each launch by id.
// Every forked launch holds the socket until it has said `created` or `error`, so the socket's
// close (after the process's exit) means no launch can report any more: what is still pending
// then has failed, and cleaning up after it races with nothing.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { BerthError, errnoCode } from '../errors.js';
import { CreateProgress, type LaunchedShim } from './shim.js';
import { CHANNEL_ID, LineSplitter, UNKNOWN_ID, frameRequest, splitReply } from './spawner-protocol.js';

/** A launch whose shim hangs (e.g. a mount that never returns) must not hang its create forever. */
const CREATE_TIMEOUT_MS = 30_000;

interface PendingLaunch {
  progress: CreateProgress;
  what: string;
  timer: NodeJS.Timeout;
  resolve(shim: LaunchedShim): void;
  reject(err: BerthError): void;
}

export class SpawnerProcess {
  private readonly child: ChildProcess;
  private readonly channel: Socket | undefined;
  private readonly pending = new Map<string, PendingLaunch>();
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
    const request = frameRequest(id, plan);
    if (this.spawnFailure) {
      const err = await this.spawnFailure;
      throw new BerthError('LAUNCH_FAILED', `${what}: spawn ${this.shimPath} spawner: ${errnoCode(err) ?? err.message}`,
        { step: 'spawn' }, { cause: err });
    }
    if (this.pending.has(id)) throw new BerthError('INTERNAL', `${what}: a launch of ${id} is already pending`, { id });
    const launched = new Promise<LaunchedShim>((resolve, reject) => {
      const progress = new CreateProgress();
      const timer = setTimeout(() => this.timeout(id), CREATE_TIMEOUT_MS);
      this.pending.set(id, { progress, what, timer, resolve, reject });
    });
    this.updateRef();
    this.channel!.write(request);
    return launched;
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
    const launch = reply && this.pending.get(reply.id);
    if (!reply || !launch) {
      // UNKNOWN_ID: a plan without a usable id, or a line of a launch that already timed out.
      this.logger.warn({ line, pid: this.child.pid, unattributed: reply?.id === UNKNOWN_ID }, 'berth-shim spawner: status line for no pending launch');
      return;
    }
    if (!launch.progress.feed(reply.status)) {
      this.logger.warn({ line, pid: this.child.pid }, 'unexpected status line from berth-shim');
      return;
    }
    if (!launch.progress.done) return;
    this.settle(reply.id, launch);
    try {
      launch.resolve(launch.progress.result(launch.what));
    } catch (err) {
      launch.reject(err as BerthError);
    }
  }

  private timeout(id: string): void {
    const launch = this.pending.get(id);
    if (!launch) return;
    this.settle(id, launch);
    launch.reject(launch.progress.abandon(new BerthError('LAUNCH_FAILED',
      `${launch.what}: berth-shim did not report \`created\` within ${CREATE_TIMEOUT_MS / 1000} s (spawner pid ${this.child.pid})`,
      { step: 'status' })));
  }

  /** The process is gone and nothing holds its channel: pending launches will never hear back. */
  private failPending(): void {
    const why = `the berth-shim spawner (pid ${this.child.pid}) ${this.ended ?? 'closed its channel'}`
      + `${this.channelError ? ` (${this.channelError})` : ''} before the launch reported \`created\``;
    for (const [id, launch] of [...this.pending]) {
      this.settle(id, launch);
      launch.reject(launch.progress.abandon(new BerthError('LAUNCH_FAILED', `${launch.what}: ${why}`, { step: 'spawner' })));
    }
  }

  private settle(id: string, launch: PendingLaunch): void {
    clearTimeout(launch.timer);
    this.pending.delete(id);
    this.updateRef();
  }

  /** Referenced exactly while a launch waits for its status, so an idle agent can exit. */
  private updateRef(): void {
    if (this.pending.size > 0) this.channel?.ref();
    else this.channel?.unref();
  }
}
