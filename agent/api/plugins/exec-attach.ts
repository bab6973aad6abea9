// GET /v1/containers/:id/exec as a websocket: docker exec -i, the process's stdin included.
// The client's first message is the exec's options as JSON text ({cmd, env?, workdir?, user?});
// after it, binary messages are the process's stdin and the text message {"closeStdin":true} its
// end (so is the client's close). The agent sends the output as binary messages whose first byte
// names the stream (1 stdout, 2 stderr: docker's stdcopy numbers) and, last, the text message
// {"exitCode":N} (with "signal" when the process died of one) or {"error":{code,message}}, then
// closes. On the TCP listener it needs the token, like every call that changes something.
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import type { ServerDeps } from '../deps.js';
import { BerthError } from '../../errors.js';
import type { ExecOptions, ExecProcess } from '../../runtime/types.js';
import { idParamsSchema, type IdParams } from '../schemas/common.js';
import { compileStrict } from '../schemas/strict-validator.js';
import type { RouteAuthConfig } from './auth.js';
import { errorFrame } from './error-handler.js';
import { execOptionsProperties } from './exec.js';

const checkOptions = compileStrict({ type: 'object', additionalProperties: false, required: ['cmd'], properties: execOptionsProperties });

const STDOUT = 1;
const STDERR = 2;

export async function execAttachPlugin(app: FastifyInstance, deps: ServerDeps): Promise<void> {
  app.get<{ Params: IdParams }>('/v1/containers/:id/exec', {
    websocket: true, schema: { params: idParamsSchema }, config: { changesState: true } satisfies RouteAuthConfig,
  }, (socket, req) => {
    // stdin that arrives while the exec starts waits here (the client need not wait for anything).
    const input = new PassThrough();
    let options: { text: string; isBinary: boolean } | undefined;
    socket.on('message', (data, isBinary) => {
      if (!options) {
        options = { text: data.toString(), isBinary };
        start(socket, req.params.id, options, input, deps).catch((err: unknown) => fail(socket, err));
      } else if (isBinary) {
        // A command slower than the client holds the client back rather than filling the agent.
        if (!input.write(data as Buffer)) { socket.pause(); input.once('drain', () => socket.resume()); }
      } else if (/"closeStdin"\s*:\s*true/.test(data.toString())) {
        input.end();
      }
    });
    socket.on('close', () => input.end());
  });
}

async function start(socket: WebSocket, id: string, first: { text: string; isBinary: boolean }, input: PassThrough, deps: ServerDeps): Promise<void> {
  const opts = parseOptions(first.text, first.isBinary);
  const proc = await deps.runtime.exec(id, { ...opts, stdin: true });
  input.pipe(proc.stdin!);
  await Promise.all([forward(proc.stdout, STDOUT, socket), forward(proc.stderr, STDERR, socket)]);
  const exit = await proc.exited;
  send(socket, JSON.stringify({ exitCode: exit.exitCode, ...(exit.signal ? { signal: exit.signal } : {}) }));
  socket.close(1000);
  deps.logger.debug({ container: id, exitCode: exit.exitCode }, 'attached exec ended');
}

function parseOptions(text: string, isBinary: boolean): ExecOptions {
  let value: unknown;
  try {
    value = isBinary ? undefined : JSON.parse(text);
  } catch { /* reported below */ }
  if (value === undefined) throw new BerthError('INVALID_REQUEST', 'first message: must be the exec options as JSON text, e.g. {"cmd":["sh"]}');
  const checked = checkOptions(value);
  if ('error' in checked) throw new BerthError('INVALID_REQUEST', `first message: ${checked.error.message}`, { field: checked.error.validation[0]?.instancePath.slice(1) });
  return value as ExecOptions;
}

/**
 * Copies one output stream into messages tagged with its number. One message in flight at a
 * time: a client slower than the process holds the process back instead of filling the agent.
 */
async function forward(source: ExecProcess['stdout'], tag: number, socket: WebSocket): Promise<void> {
  for await (const chunk of source) {
    if (socket.readyState !== socket.OPEN) continue; // the client left: drain, so the process never blocks
    const data = Buffer.concat([Buffer.from([tag]), Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string)]);
    await new Promise<void>((resolve) => socket.send(data, () => resolve()));
  }
}

function send(socket: WebSocket, text: string): void {
  if (socket.readyState === socket.OPEN) socket.send(text);
}

function fail(socket: WebSocket, err: unknown): void {
  send(socket, errorFrame(err).trimEnd());
  socket.close(1011);
}
