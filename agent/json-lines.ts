// An append-only file of JSON lines (the policy audit log, the event journal). Each record is one
// synchronous write with O_APPEND, so lines stay whole and in order and a record is in the file
// (the page cache) before the call returns: an agent crash loses none. Past `maxBytes` the file
// is rotated to <path>.1, so the two together hold between maxBytes and 2 × maxBytes.
import { appendFileSync, mkdirSync, readFileSync, renameSync, statSync, truncateSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import { isErrno } from './errors.js';

export class JsonLinesFile {
  private size: number | undefined;
  private failing = false;

  constructor(readonly path: string, private readonly maxBytes: number, private readonly logger: Pick<Logger, 'error' | 'warn'>) {}

  /** Appends one record; a failure (full disk, …) is logged once per streak and never thrown. */
  append(record: object): void {
    const line = `${JSON.stringify(record)}\n`;
    const bytes = Buffer.byteLength(line);
    try {
      this.size ??= fileSize(this.path);
      if (this.size > 0 && this.size + bytes > this.maxBytes) { renameSync(this.path, `${this.path}.1`); this.size = 0; }
      if (this.size === 0) mkdirSync(dirname(this.path), { recursive: true });
      appendFileSync(this.path, line, { mode: 0o600 });
      this.size += bytes;
      this.failing = false;
    } catch (err) {
      this.size = undefined; // unknown after a failed write: measured again next time
      // Logged once per failure streak: a full disk must not flood the log on every record.
      if (!this.failing) this.logger.error({ err }, `append ${this.path}: ${(err as Error).message}`);
      this.failing = true;
    }
  }

  /**
   * Every record of <path>.1 then <path>, oldest first. A line that is not JSON is skipped with a
   * warning naming file:line; an unfinished last line (a write cut short by a power loss) is cut
   * off the file, so the next record starts on a line of its own.
   */
  readAll(): unknown[] {
    return [...this.readFile(`${this.path}.1`), ...this.readFile(this.path)];
  }

  private readFile(path: string): unknown[] {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return [];
      throw err;
    }
    const complete = text.lastIndexOf('\n') + 1;
    if (complete < text.length) {
      this.logger.warn(`${path}:${text.slice(0, complete).split('\n').length}: unfinished last line cut off`);
      truncateSync(path, Buffer.byteLength(text.slice(0, complete)));
    }
    const records: unknown[] = [];
    const lines = text.slice(0, complete).split('\n');
    for (let i = 0; i < lines.length - 1; i++) {
      try {
        records.push(JSON.parse(lines[i]));
      } catch (err) {
        this.logger.warn(`${path}:${i + 1}: not a JSON record, skipped (${(err as Error).message})`);
      }
    }
    return records;
  }
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return 0;
    throw err;
  }
}
