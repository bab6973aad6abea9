// `berth exec -i` / `-t`: the exec over the agent's websocket (api/plugins/exec-attach.ts). With -i
// this process's stdin is sent as the command's and its end as the command's EOF; with -t the
// command gets a terminal of this one's size (kept as this one is resized) and, with -i too, this
// terminal goes raw so every key (^C included) reaches it. The output is written byte for byte as
// it comes. The exit code is the command's.
import { BerthError } from '../errors.js';
import type { CliContext } from './command.js';
import { enc } from './each.js';
import { streamError } from './log-printer.js';

const STDERR = 2;

type Final = { exitCode: number } | { error: { code: string; message: string } };

export interface AttachMode { stdin: boolean; tty: boolean }

export async function attachExec(ctx: CliContext, container: string, options: object, mode: AttachMode): Promise<number> {
  const ws = await ctx.client().websocket(`/v1/containers/${enc(container)}/exec`);
  const size = mode.tty ? ctx.terminal.size() : undefined;
  ws.send(JSON.stringify({ ...options, ...(mode.tty ? { tty: true } : {}), ...(size ? { consoleSize: size } : {}) }));
  const input = ctx.stdin;
  let open = true;
  const undo: (() => void)[] = [];
  if (mode.tty) {
    undo.push(ctx.terminal.onResize(() => {
      const now = ctx.terminal.size();
      if (open && now) ws.send(JSON.stringify({ resize: now }));
    }));
  }
  if (mode.tty && mode.stdin) undo.push(ctx.terminal.raw());
  // One message in flight: input is read no faster than the agent takes it.
  const onData = (chunk: Buffer | string) => {
    input.pause();
    ws.send(chunk, () => { if (open) input.resume(); });
  };
  const onEnd = () => { if (open) ws.send(JSON.stringify({ closeStdin: true })); };
  if (mode.stdin) {
    input.on('data', onData);
    input.once('end', onEnd);
  }
  let final: Final | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      ws.on('message', (data, isBinary) => {
        const bytes = data as Buffer;
        if (isBinary) (bytes[0] === STDERR ? ctx.err : ctx.out)(bytes.subarray(1));
        else final = JSON.parse(bytes.toString()) as Final;
      });
      ws.once('close', () => resolve());
      ws.once('error', reject);
    });
  } finally {
    // The command has ended: stdin is no longer read (a terminal's would keep the CLI alive).
    open = false;
    for (const u of undo) u();
    if (mode.stdin) {
      input.off('data', onData);
      input.off('end', onEnd);
      input.pause();
    }
  }
  if (final && 'exitCode' in final) return final.exitCode;
  if (final && 'error' in final) throw streamError(final.error);
  throw new BerthError('INTERNAL', `exec in ${container}: the agent closed the connection before the exit code`);
}
