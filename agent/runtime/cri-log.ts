// The CRI log format the shim writes (`<RFC3339Nano> stdout|stderr F|P <content>`), parsed into
// LogLines: partial (P) records are joined with the following ones of the same stream up to F.
import type { LogLine } from './types.js';

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

  private record(raw: string): LogLine | undefined {
    const first = raw.indexOf(' ');
    const second = raw.indexOf(' ', first + 1);
    const third = raw.indexOf(' ', second + 1);
    if (first < 0 || second < 0) return undefined;
    const time = raw.slice(0, first);
    const stream = raw.slice(first + 1, second);
    if (stream !== 'stdout' && stream !== 'stderr') return undefined;
    const tag = third < 0 ? raw.slice(second + 1) : raw.slice(second + 1, third);
    const content = third < 0 ? '' : raw.slice(third + 1);
    const prior = this.partial[stream];
    const joined = prior ? { time: prior.time, text: prior.text + content } : { time, text: content };
    if (tag.split(':')[0] === 'P') {
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
