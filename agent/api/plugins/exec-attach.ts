// GET /v1/containers/:id/exec as a websocket: docker exec -i and -t, the process's stdin included.
// The client's first message is the exec's options as JSON text ({cmd, env?, workdir?, user?,
// tty?, consoleSize?}); after it, binary messages are the process's stdin, and text messages are
// controls: {"closeStdin":true} ends stdin (so does the client's close), {"resize":{rows,cols}}
// sizes the terminal (with tty). The agent sends the output as binary messages whose first byte
// names the stream (1 stdout, 2 stderr: docker's stdcopy numbers; with a tty all is 1) and, last,
// the text message {"exitCode":N} (with "signal" when the process died of one) or
// {"error":{code,message}}, then closes. A client that leaves while a process with a tty runs
// hangs it up (SIGHUP), as a terminal does whose line drops: an interactive shell does not linger
// unseen. On the TCP listener it needs the token, like every call that changes something.
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import type { ServerDeps } from '../deps.js';
import { BerthError } from '../../errors.js';
import type { ExecOptions, ExecProcess, TerminalSize } from '../../runtime/types.js';
import { idParamsSchema, type IdParams } from '../schemas/common.js';
import { compileStrict } from '../schemas/strict-validator.js';
import type { RouteAuthConfig } from './auth.js';
import { execOptionsProperties } from './exec.js';
import { fail, parseControl, parseFirstMessage, sendExit, sendOutput, STREAM_TAGS, type Control } from './ws-messages.js';

const checkOptions = compileStrict({ type: 'object', additionalProperties: false, required: ['cmd'], properties: execOptionsProperties });

export async function execAttachPlugin(app: FastifyInstance, deps: ServerDeps): Promise<void> {
  app.get<{ Params: IdParams }>('/v1/containers/:id/exec', {
    websocket: true, schema: { params: idParamsSchema }, config: { changesState: true } satisfies RouteAuthConfig,
  }, (socket, req) => {
    const session = new Session(socket, req.params.id, deps);
    socket.on('message', (data, isBinary) => session.message(data as Buffer, isBinary));
    socket.on('close', () => session.clientGone());
  });
}

/** One websocket's exec: what arrives before the process exists waits for it. */
class Session {
  // stdin that arrives while the exec starts waits here (the client need not wait for anything).
  private readonly input = new PassThrough();
  private started = false;
  private proc: ExecProcess | undefined;
  private size: TerminalSize | undefined;

  constructor(private readonly socket: WebSocket, private readonly id: string, private readonly deps: ServerDeps) {}

  message(data: Buffer, isBinary: boolean): void {
    if (!this.started) {
      this.started = true;
      this.start(data, isBinary).catch((err: unknown) => fail(this.socket, err));
    } else if (isBinary) {
      // A command slower than the client holds the client back rather than filling the agent.
      if (!this.input.write(data)) { this.socket.pause(); this.input.once('drain', () => this.socket.resume()); }
    } else {
      this.control(data.toString());
    }
  }

  /** Also after the process ended (the session's own close): a hangup then changes nothing. */
  clientGone(): void {
    this.input.end();
    this.proc?.hangup?.();
  }

  private control(text: string): void {
    let control: Control;
    try {
      control = parseControl(text);
    } catch (err) {
      fail(this.socket, err);
      return;
    }
    if (control.resize) this.resize(control.resize);
    if (control.closeStdin) this.input.end();
  }

  private resize(size: TerminalSize): void {
    if (!this.proc) { this.size = size; return; } // sent once the process exists
    if (!this.proc.resize) { fail(this.socket, new BerthError('INVALID_REQUEST', 'resize: this exec has no terminal (start it with "tty": true)')); return; }
    this.proc.resize(size);
  }

  private async start(data: Buffer, isBinary: boolean): Promise<void> {
    const opts = parseOptions(data, isBinary);
    const proc = await this.deps.runtime.exec(this.id, { ...opts, stdin: true });
    this.proc = proc;
    if (this.socket.readyState !== this.socket.OPEN) this.clientGone(); // it left while the exec started
    if (this.size) this.resize(this.size);
    this.input.pipe(proc.stdin!);
    await Promise.all([forward(proc.stdout, STREAM_TAGS.stdout, this.socket), forward(proc.stderr, STREAM_TAGS.stderr, this.socket)]);
    const exit = await proc.exited;
    sendExit(this.socket, exit);
    this.deps.logger.debug({ container: this.id, exitCode: exit.exitCode }, 'attached exec ended');
  }
}

function parseOptions(data: Buffer, isBinary: boolean): ExecOptions {
  return parseFirstMessage<ExecOptions>(data, isBinary, checkOptions, '{"cmd":["sh"]}');
}

/** Copies one output stream into messages tagged with its number. */
async function forward(source: ExecProcess['stdout'], tag: number, socket: WebSocket): Promise<void> {
  for await (const chunk of source) await sendOutput(socket, tag, chunk as Buffer | string);
}
