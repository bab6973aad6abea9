// Prints a log stream (NDJSON LogLines from GET …/logs?format=json) with stdout lines on stdout
// and stderr lines on stderr, like `docker logs`. A trailing {"error":…} frame becomes an error.
import type { IncomingMessage } from 'node:http';
import { BerthError, ERROR_CODES, type ErrorCode } from '../errors.js';
import type { LogLine } from '../runtime/types.js';
import { ndjson } from './client.js';
import type { CliContext } from './command.js';

type Frame = LogLine | { error: { code: string; message: string } };

export async function printLogs(ctx: CliContext, res: IncomingMessage, timestamps: boolean): Promise<void> {
  for await (const frame of ndjson<Frame>(res)) {
    if ('error' in frame) throw streamError(frame.error);
    const text = `${timestamps ? `${frame.time} ` : ''}${frame.line}\n`;
    if (frame.stream === 'stderr') ctx.err(text);
    else ctx.out(text);
  }
}

export function streamError(e: { code: string; message: string }): BerthError {
  return new BerthError((e.code in ERROR_CODES ? e.code : 'INTERNAL') as ErrorCode, e.message);
}
