// logs: the container's CRI log file as LogLines, with tail / since / until / stream filters, and
// follow (tail -f) until the container has exited and the file is drained (or `until` has come). Growth is noticed
// with fs.watch on the state directory; nothing polls. With log rotation (--log-opt max-size) the
// rotated files (container.log.N … .1) come first, and a follow carries on into the new file.
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
  const parser = new CriLogParser();
  const decoder = new TextDecoder('utf-8');
  const follow = opts.follow === true && isLive(record) && (untilMs === undefined || untilMs > Date.now());
  const chunks = logChunks(ctx, record, { follow, untilMs, signal: opts.signal });
  try {
    const first = await chunks.next();
    const initial = parser.push(decoder.decode(first.value ?? Buffer.alloc(0), { stream: true }));
    if (!follow) initial.push(...parser.flush()); // the end of the file is the end of the log
    let lines = initial.filter(wanted);
    if (opts.tail !== undefined) lines = opts.tail === 0 ? [] : lines.slice(-opts.tail);
    yield* lines;
    for await (const chunk of chunks) yield* parser.push(decoder.decode(chunk, { stream: true })).filter(wanted);
    if (follow) yield* parser.flush().filter(wanted);
  } finally {
    await chunks.return(undefined); // a reader that stopped early: the watcher and the file close
  }
}

/**
 * The log file's bytes: first all there is (rotated files included), or with `fromEnd` nothing of
 * what is there now; then, with `follow`, each part appended until the container has exited and
 * the file is drained (or `until` came, or `signal` aborted).
 */
export async function* logChunks(ctx: RuntimeContext, record: ContainerRecord,
  opts: { follow: boolean; untilMs?: number; fromEnd?: boolean; signal?: AbortSignal }): AsyncGenerator<Buffer> {
  const file = new LogFile(record.files.log, record.spec.logRotate.maxFiles);
  const changes = opts.follow ? new ChangeSignal(record.files.log, [basename(record.files.exit)]) : undefined;
  let exited = !opts.follow;
  const end = () => { exited = true; changes?.notify(); };
  if (opts.follow) void ctx.exits.wait(record.id)?.then(end);
  const untilTimer = opts.follow && opts.untilMs !== undefined ? setTimeout(end, opts.untilMs - Date.now()) : undefined;
  opts.signal?.addEventListener('abort', end, { once: true });
  if (opts.signal?.aborted) end();
  try {
    if (opts.fromEnd) {
      await file.skipToEnd();
      yield Buffer.alloc(0);
    } else {
      yield await file.readAll();
    }
    while (!exited && ctx.records.has(record.id)) {
      await changes!.next();
      yield await file.readNew();
    }
    if (opts.follow) yield await file.readNew(); // what was written before the exit file
  } finally {
    clearTimeout(untilTimer);
    opts.signal?.removeEventListener('abort', end);
    changes?.close();
    await file.close();
  }
}

/**
 * Reads what was appended since the last call; a log not yet created reads as empty. Rotation
 * (the file renamed away and a new one made, or truncated) is followed like `tail -F`: the rest
 * of the old file, then the new one from its start. The shim rotates between records, so no
 * line is split across files.
 */
class LogFile {
  private handle?: fs.FileHandle;
  private ino = 0;
  private offset = 0;

  /** `files`: how many the shim keeps (the current one included), so which `path.N` can exist. */
  constructor(private readonly path: string, private readonly files: number) {}

  /** The rotated files, oldest first, then the file itself: the whole log there is. */
  async readAll(): Promise<Buffer> {
    await this.open();
    return Buffer.concat([await this.rotatedAfter(undefined), await this.readNew()]);
  }

  /** From here on only what is appended is read. */
  async skipToEnd(): Promise<void> {
    if (await this.open()) this.offset = (await this.handle!.stat()).size;
  }

  async readNew(): Promise<Buffer> {
    if (!this.handle && !(await this.open())) return Buffer.alloc(0);
    const parts = [await this.drain()];
    const now = await fs.stat(this.path).catch(() => undefined);
    if (now && now.ino !== this.ino) {
      // The new file exists, so the shim writes no more to this one: what came since the drain above.
      parts.push(await this.drain());
      const finished = this.ino;
      await this.handle!.close();
      this.handle = undefined;
      this.offset = 0;
      await this.open();
      // Rotated more than once since it was last read: the files between come first.
      parts.push(await this.rotatedAfter(finished));
      if (this.handle) parts.push(await this.drain());
    } else if (now && now.size < this.offset) {
      this.offset = 0;
      parts.push(await this.drain());
    }
    return Buffer.concat(parts);
  }

  async close(): Promise<void> {
    await this.handle?.close();
  }

  /**
   * The rotated files newer than the one with inode `finished` (all of them when undefined or
   * gone), oldest first. Called with the current file already open, so a rotation meanwhile
   * leaves that handle on one of these files, which is then skipped here and read through it.
   */
  private async rotatedAfter(finished: number | undefined): Promise<Buffer> {
    const rotated = await rotatedFiles(this.path, this.files);
    const newer = rotated.slice(rotated.findIndex((f) => f.ino === finished) + 1);
    const parts: Buffer[] = [];
    for (const file of newer) if (file.ino !== this.ino) parts.push(await readWhole(file.path));
    return Buffer.concat(parts);
  }

  private async open(): Promise<boolean> {
    try {
      this.handle = await fs.open(this.path, 'r');
      this.ino = (await this.handle.stat()).ino;
      return true;
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return false;
      throw new BerthError('STATE_FAILED', `open ${this.path}: ${errnoCode(err)}`, { path: this.path }, { cause: err });
    }
  }

  private async drain(): Promise<Buffer> {
    const parts: Buffer[] = [];
    for (;;) {
      const buf = Buffer.allocUnsafe(CHUNK);
      const { bytesRead } = await this.handle!.read(buf, 0, CHUNK, this.offset);
      if (bytesRead === 0) return Buffer.concat(parts);
      this.offset += bytesRead;
      parts.push(buf.subarray(0, bytesRead));
    }
  }
}

/**
 * Those of `path.1` … `path.<files-1>` that exist, oldest (highest number) first. Every number is
 * looked at (in the middle of a rotation one of them is briefly missing), and the listing is
 * repeated until two agree, so a rotation under way does not show one file twice or not at all.
 */
async function rotatedFiles(path: string, files: number): Promise<{ path: string; ino: number }[]> {
  const list = async () => {
    const found: { path: string; ino: number }[] = [];
    for (let i = files - 1; i >= 1; i--) {
      const stat = await fs.stat(`${path}.${i}`).catch(() => undefined);
      if (stat) found.push({ path: `${path}.${i}`, ino: stat.ino });
    }
    return found;
  };
  let last = await list();
  for (let attempt = 0; attempt < 5; attempt++) {
    const again = await list();
    if (JSON.stringify(again) === JSON.stringify(last)) return again;
    last = again;
  }
  return last;
}

async function readWhole(path: string): Promise<Buffer> {
  try {
    return await fs.readFile(path);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return Buffer.alloc(0); // rotated away (the oldest dropped) while we looked
    throw new BerthError('STATE_FAILED', `read ${path}: ${errnoCode(err)}`, { path }, { cause: err });
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
