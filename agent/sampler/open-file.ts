// One open file re-read with pread at offset 0 each tick (no open/close per sample). /proc and
// cgroup files regenerate their content on every read from offset 0, so one fd serves forever.
import { closeSync, openSync, readSync } from 'node:fs';
import { isErrno } from '../errors.js';

/** Errors that mean "the process or cgroup behind this file is gone": an expected branch. */
const GONE = ['ENOENT', 'ESRCH', 'ENODEV'];

export class OpenFile {
  private fd: number;

  private constructor(readonly path: string, fd: number) { this.fd = fd; }

  /** Returns null when the file does not exist (the process or cgroup is gone). */
  static open(path: string): OpenFile | null {
    try {
      return new OpenFile(path, openSync(path, 'r'));
    } catch (err) {
      if (isErrno(err, ...GONE)) return null;
      throw new Error(`open ${path}: ${(err as Error).message}`, { cause: err });
    }
  }

  /**
   * Reads the whole file into `scratch` (growing it through `grow` when full) and returns the
   * byte count, or -1 when the target vanished.
   */
  read(scratch: ScratchBuffer): number {
    for (;;) {
      let n: number;
      try {
        n = readSync(this.fd, scratch.buf, 0, scratch.buf.length, 0);
      } catch (err) {
        if (isErrno(err, ...GONE)) return -1;
        throw new Error(`read ${this.path}: ${(err as Error).message}`, { cause: err });
      }
      if (n < scratch.buf.length) return n;
      scratch.grow();
    }
  }

  close(): void {
    if (this.fd < 0) return;
    try { closeSync(this.fd); } finally { this.fd = -1; }
  }
}

/** A reused read buffer shared by every file one sampler reads; doubles when a file outgrows it. */
export class ScratchBuffer {
  buf: Buffer;
  constructor(size = 64 * 1024) { this.buf = Buffer.allocUnsafe(size); }
  grow(): void { this.buf = Buffer.allocUnsafe(this.buf.length * 2); }
  text(n: number): string { return this.buf.toString('latin1', 0, n); }
}
