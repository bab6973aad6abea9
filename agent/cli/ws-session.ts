// The CLI's side of the agent's websocket sessions (exec -i/-t, attach, run -i/-t, start -a):
// with `stdin` this process's stdin is sent (its end as {"closeStdin":true}); with `tty` the
// terminal's size goes along (and each resize), and with both this terminal goes raw so every
// key, ^C included, reaches the container's terminal. Output is written byte for byte as it comes.
// With `detachKeys`, ^P ^Q typed in a row (docker's default) leave the session and the container
// running. Resolves with the final exit code, or 'detached'.
import type { WebSocket } from 'ws';
import { BerthError } from '../errors.js';
import type { CliContext } from './command.js';
import { usageError } from './args.js';
import { streamError } from './log-printer.js';

const STDERR = 2;

type Final = { exitCode: number } | { error: { code: string; message: string } };

export interface SessionMode {
  stdin: boolean;
  tty: boolean;
  detachKeys?: boolean;
  /** Called at the agent's {"attached":true} (run -i starts the container then); its failure ends the session. */
  ready?: () => Promise<void>;
}

/** docker's check: raw keys cannot come from a file or a pipe. */
export function checkTerminalInput(ctx: CliContext, mode: SessionMode, command: string): void {
  if (mode.stdin && mode.tty && !ctx.terminal.stdinIsTerminal) {
    throw usageError(command, 'the input device is not a TTY (drop -t to send a file or a pipe as stdin)', '--tty');
  }
}

export async function runSession(ctx: CliContext, ws: WebSocket, what: string, mode: SessionMode): Promise<number | 'detached'> {
  const input = ctx.stdin;
  let open = true;
  let detached = false;
  const undo: (() => void)[] = [];
  if (mode.tty) {
    const sendSize = () => {
      const now = ctx.terminal.size();
      if (open && now) ws.send(JSON.stringify({ resize: now }));
    };
    undo.push(ctx.terminal.onResize(sendSize));
    sendSize(); // attach: the container's terminal may have another size than this one
  }
  if (mode.tty && mode.stdin) undo.push(ctx.terminal.raw());
  const keys = mode.detachKeys && mode.tty && mode.stdin ? new DetachKeys() : undefined;
  // One message in flight: input is read no faster than the agent takes it.
  const onData = (chunk: Buffer | string) => {
    const { data, detach } = keys ? keys.feed(Buffer.from(chunk)) : { data: chunk, detach: false };
    if (data.length > 0) {
      input.pause();
      ws.send(data, () => { if (open && !detach) input.resume(); });
    }
    if (detach) { detached = true; ws.close(1000); }
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
        if (isBinary) { (bytes[0] === STDERR ? ctx.err : ctx.out)(bytes.subarray(1)); return; }
        const message = JSON.parse(bytes.toString()) as Final | { attached: true };
        if (!('attached' in message)) final = message;
        else if (mode.ready) mode.ready().catch((err: unknown) => { reject(err); ws.terminate(); });
      });
      ws.once('close', () => resolve());
      ws.once('error', reject);
    });
  } finally {
    // The session has ended: stdin is no longer read (a terminal's would keep the CLI alive).
    open = false;
    for (const u of undo) u();
    if (mode.stdin) {
      input.off('data', onData);
      input.off('end', onEnd);
      input.pause();
    }
  }
  if (detached) return 'detached';
  if (final && 'exitCode' in final) return final.exitCode;
  if (final && 'error' in final) throw streamError(final.error);
  throw new BerthError('INTERNAL', `${what}: the agent closed the connection before the exit code`);
}

/** ^P ^Q: a ^P is held back until the next key shows whether it starts the sequence. */
export class DetachKeys {
  private held = false;

  /** `data`: what to send (the keys before a detach included). */
  feed(chunk: Buffer): { data: Buffer; detach: boolean } {
    const out: number[] = this.held ? [0x10] : [];
    this.held = false;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (out.at(-1) === 0x10 && byte === 0x11) { out.pop(); return { data: Buffer.from(out), detach: true }; }
      out.push(byte);
    }
    if (out.at(-1) === 0x10) { out.pop(); this.held = true; }
    return { data: Buffer.from(out), detach: false };
  }
}
