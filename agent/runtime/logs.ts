// logs: the container's CRI log file as LogLines, with tail / since / until / stream filters, and
// follow (tail -f) until the container has exited and the file is drained (or `until` has come). Growth is noticed
// with fs.watch on the state directory; nothing polls.
import { promises as fs, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import { BerthError, errnoCode, isErrno } from '../errors.js';
import { isLive, type ContainerRecord } from './container.js';
import type { RuntimeContext } from './context.js';
import { CriLogParser, logTimeMs, parseSince } from './cri-log.js';
import type { LogLine, LogOptions } from './types.js';

const CHUNK = 1 << 20;

/** Checked before iteration starts, so a bad option is an error of the call, not of the stream. */
export function checkLogOptions(opts: LogOptions): { sinceMs?: number; untilMs?: number } {
  if (opts.tail !== undefined && (!Number.isInteger(opts.tail) || opts.tail < 0)) {
    throw new BerthError('INVALID_REQUEST', `tail: must be a non-negative integer, got ${JSON.stringify(opts.tail)}`, { field: 'tail' });
  }
  return { sinceMs: timeOption(opts.since, 'since'), untilMs: timeOption(opts.until, 'until') };
}

function timeOption(value: string | undefined, field: 'since' | 'until'): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = parseSince(value);
  if (ms === undefined) {
    throw new BerthError('INVALID_REQUEST', `${field}: expected an RFC 3339 time, unix seconds or a duration like 10m, got ${JSON.stringify(value)}`,
      { field });
  }
  return ms;
}

export async function* readLogs(ctx: RuntimeContext, record: ContainerRecord, opts: LogOptions): AsyncGenerator<LogLine> {
  const { sinceMs, untilMs } = checkLogOptions(opts);
  const wanted = (l: LogLine) => (l.stream === 'stdout' ? opts.stdout !== false : opts.stderr !== false)
    && (sinceMs === undefined || logTimeMs(l.time) >= sinceMs) && (untilMs === undefined || logTimeMs(l.time) <= untilMs);
  const file = new LogFile(record.files.log);
  const parser = new CriLogParser();
  const follow = opts.follow === true && isLive(record) && (untilMs === undefined || untilMs > Date.now());
  const changes = follow ? new ChangeSignal(record.files.log, [basename(record.files.exit)]) : undefined;
  let exited = !follow;
  const end = () => { exited = true; changes?.notify(); };
  if (follow) void ctx.exits.wait(record.id)?.then(end);
  const untilTimer = follow && untilMs !== undefined ? setTimeout(end, untilMs - Date.now()) : undefined;
  try {
    const initial = parser.push(await file.readNew());
    if (!follow) initial.push(...parser.flush()); // the end of the file is the end of the log
    let lines = initial.filter(wanted);
    if (opts.tail !== undefined) lines = opts.tail === 0 ? [] : lines.slice(-opts.tail);
    yield* lines;
    while (!exited && ctx.records.has(record.id)) {
      await changes!.next();
      yield* parser.push(await file.readNew()).filter(wanted);
    }
    if (follow) {
      yield* parser.push(await file.readNew()).filter(wanted); // what was written before the exit file
      yield* parser.flush().filter(wanted);
    }
  } finally {
    clearTimeout(untilTimer);
    changes?.close();
    await file.close();
  }
}

/** Reads what was appended since the last call; a log not yet created reads as empty. */
class LogFile {
  private handle?: fs.FileHandle;
  private offset = 0;
  private readonly decoder = new TextDecoder('utf-8');

  constructor(private readonly path: string) {}

  async readNew(): Promise<string> {
    if (!this.handle) {
      try {
        this.handle = await fs.open(this.path, 'r');
      } catch (err) {
        if (isErrno(err, 'ENOENT')) return '';
        throw new BerthError('STATE_FAILED', `open ${this.path}: ${errnoCode(err)}`, { path: this.path }, { cause: err });
      }
    }
    let text = '';
    const buf = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const { bytesRead } = await this.handle.read(buf, 0, CHUNK, this.offset);
      if (bytesRead === 0) return text;
      this.offset += bytesRead;
      text += this.decoder.decode(buf.subarray(0, bytesRead), { stream: true });
    }
  }

  async close(): Promise<void> {
    await this.handle?.close();
  }
}

/** Resolves `next()` after the watched file (or one of `also` in its directory) changed since the last call. */
class ChangeSignal {
  private dirty = false;
  private waiter?: () => void;
  private readonly watcher?: FSWatcher;

  constructor(path: string, also: string[]) {
    const names = new Set([basename(path), ...also]);
    this.watcher = watch(dirname(path), { persistent: true }, (_e, name) => {
      if (name === null || names.has(name)) this.notify();
    });
    this.watcher.on('error', () => this.notify());
  }

  notify(): void {
    this.dirty = true;
    this.waiter?.();
    this.waiter = undefined;
  }

  async next(): Promise<void> {
    if (!this.dirty) await new Promise<void>((resolve) => { this.waiter = resolve; });
    this.dirty = false;
  }

  close(): void {
    this.watcher?.close();
    this.notify();
  }
}
