// The CRI log format the shim writes (`<RFC3339Nano> stdout|stderr F|P <content>`), parsed into
// LogLines: partial (P) records are joined with the following ones of the same stream up to F.
import type { LogLine } from './types.js';

const P = 0x50;
const SPACE = 0x20;
const COLON = 0x3a;

export class CriLogParser {
  private carry = '';
  private readonly partial: Record<'stdout' | 'stderr', { time: string; text: string } | undefined> = { stdout: undefined, stderr: undefined };

  /** Feeds a chunk of the file; returns the complete log lines it finished. */
  push(chunk: string): LogLine[] {
    const text = this.carry + chunk;
    const lines = text.split('\n');
    this.carry = lines.pop() ?? '';
    const out: LogLine[] = [];
    for (const raw of lines) {
      const line = this.record(raw);
      if (line) out.push(line);
    }
    return out;
  }

  /** At the end of the file: partial records with no final F (output without a newline at exit). */
  flush(): LogLine[] {
    const out: LogLine[] = [];
    for (const stream of ['stdout', 'stderr'] as const) {
      const p = this.partial[stream];
      if (p) out.push({ stream, time: p.time, line: p.text });
      this.partial[stream] = undefined;
    }
    return out;
  }

  // Called for every record of a log (millions for a big one): no slicing or splitting that is not
  // needed (this way it parses about twice as fast).
  private record(raw: string): LogLine | undefined {
    const first = raw.indexOf(' ');
    if (first < 0) return undefined;
    const stream = raw.startsWith('stdout ', first + 1) ? 'stdout' : raw.startsWith('stderr ', first + 1) ? 'stderr' : undefined;
    if (stream === undefined) return undefined;
    const tagAt = first + 8; // the tag is P or F, perhaps followed by :attributes
    const third = raw.indexOf(' ', tagAt);
    const afterP = raw.charCodeAt(tagAt + 1);
    const partial = raw.charCodeAt(tagAt) === P && (tagAt + 1 === raw.length || afterP === SPACE || afterP === COLON);
    const time = raw.slice(0, first);
    const content = third < 0 ? '' : raw.slice(third + 1);
    const prior = this.partial[stream];
    const joined = prior ? { time: prior.time, text: prior.text + content } : { time, text: content };
    if (partial) {
      this.partial[stream] = joined;
      return undefined;
    }
    this.partial[stream] = undefined;
    return { stream, time: joined.time, line: joined.text };
  }
}

/** `since`: an RFC 3339 time, unix seconds ("1700000000.5") or a duration back from now ("10m", "90s", "2h"). */
export function parseSince(since: string, now = Date.now()): number | undefined {
  const text = since.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const rel = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text);
  if (rel) return now - Number(rel[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[rel[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  const parsed = Date.parse(text);
  return Number.isNaN(parsed) ? undefined : parsed;
}

/** Milliseconds since the epoch of an RFC3339Nano time (sub-millisecond digits are dropped by Date). */
export function logTimeMs(time: string): number {
  return Date.parse(time);
}

/** What the container wrote, as a part of one of its streams. */
export interface OutputChunk { stream: 'stdout' | 'stderr'; data: Buffer }

/**
 * The log's records as the bytes the container wrote, for attach and raw logs: a P record's
 * content as it is, an F record's with its newline; consecutive records of one stream come as one
 * chunk. Contents are copied into one buffer per piece pushed (they are shorter than their
 * records), never a string or a buffer object per record: a big log goes through at memcpy speed.
 */
export class CriOutputParser {
  private carry = Buffer.alloc(0);

  push(chunk: Buffer): OutputChunk[] {
    const buf = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    const contents = Buffer.allocUnsafe(buf.length);
    const out: OutputChunk[] = [];
    let written = 0;
    let runFrom = 0;
    let runStream: OutputChunk['stream'] | undefined;
    let start = 0;
    for (let nl = buf.indexOf(10, start); nl >= 0; nl = buf.indexOf(10, start)) {
      const first = buf.indexOf(32, start);
      start = nl + 1;
      if (first < 0 || first > nl) continue;
      const stream = streamAt(buf, first + 1);
      const tagAt = first + 8;
      if (stream === undefined || tagAt >= nl) continue;
      const third = buf.indexOf(32, tagAt);
      const contentFrom = third < 0 || third > nl ? nl : third + 1;
      const contentTo = buf[tagAt] === 0x46 /* F */ ? nl + 1 : nl; // F: with its newline
      if (stream !== runStream) {
        if (runStream && written > runFrom) out.push({ stream: runStream, data: contents.subarray(runFrom, written) });
        runStream = stream;
        runFrom = written;
      }
      written += buf.copy(contents, written, contentFrom, contentTo);
    }
    if (runStream && written > runFrom) out.push({ stream: runStream, data: contents.subarray(runFrom, written) });
    this.carry = Buffer.from(buf.subarray(start));
    return out;
  }
}

const STDOUT = Buffer.from('stdout ');
const STDERR = Buffer.from('stderr ');

/** The stream named at `at` (followed by a space), without making a string of it. */
function streamAt(buf: Buffer, at: number): OutputChunk['stream'] | undefined {
  if (buf.compare(STDOUT, 0, 7, at, at + 7) === 0) return 'stdout';
  if (buf.compare(STDERR, 0, 7, at, at + 7) === 0) return 'stderr';
  return undefined;
}

