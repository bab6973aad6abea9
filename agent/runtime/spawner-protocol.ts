// The wire format of the `berth-shim spawner` channel (agent/native/PLAN.md §3): requests are
// `<L|X><u32 little-endian length><plan bytes>` (a launch or an exec), replies are status lines
// `<id> <status line>`.
// Pure functions, so the framing and the demultiplexing are unit-tested without a process.
import { BerthError } from '../errors.js';

/** The shim's MAX_PLAN: a longer request would desynchronise the channel, so it is refused here. */
export const MAX_REQUEST_BYTES = 16 * 1024 * 1024;

/** Status lines that belong to no launch: `*` = the channel itself, `-` = a plan without a usable id. */
export const CHANNEL_ID = '*';
export const UNKNOWN_ID = '-';

const ID_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;

export type RequestType = 'launch' | 'exec';

/** Frames one encoded launch or exec plan; `id` is checked because it prefixes every reply. */
export function frameRequest(type: RequestType, id: string, plan: Buffer): Buffer {
  if (!ID_PATTERN.test(id)) {
    throw new BerthError('INTERNAL', `spawner request: id ${JSON.stringify(id)} is not a status-line id (1-128 of [A-Za-z0-9._-])`, { id });
  }
  if (plan.length > MAX_REQUEST_BYTES) {
    throw new BerthError('INTERNAL', `spawner request for ${id}: plan of ${plan.length} bytes is over the ${MAX_REQUEST_BYTES}-byte limit`, { id });
  }
  const header = Buffer.alloc(5);
  header.write(type === 'exec' ? 'X' : 'L', 0, 'latin1');
  header.writeUInt32LE(plan.length, 1);
  return Buffer.concat([header, plan]);
}

/** Splits `<id> <status line>`; undefined for a line without an id. */
export function splitReply(line: string): { id: string; status: string } | undefined {
  const space = line.indexOf(' ');
  if (space <= 0) return undefined;
  return { id: line.slice(0, space), status: line.slice(space + 1) };
}

/** Accumulates chunks of the channel and returns the complete lines. */
export class LineSplitter {
  private partial = '';

  push(chunk: string): string[] {
    const parts = (this.partial + chunk).split('\n');
    this.partial = parts.pop() ?? '';
    return parts;
  }

  /** At the end of the stream: the last line if it had no newline. */
  rest(): string[] {
    const last = this.partial;
    this.partial = '';
    return last ? [last] : [];
  }
}
