// Where the last N lines of a CRI log begin, found by reading it backwards (as docker's json-file
// reader does for --tail): `logs --tail 10` of a log of gigabytes reads a few of its last
// kilobytes. Only the records' stream and F/P tag are looked at; the lines are then read forward
// from the position found, by the same parser as any read, so the result is that of a whole read.
//
// A line is the F record that ends it plus the P (partial) records of its stream before it. The
// position found is the end of a record such that every stream with one of the last N lines has
// its previous F record before it: so none of those lines is cut, and a reader that starts there
// and keeps the last N lines it parses gets exactly the last N of the whole log.
//
// A stream's unfinished last line (P records and no F after them) is a line when the read ends
// there; a whole read gives it after all others (its end is the end of the log). It is part of the
// tail when the scan meets it, which is always so for the shim's logs: the shim holds an unfinished
// line until its newline or the container's exit, so its records come at the end of the log. Only
// a line of over 16 KiB cut into records and never finished, with its stream silent ever after,
// could lie before the last N lines and be missing from the tail.
import type { FileHandle } from 'node:fs/promises';

export interface LogSegment { handle: FileHandle; size: number }
/** A place in the log: the byte `offset` of file `segment` (the rotated files oldest first, then the current one). */
export interface SegmentPosition { segment: number; offset: number }

export interface TailSpec {
  lines: number;
  streams: ReadonlySet<string>;
  /** Whether a final partial record with no F after it is a line (it is when the read ends there, not when it follows). */
  partialIsLine: boolean;
}

const SCAN_CHUNK = 64 * 1024;
const F = 0x46;
const NEWLINE = 0x0a;
const SPACE = 0x20;

export async function tailStart(segments: LogSegment[], spec: TailSpec): Promise<SegmentPosition> {
  let counted = 0;
  const begun = new Set<string>(); // streams met so far (reading backwards)
  const inTail = new Set<string>(); // streams with one of the last N lines
  const closed = new Set<string>(); // of those, the ones whose previous F record was met
  for await (const r of recordsBackward(segments)) {
    const firstOfStream = !begun.has(r.stream);
    begun.add(r.stream);
    if (!spec.streams.has(r.stream)) continue;
    if (firstOfStream && !r.final) {
      // Its unfinished line must not be cut: as a line it comes last in a read (ending there), and
      // a follow gives it once finished.
      inTail.add(r.stream);
      if (spec.partialIsLine) counted++;
      continue;
    }
    if (!r.final) continue;
    if (counted < spec.lines) {
      counted++;
      inTail.add(r.stream);
      continue;
    }
    if (inTail.has(r.stream)) closed.add(r.stream);
    if (closed.size === inTail.size) return { segment: r.segment, offset: r.end };
  }
  return { segment: 0, offset: 0 };
}

interface RecordInfo { segment: number; end: number; stream: string; final: boolean }

/**
 * The complete records, last first: each one's stream, whether it is an F record, and the offset
 * just after its newline. Bytes after the last newline of the current file (a record being
 * written) are not a record yet. Records are at most ~16 KiB, so the carried part stays small.
 */
async function* recordsBackward(segments: LogSegment[]): AsyncGenerator<RecordInfo> {
  for (let segment = segments.length - 1; segment >= 0; segment--) {
    const { handle, size } = segments[segment]!;
    let bufStart = size;
    let buf = Buffer.alloc(0);
    let end = -1; // the end (exclusive) within buf of the next record to yield; -1 until the first newline is found
    while (bufStart > 0 || buf.length > 0) {
      if (bufStart > 0) {
        const from = Math.max(0, bufStart - SCAN_CHUNK);
        const chunk = Buffer.allocUnsafe(bufStart - from);
        const { bytesRead } = await handle.read(chunk, 0, chunk.length, from);
        if (bytesRead !== chunk.length) return; // truncated under us: stop here, the forward read sees what is left
        buf = Buffer.concat([chunk, buf]);
        if (end >= 0) end += chunk.length;
        bufStart = from;
      }
      if (end < 0) {
        const last = buf.lastIndexOf(NEWLINE);
        if (last < 0) { if (bufStart === 0) break; continue; }
        end = last + 1;
      }
      for (;;) {
        const start = end >= 2 ? buf.lastIndexOf(NEWLINE, end - 2) + 1 : 0;
        if (start === 0 && bufStart > 0) break; // its beginning is in the part not read yet
        const record = parseHead(buf, start, end - 1);
        if (record) yield { segment, end: bufStart + end, ...record };
        end = start;
        if (end === 0) break;
      }
      buf = buf.subarray(0, end);
      if (bufStart === 0 && end === 0) break;
    }
  }
}

/** `<time> <stream> <F|P>[:…] <content>`: the stream and the tag; undefined for a malformed record. */
function parseHead(buf: Buffer, start: number, end: number): { stream: string; final: boolean } | undefined {
  const first = buf.indexOf(SPACE, start);
  const second = first < 0 || first >= end ? -1 : buf.indexOf(SPACE, first + 1);
  if (second < 0 || second >= end) return undefined;
  return { stream: buf.toString('latin1', first + 1, second), final: buf[second + 1] === F };
}
