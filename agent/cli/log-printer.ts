// Prints a log stream (NDJSON LogLines from GET …/logs?format=json) with stdout lines on stdout
// and stderr lines on stderr, like `docker logs`. A trailing {"error":…} frame becomes an error.
import type { IncomingMessage } from 'node:http';
import { BerthError, ERROR_CODES, type ErrorCode } from '../errors.js';
import type { LogLine } from '../runtime/types.js';
import { ndjsonBatches } from './client.js';
import type { CliContext } from './command.js';

type Frame = LogLine | { error: { code: string; message: string } };

/** One write per run of lines of one stream: a log of millions of lines is not millions of writes. */
export async function printLogs(ctx: CliContext, res: IncomingMessage, timestamps: boolean): Promise<void> {
  for await (const frames of ndjsonBatches<Frame>(res)) {
    let run: { stream: string; text: string[] } | undefined;
    const write = () => { if (run) (run.stream === 'stderr' ? ctx.err : ctx.out)(run.text.join('')); };
    for (const frame of frames) {
      if ('error' in frame) {
        write();
        throw streamError(frame.error);
      }
      if (run?.stream !== frame.stream) {
        write();
        run = { stream: frame.stream, text: [] };
      }
      run.text.push(`${timestamps ? `${frame.time} ` : ''}${frame.line}\n`);
    }
    write();
  }
}

export function streamError(e: { code: string; message: string }): BerthError {
  return new BerthError((e.code in ERROR_CODES ? e.code : 'INTERNAL') as ErrorCode, e.message);
}
