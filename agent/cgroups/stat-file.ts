// The sampler's hot path: stat files stay open and are re-read with pread at offset 0 into one
// reused buffer per reader, so a sample costs one syscall per file and no open/close.
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { isErrno } from '../errors.js';
import { cgroupError } from './fsio.js';

/** Shared by every file of one reader; grows when a file does not fit (memory.stat, usage_percpu). */
export class ReadBuffer {
  buf = Buffer.allocUnsafe(4096);
}

/**
 * The open stat files of one cgroup directory. A file missing at open is simply absent (this
 * kernel or controller lacks it); ENOENT/ENODEV on a later read means the cgroup is gone.
 */
export class StatFileSet {
  private readonly fds = new Map<string, number>();
  private gone = false;

  constructor(private readonly dir: string, names: readonly string[], private readonly buffer: ReadBuffer) {
    for (const name of names) this.openFile(name);
  }

  private openFile(name: string): void {
    const path = join(this.dir, name);
    try {
      this.fds.set(name, openSync(path, 'r'));
    } catch (err) {
      if (!isErrno(err, 'ENOENT')) throw cgroupError('open', path, err);
      if (!existsSync(this.dir)) this.gone = true;
    }
  }

  has(name: string): boolean {
    return this.fds.has(name);
  }

  /** Contents of every open file by name; null when the cgroup is gone. */
  readAll(): Record<string, string> | null {
    if (this.gone) return null;
    const out: Record<string, string> = {};
    for (const [name, fd] of this.fds) {
      const text = this.readOne(name, fd);
      if (text === null) return null;
      out[name] = text;
    }
    return out;
  }

  private readOne(name: string, fd: number): string | null {
    for (;;) {
      const { buf } = this.buffer;
      let n: number;
      try {
        n = readSync(fd, buf, 0, buf.length, 0);
      } catch (err) {
        if (isErrno(err, 'ENOENT', 'ENODEV')) { this.gone = true; return null; }
        throw cgroupError('read', join(this.dir, name), err);
      }
      if (n < buf.length) return buf.latin1Slice(0, n);
      this.buffer.buf = Buffer.allocUnsafe(buf.length * 2);
    }
  }

  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
    this.gone = true;
  }
}
