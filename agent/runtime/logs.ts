// logs: the container's CRI log file as LogLines, with tail / since / until / stream filters, and
// follow (tail -f) until the container has exited and the file is drained (or `until` has come). Growth is noticed
// with fs.watch on the state directory; nothing polls. With log rotation (--log-opt max-size) the
// rotated files (container.log.N … .1) come first, and a follow carries on into the new file.
// Whatever the log's size, a reader holds a chunk of it and (with tail) the lines it will send.
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { BerthError } from '../errors.js';
import { isLive, type ContainerRecord } from './container.js';
import type { RuntimeContext } from './context.js';
import { CriLogParser, logTimeMs, parseSince } from './cri-log.js';
import { LogFile } from './log-file.js';
import { tailStart, type TailSpec } from './log-tail.js';
import type { LogLine, LogOptions } from './types.js';

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

export async function* readLogs(ctx: RuntimeContext, record: ContainerRecord, opts: LogOptions): AsyncGenerator<LogLine[]> {
  const { sinceMs, untilMs } = checkLogOptions(opts);
  const wanted = (l: LogLine) => (l.stream === 'stdout' ? opts.stdout !== false : opts.stderr !== false)
    && (sinceMs === undefined || logTimeMs(l.time) >= sinceMs) && (untilMs === undefined || logTimeMs(l.time) <= untilMs);
  const parser = new CriLogParser();
  const decoder = new StringDecoder('utf8'); // keeps a character split between chunks; faster than TextDecoder's stream mode
  const lines = (chunk: Buffer) => parser.push(decoder.write(chunk)).filter(wanted);
  const unfinished = () => parser.flush().filter(wanted); // lines cut short: at the end of a read, or of a follow
  const follow = opts.follow === true && isLive(record) && (untilMs === undefined || untilMs > Date.now());
  const log = new LogStream(ctx, record, { follow, untilMs, signal: opts.signal });
  try {
    if (opts.tail === undefined) {
      for await (const chunk of log.existing()) yield* nonEmpty(lines(chunk));
      if (!follow) yield* nonEmpty(unfinished()); // the end of the file is the end of the log
    } else if (opts.tail > 0) {
      // Read from where the last lines begin (not with `until`: those are the last before a time),
      // keeping only the last `tail` lines parsed.
      const streams = new Set(['stdout', 'stderr'].filter((s) => (s === 'stdout' ? opts.stdout : opts.stderr) !== false));
      const spec = untilMs === undefined ? { lines: opts.tail, streams, partialIsLine: !follow } : undefined;
      const last = new LastItems<LogLine>(opts.tail);
      for await (const chunk of log.existing(spec)) last.push(lines(chunk));
      if (!follow) last.push(unfinished());
      yield* nonEmpty(last.items());
    } else {
      await log.skipToEnd();
    }
    for await (const chunk of log.appended()) yield* nonEmpty(lines(chunk));
    if (follow) yield* nonEmpty(unfinished());
  } finally {
    await log.close();
  }
}

function nonEmpty<T>(batch: T[]): T[][] {
  return batch.length ? [batch] : [];
}

/** The last `n` of the items pushed; trimmed now and then, not on every push. */
class LastItems<T> {
  private list: T[] = [];

  constructor(private readonly n: number) {}

  push(items: T[]): void {
    for (const item of items) this.list.push(item);
    if (this.list.length > 2 * this.n + 1024) this.list = this.list.slice(-this.n);
  }

  items(): T[] {
    return this.list.slice(-this.n);
  }
}

/**
 * A container's log as bytes: what is there (`existing`, or nothing of it after `skipToEnd`),
 * then, with `follow`, each part appended until the container has exited and the file is drained
 * (or `until` came, or `signal` aborted).
 */
export class LogStream {
  private readonly file: LogFile;
  private readonly changes?: ChangeSignal;
  private exited: boolean;
  private readonly end = () => { this.exited = true; this.changes?.notify(); };
  private readonly untilTimer?: NodeJS.Timeout;

  constructor(private readonly ctx: RuntimeContext, private readonly record: ContainerRecord,
    private readonly opts: { follow: boolean; untilMs?: number; signal?: AbortSignal }) {
    this.file = new LogFile(record.files.log, record.spec.logRotate.maxFiles);
    this.exited = !opts.follow;
    if (opts.follow) {
      this.changes = new ChangeSignal(record.files.log, [basename(record.files.exit)]);
      void ctx.exits.wait(record.id)?.then(this.end);
      if (opts.untilMs !== undefined) this.untilTimer = setTimeout(this.end, opts.untilMs - Date.now());
    }
    opts.signal?.addEventListener('abort', this.end, { once: true });
    if (opts.signal?.aborted) this.end();
  }

  /** All of the log there is now, or with `tail` from where its last lines begin (log-tail.ts). */
  existing(tail?: TailSpec): AsyncGenerator<Buffer> {
    return this.file.existing(tail && ((segments) => tailStart(segments, tail)));
  }

  skipToEnd(): Promise<void> {
    return this.file.skipToEnd();
  }

  async *appended(): AsyncGenerator<Buffer> {
    while (!this.exited && this.ctx.records.has(this.record.id)) {
      await this.changes!.next();
      yield* this.file.appended();
    }
    if (this.opts.follow) yield* this.file.appended(); // what was written before the exit file
  }

  async close(): Promise<void> {
    clearTimeout(this.untilTimer);
    this.opts.signal?.removeEventListener('abort', this.end);
    this.changes?.close();
    await this.file.close();
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
