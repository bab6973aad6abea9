// Talking to berth-shim (protocol: agent/native/PLAN.md). A create launch (forked by the
// spawner, see shim-spawner.ts) reports `shim <pid>`, `init <pid>`, then `created` or
// `error <step> <errno> <message>` (an exec's lines: exec-progress.ts). Also: is a pid still our
// shim (adoption)?
import { promises as fs, constants as fsc } from 'node:fs';
import { basename } from 'node:path';
import { BerthError, errnoCode, isErrno } from '../errors.js';

export interface ShimStatusError { step: string; errno: number; message: string }
export interface LaunchedShim { shimPid: number; initPid: number }

const ENOENT = 2;
const EACCES = 13;

/** Maps a shim `error` line to the BerthError the user sees (127/126 like docker for the command). */
export function shimError(err: ShimStatusError, what: string): BerthError {
  const details = { step: err.step, errno: err.errno };
  if (err.step === 'exec' && err.errno === ENOENT) return new BerthError('COMMAND_NOT_FOUND', `${what}: ${err.message}`, details);
  if (err.step === 'exec' && err.errno === EACCES) return new BerthError('COMMAND_NOT_EXECUTABLE', `${what}: ${err.message}`, details);
  return new BerthError('LAUNCH_FAILED', `${what}: step ${err.step}: ${err.message}`, details);
}

/** Parses one status line; unknown lines are returned as `other` so they can be logged, not lost. */
export function parseStatusLine(line: string):
  | { kind: 'shim' | 'init'; pid: number } | { kind: 'created' } | { kind: 'error'; error: ShimStatusError } | { kind: 'other'; line: string } {
  const [word, ...rest] = line.split(' ');
  if ((word === 'shim' || word === 'init') && /^\d+$/.test(rest[0] ?? '')) return { kind: word, pid: Number(rest[0]) };
  if (word === 'created' && rest.length === 0) return { kind: 'created' };
  if (word === 'error' && rest.length >= 2 && /^\d+$/.test(rest[1]!)) {
    return { kind: 'error', error: { step: rest[0]!, errno: Number(rest[1]), message: rest.slice(2).join(' ') } };
  }
  return { kind: 'other', line };
}

/**
 * What one create launch has reported so far (`shim <pid>`, `init <pid>`, then `created` or
 * `error …`). The spawner's channel carries the lines of every launch; ShimSpawner hands each
 * launch its own lines. On `error` the shim has already cleaned up after itself; the pids seen
 * so far go into the error's details so the caller can make sure nothing is left.
 */
export class CreateProgress {
  private shimPid = 0;
  private initPid = 0;
  private created = false;
  private failure: ShimStatusError | undefined;

  /** Takes one status line (without the id); false for a line that is not part of the protocol. */
  feed(line: string): boolean {
    const parsed = parseStatusLine(line);
    if (parsed.kind === 'shim') this.shimPid = parsed.pid;
    else if (parsed.kind === 'init') this.initPid = parsed.pid;
    else if (parsed.kind === 'created') this.created = true;
    else if (parsed.kind === 'error') this.failure ??= parsed.error;
    else return false;
    return true;
  }

  /** `created` or `error` has arrived: nothing more will come for this launch. */
  get done(): boolean { return this.created || this.failure !== undefined; }

  get pids(): { shimPid: number; initPid: number } { return { shimPid: this.shimPid, initPid: this.initPid }; }

  /** The launched shim, or the mapped error (with the pids seen so far). */
  result(what: string): LaunchedShim {
    if (this.failure) throw withPids(shimError(this.failure, what), this.pids);
    if (!this.created || !this.shimPid || !this.initPid) {
      throw withPids(new BerthError('LAUNCH_FAILED', `${what}: berth-shim reported \`created\` without its pids`, { step: 'status' }), this.pids);
    }
    return { shimPid: this.shimPid, initPid: this.initPid };
  }

  /** An error for a launch that ended without `created`/`error`, carrying the pids seen so far. */
  abandon(err: BerthError): BerthError {
    return withPids(err, this.pids);
  }
}

function withPids(err: BerthError, pids: { shimPid: number; initPid: number }): BerthError {
  Object.assign(err, { pids });
  return err;
}

export function pidsOf(err: unknown): { shimPid: number; initPid: number } {
  const pids = (err as { pids?: { shimPid: number; initPid: number } }).pids;
  return pids ?? { shimPid: 0, initPid: 0 };
}

/**
 * True when `pid` is a berth-shim and, given `startTicks` (processStartTicks at its launch), the
 * very one launched then: a pid freed while the agent was down may be another container's shim by
 * now, which must be neither adopted nor killed as this one's.
 */
export async function isShimProcess(pid: number, startTicks?: number): Promise<boolean> {
  if (!pid) return false;
  try {
    const cmdline = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8');
    const argv0 = cmdline.split('\0')[0] ?? '';
    if (basename(argv0) !== 'berth-shim') return false;
  } catch (err) {
    if (isErrno(err, 'ENOENT', 'ESRCH')) return false;
    throw new BerthError('STATE_FAILED', `read /proc/${pid}/cmdline: ${errnoCode(err)}`, { pid }, { cause: err });
  }
  return startTicks === undefined || (await processStartTicks(pid)) === startTicks;
}

/** When `pid` started, in clock ticks after boot (/proc/<pid>/stat); with the pid it names one process for the whole boot. Undefined when it is gone. */
export async function processStartTicks(pid: number): Promise<number | undefined> {
  try {
    return parseStartTicks(await fs.readFile(`/proc/${pid}/stat`, 'utf8'));
  } catch (err) {
    if (isErrno(err, 'ENOENT', 'ESRCH')) return undefined;
    throw new BerthError('STATE_FAILED', `read /proc/${pid}/stat: ${errnoCode(err)}`, { pid }, { cause: err });
  }
}

/** Field 22 (starttime) of a /proc/<pid>/stat line; fields are counted after the command name, which may hold spaces and parentheses. */
export function parseStartTicks(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[22 - 3]);
  if (!Number.isSafeInteger(ticks)) throw new BerthError('STATE_FAILED', `unexpected /proc/<pid>/stat line: ${stat.slice(0, 200)}`);
  return ticks;
}

/**
 * Releases a created container: one byte into the start fifo the shim holds open. ENXIO (no
 * reader) and ENOENT mean the shim is gone.
 */
export async function writeStartFifo(path: string, what: string): Promise<void> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(path, fsc.O_WRONLY | fsc.O_NONBLOCK);
  } catch (err) {
    if (isErrno(err, 'ENXIO', 'ENOENT')) {
      throw new BerthError('INVALID_STATE', `${what}: its shim is gone (open ${path}: ${errnoCode(err)})`, { path });
    }
    throw new BerthError('LAUNCH_FAILED', `${what}: open ${path}: ${errnoCode(err)}`, { path }, { cause: err });
  }
  try {
    await handle.write(Buffer.from([1]));
  } catch (err) {
    throw new BerthError('LAUNCH_FAILED', `${what}: write ${path}: ${errnoCode(err)}`, { path }, { cause: err });
  } finally {
    await handle.close();
  }
}
