// The CLI's side of the agent's websocket sessions (exec -i/-t, attach, run -i/-t, start -a):
// with `stdin` this process's stdin is sent (its end as {"closeStdin":true}); with `tty` the
// terminal's size goes along (and each resize), and with both this terminal goes raw so every
// key, ^C included, reaches the container's terminal. Output is written byte for byte as it comes.
// With `detachKeys` (on a terminal), that sequence typed in a row (docker's default ^P ^Q) leaves
// the session and the container running. Resolves with the final exit code, or 'detached'.
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
  /** Bytes typed in a row that detach (parseDetachKeys); only read from a terminal. */
  detachKeys?: number[];
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
  const keys = mode.detachKeys && mode.tty && mode.stdin ? new DetachKeys(mode.detachKeys) : undefined;
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

/** docker's default detach keys: ^P ^Q. */
export const DEFAULT_DETACH_KEYS = 'ctrl-p,ctrl-q';

const CTRL_SYMBOLS: Record<string, number> = { '@': 0, '[': 27, '\\': 28, ']': 29, '^': 30, '_': 31 };

/** docker's --detach-keys: comma-separated keys, each `ctrl-<a-z @ [ \ ] ^ _>` or one character. */
export function parseDetachKeys(text: string, command: string): number[] {
  return text.split(',').map((key) => {
    const ctrl = /^ctrl-(.)$/.exec(key);
    if (ctrl && /[a-z]/.test(ctrl[1]!)) return ctrl[1]!.charCodeAt(0) - 96;
    if (ctrl && ctrl[1]! in CTRL_SYMBOLS) return CTRL_SYMBOLS[ctrl[1]!]!;
    if (!ctrl && key.length === 1) return key.charCodeAt(0);
    throw usageError(command, `--detach-keys: ${JSON.stringify(key)} is not a key (ctrl-a … ctrl-z, ctrl-@, ctrl-[, ctrl-\\, ctrl-], ctrl-^, ctrl-_, or one character, comma-separated)`, '--detach-keys');
  });
}

/** Watches typed bytes for the detach sequence; a partly typed sequence is held back until it is clear. */
export class DetachKeys {
  private held = 0; // how many bytes of the sequence were typed last

  constructor(private readonly sequence: number[]) {}

  /** `data`: what to send (the keys before a detach included). */
  feed(chunk: Buffer): { data: Buffer; detach: boolean } {
    const out: number[] = [];
    for (const byte of chunk) {
      if (byte !== this.sequence[this.held]) {
        out.push(...this.sequence.slice(0, this.held)); // not the sequence after all: those keys go through
        this.held = 0;
      }
      if (byte === this.sequence[this.held]) {
        if (++this.held === this.sequence.length) { this.held = 0; return { data: Buffer.from(out), detach: true }; }
      } else {
        out.push(byte);
      }
    }
    return { data: Buffer.from(out), detach: false };
  }
}
