// What the websocket exec and attach share: the first message as JSON options, the control
// messages (closeStdin, resize), output as binary messages tagged with the stream's number
// (docker's stdcopy: 1 stdout, 2 stderr), and the error frame that ends a session.
import type { WebSocket } from 'ws';
import { BerthError } from '../../errors.js';
import type { TerminalSize } from '../../runtime/types.js';
import { terminalSizeSchema } from '../schemas/common.js';
import { compileStrict } from '../schemas/strict-validator.js';
import { errorFrame } from './error-handler.js';

export const STREAM_TAGS = { stdout: 1, stderr: 2 } as const;

export type Control = { closeStdin?: true; resize?: TerminalSize };

const checkControl = compileStrict({
  type: 'object', additionalProperties: false,
  properties: { closeStdin: { enum: [true] }, resize: terminalSizeSchema },
});

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The first message: JSON text that `check` (a compileStrict validator) accepts; `example` shows one in the error. */
export function parseFirstMessage<T>(data: Buffer, isBinary: boolean, check: ReturnType<typeof compileStrict>, example: string): T {
  const value = isBinary ? undefined : parseJson(data.toString());
  if (value === undefined) throw new BerthError('INVALID_REQUEST', `first message: must be the options as JSON text, e.g. ${example}`);
  const checked = check(value);
  if ('error' in checked) throw new BerthError('INVALID_REQUEST', `first message: ${checked.error.message}`, { field: checked.error.validation[0]?.instancePath.slice(1) });
  return value as T;
}

/** A text message after the first: a control, or an INVALID_REQUEST naming what came. */
export function parseControl(text: string): Control {
  const value = parseJson(text);
  const checked = value === undefined ? undefined : checkControl(value);
  if (!checked || 'error' in checked || Object.keys(value as object).length === 0) {
    const why = !checked ? 'not JSON' : 'error' in checked ? checked.error.message : 'empty';
    throw new BerthError('INVALID_REQUEST', `control message ${JSON.stringify(text.slice(0, 80))}: ${why}; expected {"closeStdin":true} or {"resize":{"rows":R,"cols":C}}`);
  }
  return value as Control;
}

/** One output message; resolves once it is sent (one in flight: a slow client holds the source back). */
export async function sendOutput(socket: WebSocket, tag: number, chunk: Buffer | string): Promise<void> {
  if (socket.readyState !== socket.OPEN) return; // the client left: the source is drained, never blocked
  const data = Buffer.concat([Buffer.from([tag]), Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk)]);
  await new Promise<void>((resolve) => socket.send(data, () => resolve()));
}

/** The last message: {"exitCode":N} (and "signal"), then the session's normal close. */
export function sendExit(socket: WebSocket, exit: { exitCode: number; signal?: string | null }): void {
  send(socket, JSON.stringify({ exitCode: exit.exitCode, ...(exit.signal ? { signal: exit.signal } : {}) }));
  socket.close(1000);
}

export function send(socket: WebSocket, text: string): void {
  if (socket.readyState === socket.OPEN) socket.send(text);
}

export function fail(socket: WebSocket, err: unknown): void {
  send(socket, errorFrame(err).trimEnd());
  socket.close(1011);
}
