// Reading a container's log file (and the files rotated from it, --log-opt max-size) in chunks of
// at most CHUNK bytes: a reader holds one chunk at a time, whatever the size of the log (one that
// loaded a log of 500 MB whole held gigabytes). Growth is followed like `tail -F`: when the file
// is renamed away (rotated) or truncated, the rest of the old one comes first, then the new one
// from its start. The shim rotates between records, so no line is split across files.
import { promises as fs } from 'node:fs';
import { BerthError, errnoCode, isErrno } from '../errors.js';
import type { LogSegment, SegmentPosition } from './log-tail.js';

export const CHUNK = 1 << 20;

export class LogFile {
  private handle?: fs.FileHandle;
  private ino = 0;
  private offset = 0;

  /** `files`: how many the shim keeps (the current one included), so which `path.N` can exist. */
  constructor(private readonly path: string, private readonly files: number) {}

  /**
   * The whole log as it is now, oldest file first, from `start` if given (else from the very
   * beginning); afterwards `appended` goes on from the end of the current file.
   */
  async *existing(start?: (segments: LogSegment[]) => Promise<SegmentPosition>): AsyncGenerator<Buffer> {
    // The current file first: a rotation meanwhile leaves its handle on one of the rotated files,
    // which is then left out of the list and read through it. (In the middle of a rotation there
    // may be no current file for a moment: the rotated ones are still read.)
    const opened = await this.open();
    const rotated: LogSegment[] = [];
    try {
      for (const file of await rotatedFiles(this.path, this.files)) {
        if (file.ino === this.ino) continue;
        const handle = await openIfThere(file.path);
        if (handle) rotated.push({ handle, size: (await handle.stat()).size });
      }
      const segments = opened ? [...rotated, { handle: this.handle!, size: (await this.handle!.stat()).size }] : rotated;
      const from = start ? await start(segments) : { segment: 0, offset: 0 };
      for (let i = from.segment; i < rotated.length; i++) yield* readChunks(rotated[i]!.handle, i === from.segment ? from.offset : 0);
      this.offset = from.segment === rotated.length ? from.offset : 0;
    } finally {
      for (const s of rotated) await s.handle.close();
    }
    if (opened) yield* this.drain();
  }

  /** From here on only what is appended is read. */
  async skipToEnd(): Promise<void> {
    if (await this.open()) this.offset = (await this.handle!.stat()).size;
  }

  /** What was appended since the last read; a log not yet created reads as empty. */
  async *appended(): AsyncGenerator<Buffer> {
    if (!this.handle && !(await this.open())) return;
    yield* this.drain();
    const now = await fs.stat(this.path).catch(() => undefined);
    if (now && now.ino !== this.ino) {
      // The new file exists, so the shim writes no more to this one: what came since the drain above.
      yield* this.drain();
      const finished = this.ino;
      await this.handle!.close();
      this.handle = undefined;
      this.offset = 0;
      await this.open();
      // Rotated more than once since it was last read: the files between come first.
      yield* this.rotatedAfter(finished);
      if (this.handle) yield* this.drain();
    } else if (now && now.size < this.offset) {
      this.offset = 0;
      yield* this.drain();
    }
  }

  async close(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
  }

  /** The rotated files newer than the one with inode `finished` (all of them when gone), oldest first. */
  private async *rotatedAfter(finished: number): AsyncGenerator<Buffer> {
    const rotated = await rotatedFiles(this.path, this.files);
    for (const file of rotated.slice(rotated.findIndex((f) => f.ino === finished) + 1)) {
      if (file.ino === this.ino) continue;
      const handle = await openIfThere(file.path);
      if (!handle) continue; // rotated away (the oldest dropped) while we looked
      try {
        yield* readChunks(handle, 0);
      } finally {
        await handle.close();
      }
    }
  }

  private async open(): Promise<boolean> {
    const handle = await openIfThere(this.path);
    if (!handle) return false;
    this.handle = handle;
    this.ino = (await handle.stat()).ino;
    return true;
  }

  private async *drain(): AsyncGenerator<Buffer> {
    for await (const chunk of readChunks(this.handle!, this.offset)) {
      this.offset += chunk.length;
      yield chunk;
    }
  }
}

/** From `offset` to the end of the file as it grows meanwhile, CHUNK bytes at a time. */
async function* readChunks(handle: fs.FileHandle, offset: number): AsyncGenerator<Buffer> {
  for (;;) {
    const buf = Buffer.allocUnsafe(CHUNK);
    const { bytesRead } = await handle.read(buf, 0, CHUNK, offset);
    if (bytesRead === 0) return;
    offset += bytesRead;
    yield buf.subarray(0, bytesRead);
  }
}

async function openIfThere(path: string): Promise<fs.FileHandle | undefined> {
  try {
    return await fs.open(path, 'r');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return undefined;
    throw new BerthError('STATE_FAILED', `open ${path}: ${errnoCode(err)}`, { path }, { cause: err });
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
