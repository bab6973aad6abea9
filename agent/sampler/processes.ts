// processes = lines of cgroup.procs; threads = pids.current (the pids controller counts tasks),
// or, where a cgroup has no pids controller, the lines of its thread list (v1 `tasks`, v2
// `cgroup.threads`). Counting newline bytes avoids decoding the pid lists at all.
import { dirname } from 'node:path';
import { OpenFile, type ScratchBuffer } from './open-file.js';

export function countLines(buf: Buffer, n: number): number {
  let lines = 0;
  for (let i = 0; i < n; i++) if (buf[i] === 10) lines++;
  return lines;
}

export class ProcessCounter {
  private readonly procs: OpenFile | null;
  private threads: OpenFile | null | undefined; // undefined = not opened yet (only needed without pids)

  constructor(private readonly procsPath: string) { this.procs = OpenFile.open(procsPath); }

  /** -1 when the cgroup is gone. */
  processes(scratch: ScratchBuffer): number {
    if (!this.procs) return -1;
    const n = this.procs.read(scratch);
    return n < 0 ? -1 : countLines(scratch.buf, n);
  }

  /** Thread count from the cgroup's thread list; -1 when neither list exists. */
  threadsFromList(scratch: ScratchBuffer): number {
    if (this.threads === undefined) {
      const dir = dirname(this.procsPath);
      this.threads = OpenFile.open(`${dir}/tasks`) ?? OpenFile.open(`${dir}/cgroup.threads`);
    }
    if (!this.threads) return -1;
    const n = this.threads.read(scratch);
    return n < 0 ? -1 : countLines(scratch.buf, n);
  }

  close(): void {
    this.procs?.close();
    this.threads?.close();
  }
}
