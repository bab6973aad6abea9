// docker's multiplexed stream (its stdcopy format), which GET …/logs?format=raw answers with: the
// container's output as the bytes it wrote, stdout and stderr apart, without a JSON object per
// line. Each frame is an 8-byte header (stream type, three zero bytes, the payload's length as a
// big-endian uint32) and the payload. Type 3, docker's "systemerr", carries an error met after the
// response began, as JSON `{"error":{code,message}}`. One definition for the agent and the CLI.
export const MUX_STDOUT = 1;
export const MUX_STDERR = 2;
export const MUX_ERROR = 3;
export type MuxType = typeof MUX_STDOUT | typeof MUX_STDERR | typeof MUX_ERROR;

/** The frame type of a container's stream. */
export const muxType = (stream: 'stdout' | 'stderr'): MuxType => (stream === 'stdout' ? MUX_STDOUT : MUX_STDERR);

const HEADER = 8;
/** Longest payload of one frame: a reader then never holds more than this of a frame it waits for. */
const MAX_PAYLOAD = 64 * 1024;

/** `payload` as one or more frames of `type`, in one buffer. */
export function muxFrames(type: MuxType, payload: Buffer): Buffer {
  const frames = Math.max(1, Math.ceil(payload.length / MAX_PAYLOAD));
  const out = Buffer.allocUnsafe(payload.length + frames * HEADER);
  let at = 0;
  for (let from = 0; from < payload.length || at === 0; from += MAX_PAYLOAD) {
    const part = payload.subarray(from, from + MAX_PAYLOAD);
    out.writeUInt32BE(type << 24, at);
    out.writeUInt32BE(part.length, at + 4);
    part.copy(out, at + HEADER);
    at += HEADER + part.length;
  }
  return out;
}

export interface MuxPayload { type: MuxType; data: Buffer }

/** Splits received bytes into frames; a frame cut between two pieces waits for the rest. */
export class MuxReader {
  private pending: Buffer = Buffer.alloc(0);

  push(piece: Buffer): MuxPayload[] {
    const buf = this.pending.length ? Buffer.concat([this.pending, piece]) : piece;
    const out: MuxPayload[] = [];
    let at = 0;
    while (buf.length - at >= HEADER) {
      const type = buf[at]!;
      const length = buf.readUInt32BE(at + 4);
      if (type !== MUX_STDOUT && type !== MUX_STDERR && type !== MUX_ERROR) throw new Error(`multiplexed stream: unknown frame type ${type} at byte ${at}`);
      if (buf.length - at - HEADER < length) break;
      out.push({ type, data: buf.subarray(at + HEADER, at + HEADER + length) });
      at += HEADER + length;
    }
    this.pending = at === buf.length ? Buffer.alloc(0) : Buffer.from(buf.subarray(at));
    return out;
  }

  /** Bytes of a frame the stream ended in the middle of. */
  get leftover(): number { return this.pending.length; }
}
