// processes = lines of cgroup.procs; threads = pids.current (the pids controller counts tasks),
// or, where a cgroup has no pids controller, the lines of its thread list (v1 `tasks`, v2
// `cgroup.threads`). Counting newline bytes avoids decoding the pid lists at all.
//
// cgroup v1 caches the pid list of an open cgroup.procs/tasks file and drops the cache only after
// a second without reads, so a file kept open and re-read every tick keeps returning the list it
// first saw. On v1 these files are therefore reopened on every read; cgroup2 lists are live.
import { dirname } from 'node:path';
import { OpenFile, type ScratchBuffer } from './open-file.js';

export function countLines(buf: Buffer, n: number): number {
  let lines = 0;
  for (let i = 0; i < n; i++) if (buf[i] === 10) lines++;
  return lines;
}

export class ProcessCounter {
  private procs: OpenFile | null | undefined;   // undefined = not opened (yet, or again on v1)
  private threads: OpenFile | null | undefined; // only needed without the pids controller

  /** `reopen`: reopen the lists on every read (cgroup v1, see above). */
  constructor(private readonly procsPath: string, private readonly reopen: boolean) {}

  /** -1 when the cgroup is gone. */
  processes(scratch: ScratchBuffer): number {
    this.procs ??= OpenFile.open(this.procsPath);
    const n = this.procs ? this.procs.read(scratch) : -1;
    if (this.reopen) this.procs = closed(this.procs);
    return n < 0 ? -1 : countLines(scratch.buf, n);
  }

  /** Thread count from the cgroup's thread list; -1 when neither list exists. */
  threadsFromList(scratch: ScratchBuffer): number {
    if (this.threads === undefined) {
      const dir = dirname(this.procsPath);
      this.threads = OpenFile.open(`${dir}/tasks`) ?? OpenFile.open(`${dir}/cgroup.threads`);
    }
    const n = this.threads ? this.threads.read(scratch) : -1;
    if (this.reopen) this.threads = closed(this.threads);
    return n < 0 ? -1 : countLines(scratch.buf, n);
  }

  close(): void {
    this.procs?.close();
    this.threads?.close();
  }
}

function closed(file: OpenFile | null | undefined): undefined {
  file?.close();
  return undefined;
}
