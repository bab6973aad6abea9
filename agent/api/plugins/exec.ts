// POST /v1/containers/:id/exec runs one process in a running container and streams its output
// over one HTTP response as NDJSON frames:
//   {"stream":"stdout","data":"…"}   {"stream":"stderr","data":"…"}   …   {"exitCode":N,"signal":"SIGKILL"?}
// `data` is UTF-8 text (split multi-byte characters are held back to the next frame), or with
// "encoding": "base64" the output's bytes as they came, base64 (binary output such as `tar c`:
// text frames would replace what is not UTF-8). The exit frame is always last; a failure after
// streaming started ends with {"error":{code,message}}.
// Failures before the process exists (no such container, command not found) are normal JSON errors.
// With "detach": true (docker exec -d) the answer is 201 {"pid": N} as soon as the process runs;
// its output is read and dropped, as docker drops a detached exec's.
import { PassThrough, type Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { FastifyInstance } from 'fastify';
import type { ServerDeps } from '../deps.js';
import type { ExecOptions, ExecProcess } from '../../runtime/types.js';
import { errorResponses, idParamsSchema, terminalSizeSchema, type IdParams } from '../schemas/common.js';
import { strictValidatorCompiler } from '../schemas/strict-validator.js';
import { errorFrame } from './error-handler.js';

/** What to run; also the first message of the websocket exec (exec-attach.ts). */
export const execOptionsProperties = {
  cmd: { type: 'array', minItems: 1, items: { type: 'string' } },
  env: { type: 'array', items: { type: 'string' } },
  workdir: { type: 'string' },
  user: { type: 'string' },
  tty: { type: 'boolean' },
  privileged: { type: 'boolean' },
  consoleSize: terminalSizeSchema,
} as const;

const execBodySchema = {
  type: 'object', additionalProperties: false, required: ['cmd'],
  properties: {
    ...execOptionsProperties,
    detach: { type: 'boolean' },
    encoding: { enum: ['utf8', 'base64'] },
  },
} as const;

type Encoding = 'utf8' | 'base64';
type ExecBody = ExecOptions & { detach?: boolean; encoding?: Encoding };

export async function execPlugin(app: FastifyInstance, deps: ServerDeps): Promise<void> {
  app.post<{ Params: IdParams; Body: ExecBody }>('/v1/containers/:id/exec', {
    schema: { params: idParamsSchema, body: execBodySchema, response: errorResponses },
    validatorCompiler: strictValidatorCompiler,
  }, async (req, reply) => {
    const { detach, encoding = 'utf8', ...opts } = req.body;
    const proc = await deps.runtime.exec(req.params.id, opts);
    if (detach) {
      void drain(proc, deps);
      return reply.code(201).send({ pid: proc.pid });
    }
    const out = new PassThrough();
    // If the client goes away, pump keeps reading (and discarding) so the process never blocks on a full pipe.
    void pump(proc, out, encoding, deps);
    return reply.type('application/x-ndjson').send(out);
  });
}

async function pump(proc: ExecProcess, out: PassThrough, encoding: Encoding, deps: ServerDeps): Promise<void> {
  try {
    await Promise.all([frames(proc.stdout, 'stdout', out, encoding), frames(proc.stderr, 'stderr', out, encoding)]);
    const exit = await proc.exited;
    out.end(`${JSON.stringify({ exitCode: exit.exitCode, ...(exit.signal ? { signal: exit.signal } : {}) })}\n`);
  } catch (err) {
    deps.logger.warn({ err }, 'exec stream failed');
    out.end(errorFrame(err));
  }
}

/** A detached exec: its pipes are emptied so it never blocks on them; its end is only logged. */
async function drain(proc: ExecProcess, deps: ServerDeps): Promise<void> {
  proc.stdout.resume();
  proc.stderr.resume();
  const exit = await proc.exited;
  deps.logger.debug({ pid: proc.pid, exitCode: exit.exitCode }, 'detached exec ended');
}

/** Copies one pipe into frames, pausing it while the HTTP client is slower than the process. */
async function frames(source: NodeJS.ReadableStream, stream: 'stdout' | 'stderr', out: PassThrough, encoding: Encoding): Promise<void> {
  const decoder = new StringDecoder(encoding); // base64: whole 3-byte groups per frame, the rest held back
  const write = (data: string) => {
    if (!data || out.destroyed) return true;
    return out.write(`${JSON.stringify({ stream, data })}\n`);
  };
  for await (const chunk of source as Readable) {
    if (!write(decoder.write(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string)))) await new Promise((r) => out.once('drain', r).once('close', r));
  }
  write(decoder.end());
}
