// GET /v1/containers/:id/attach as a websocket: docker attach (and the CLI's run -i/-t, start -a).
// The client's first message is JSON text {stdin?, logs?}: `stdin` sends this client's binary
// messages to the container's stdin (it must have been created with openStdin, -i), `logs` sends
// its whole log first (else its output from now on). Text messages after it are controls:
// {"closeStdin":true} ends the container's stdin (docker's StdinOnce), {"resize":{rows,cols}} sizes
// its terminal (with tty). The agent sends the output as binary messages tagged 1 stdout / 2
// stderr (with a tty all is 1) and, once the container has exited and all of it is sent, the text
// {"exitCode":N} (or {"error":…}) and closes. Before any output it sends {"attached":true}: from
// then on nothing the container writes is missed (run -i starts the container only then). A
// client that leaves detaches: the container goes on.
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import type { ServerDeps } from '../deps.js';
import { BerthError } from '../../errors.js';
import type { OutputChunk } from '../../runtime/cri-log.js';
import type { ContainerInput, ExitInfo } from '../../runtime/types.js';
import { idParamsSchema, type IdParams } from '../schemas/common.js';
import { compileStrict } from '../schemas/strict-validator.js';
import type { RouteAuthConfig } from './auth.js';
import { fail, parseControl, parseFirstMessage, send, sendExit, sendOutput, STREAM_TAGS } from './ws-messages.js';

interface AttachOptions { stdin?: boolean; logs?: boolean }
/** The way in: to the container's stdin (when asked for) and its terminal (when it has one). */
interface Attached { input?: ContainerInput; stdin: boolean; tty: boolean }

const checkOptions = compileStrict({ type: 'object', additionalProperties: false, properties: { stdin: { type: 'boolean' }, logs: { type: 'boolean' } } });

export async function attachPlugin(app: FastifyInstance, deps: ServerDeps): Promise<void> {
  app.get<{ Params: IdParams }>('/v1/containers/:id/attach', {
    websocket: true, schema: { params: idParamsSchema }, config: { changesState: true } satisfies RouteAuthConfig,
  }, (socket, req) => {
    let started = false;
    let input: Promise<Attached> | undefined;
    const left = new AbortController(); // ends the output's follow when the client goes
    socket.on('message', (data, isBinary) => {
      if (!started) {
        started = true;
        input = start(socket, req.params.id, data as Buffer, isBinary, left.signal, deps);
        input.catch((err: unknown) => fail(socket, err));
        return;
      }
      // In order, one at a time: what arrives meanwhile waits in the socket (the client is held back).
      socket.pause();
      void input!.then((to) => deliver(to, data as Buffer, isBinary))
        .catch((err: unknown) => fail(socket, err))
        .finally(() => socket.resume());
    });
    socket.on('close', () => {
      left.abort();
      void input?.then((to) => to.input?.close(), () => undefined);
    });
  });
}

/** Resolves with the way in (once it is open), while the output goes on being sent. */
async function start(socket: WebSocket, id: string, data: Buffer, isBinary: boolean, left: AbortSignal, deps: ServerDeps): Promise<Attached> {
  const opts = parseFirstMessage<AttachOptions>(data, isBinary, checkOptions, '{"stdin":true}');
  const { spec, status, name } = deps.runtime.get(id);
  if (status === 'exited' || status === 'removing') throw new BerthError('INVALID_STATE', `attach to container ${name}: it is ${status}; start it first`, { id, status });
  if (opts.stdin && !spec.openStdin) throw new BerthError('INVALID_REQUEST', `attach to container ${name}: it was created without -i (openStdin): its stdin is /dev/null`, { id });
  // Asked for before the output is read: an exit in between is not missed.
  const exit = deps.runtime.wait(id);
  exit.catch(() => undefined); // awaited by relayOutput; a rejection before then must not be unhandled (it would end the agent)
  const input = opts.stdin || spec.tty ? await deps.runtime.attach(id) : undefined;
  const output = await deps.runtime.output(id, { fromStart: opts.logs ?? false, signal: left });
  if (socket.readyState !== socket.OPEN) input?.close(); // it left meanwhile
  send(socket, JSON.stringify({ attached: true }));
  void relayOutput(socket, output, exit).catch((err: unknown) => fail(socket, err));
  return { input, stdin: opts.stdin ?? false, tty: spec.tty };
}

async function relayOutput(socket: WebSocket, output: AsyncIterable<OutputChunk>, exit: Promise<ExitInfo>): Promise<void> {
  for await (const chunk of output) await sendOutput(socket, STREAM_TAGS[chunk.stream], chunk.data);
  if (socket.readyState === socket.OPEN) sendExit(socket, await exit); // else the client left: the output stopped for it
}

async function deliver(to: Attached, data: Buffer, isBinary: boolean): Promise<void> {
  if (isBinary) {
    if (!to.stdin) throw new BerthError('INVALID_REQUEST', 'stdin: this attach did not ask for it (first message {"stdin":true})');
    await to.input!.write(data);
    return;
  }
  const control = parseControl(data.toString());
  if (control.resize) {
    if (!to.tty) throw new BerthError('INVALID_REQUEST', 'resize: this container has no terminal (create it with -t)');
    await to.input!.resize(control.resize);
  }
  if (control.closeStdin && to.stdin) await to.input!.end();
}
