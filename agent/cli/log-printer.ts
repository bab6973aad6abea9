// Prints a log stream (docker's multiplexed stream from GET …/logs?format=raw, agent/mux-stream.ts)
// with stdout on stdout and stderr on stderr, as the container wrote them, like `docker logs`. An
// error frame (the stream failed after it began) becomes an error.
import type { IncomingMessage } from 'node:http';
import { BerthError, ERROR_CODES, type ErrorCode } from '../errors.js';
import { MUX_ERROR, MUX_STDERR, MuxReader, type MuxPayload } from '../mux-stream.js';
import { responsePieces } from './client.js';
import type { CliContext } from './command.js';

/** One write per run of frames of one stream in a piece received: a log of millions of lines is not millions of writes. */
export async function printLogs(ctx: CliContext, res: IncomingMessage): Promise<void> {
  const reader = new MuxReader();
  for await (const piece of responsePieces(res)) {
    let run: MuxPayload[] = [];
    const write = () => {
      if (run.length) (run[0]!.type === MUX_STDERR ? ctx.err : ctx.out)(run.length === 1 ? run[0]!.data : Buffer.concat(run.map((f) => f.data)));
      run = [];
    };
    for (const frame of reader.push(piece)) {
      if (frame.type === MUX_ERROR) {
        write();
        throw streamError((JSON.parse(frame.data.toString('utf8')) as { error: { code: string; message: string } }).error);
      }
      if (run.length && run[0]!.type !== frame.type) write();
      run.push(frame);
    }
    write();
  }
}

export function streamError(e: { code: string; message: string }): BerthError {
  return new BerthError((e.code in ERROR_CODES ? e.code : 'INTERNAL') as ErrorCode, e.message);
}
