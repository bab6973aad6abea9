// What one exec forked by the spawner has reported (PLAN.md §3): `pid <n>` once its output
// connections exist, `error <step> <errno> <message>` when its setup or the command's execve
// failed, and last, from the spawner that reaped it, `exit <code>` or `signal <n>`.
import { BerthError } from '../errors.js';
import { signalName } from './signals.js';
import { parseStatusLine, shimError, type ShimStatusError } from './shim.js';

export interface ExecEnd {
  exitCode: number;
  /** Set when the exec shim itself was killed (a healthcheck's timeout): exitCode is 128 + its number. */
  signal?: string;
  /** Why the command never ran or could not finish (the user sees it on stderr). */
  failure?: BerthError;
}

export class ExecProgress {
  /** Resolves with the exec shim's pid once its output is connected; rejects when it ended before. */
  readonly started: Promise<number>;
  readonly ended: Promise<ExecEnd>;
  private pid = 0;
  private failure: ShimStatusError | undefined;
  private finished = false;
  private resolveStarted!: (pid: number) => void;
  private rejectStarted!: (err: BerthError) => void;
  private resolveEnded!: (end: ExecEnd) => void;

  constructor(private readonly what: string) {
    this.started = new Promise((resolve, reject) => { this.resolveStarted = resolve; this.rejectStarted = reject; });
    this.started.catch(() => undefined); // the caller awaits it; a rejection is never unhandled
    this.ended = new Promise((resolve) => { this.resolveEnded = resolve; });
  }

  get done(): boolean { return this.finished; }

  /** Takes one status line (without the id); false for a line that is not part of the protocol. */
  feed(line: string): boolean {
    const [word, arg, ...rest] = line.split(' ');
    const number = /^\d+$/.test(arg ?? '') && rest.length === 0 ? Number(arg) : undefined;
    if (word === 'pid' && number) {
      this.pid = number;
      this.resolveStarted(number);
    } else if (word === 'exit' && number !== undefined) {
      this.finish({ exitCode: number });
    } else if (word === 'signal' && number) {
      this.finish({ exitCode: 128 + number, signal: signalName(number) });
    } else {
      const parsed = parseStatusLine(line);
      if (parsed.kind !== 'error') return false;
      this.failure ??= parsed.error;
    }
    return true;
  }

  /** The spawner is gone before it reported the exit: the status is unknown. */
  abandon(why: string): void {
    this.finish({ exitCode: 255, failure: new BerthError('LAUNCH_FAILED', `${this.what}: ${why} before it reported the exit status`, { step: 'spawner' }) });
  }

  private finish(end: ExecEnd): void {
    if (this.finished) return;
    this.finished = true;
    const failure = end.failure ?? (this.failure && shimError(this.failure, this.what));
    if (!this.pid) {
      this.rejectStarted(failure ?? new BerthError('LAUNCH_FAILED',
        `${this.what}: the exec shim ended (exit code ${end.exitCode}) before it reported its pid`, { step: 'status' }));
    }
    this.resolveEnded(failure ? { ...end, failure } : end);
  }
}
