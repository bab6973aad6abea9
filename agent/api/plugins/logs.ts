// GET /v1/containers/:id/logs streams a container's log: plain text lines (like `docker logs`);
// with ?format=json, NDJSON of LogLine ({stream,time,line}); with ?format=raw, docker's multiplexed
// stream (agent/mux-stream.ts), stdout and stderr apart like json but as bytes. Without tail,
// since, until or timestamps, raw sends the log's records as the container wrote them, never
// making a string or an object per line: the CLI's form, several times faster than JSON for a big
// log, and true to output that is not UTF-8. With ?follow=true the response stays open until the
// container exits. A failure after the first byte cannot change the status any more: the JSON form
// ends with an {"error":{…}} line instead, raw with an error frame, the text form just ends.
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ServerDeps } from '../deps.js';
import type { LogLine, LogOptions } from '../../runtime/types.js';
import { MUX_ERROR, muxFrames, muxType } from '../../mux-stream.js';
import { toIsoTime } from '../query-time.js';
import { idParamsSchema, type IdParams } from '../schemas/common.js';
import { errorFrame } from './error-handler.js';

interface LogsQuery {
  follow?: boolean; tail?: number; since?: string; until?: string; timestamps?: boolean;
  stdout?: boolean; stderr?: boolean; format?: 'text' | 'json' | 'raw';
}

const logsQuerySchema = {
  type: 'object', additionalProperties: false,
  properties: {
    follow: { type: 'boolean' },
    tail: { type: 'integer', minimum: 0, description: 'only the last N lines' },
    since: { type: 'string', description: 'RFC 3339 time, unix seconds, or a duration back from now (10m, 1h)' },
    until: { type: 'string', description: 'lines up to this time: the same forms as since; ends a follow when it comes' },
    timestamps: { type: 'boolean' },
    stdout: { type: 'boolean' },
    stderr: { type: 'boolean' },
    format: { type: 'string', enum: ['text', 'json', 'raw'], default: 'text' },
  },
} as const;

export async function logsPlugin(app: FastifyInstance, deps: ServerDeps): Promise<void> {
  app.get<{ Params: IdParams; Querystring: LogsQuery }>('/v1/containers/:id/logs', {
    schema: { params: idParamsSchema, querystring: logsQuerySchema },
  }, async (req, reply) => {
    const q = req.query;
    const info = deps.runtime.get(req.params.id); // NOT_FOUND answers with a status, before streaming starts
    // A client that leaves ends a follow at once (a quiet container would keep it waiting for the next line).
    const left = new AbortController();
    reply.raw.once('close', () => left.abort());
    const opts: LogOptions = {
      follow: q.follow, tail: q.tail, since: toIsoTime(q.since, 'since', Date.now()), until: toIsoTime(q.until, 'until', Date.now()),
      stdout: q.stdout, stderr: q.stderr, timestamps: q.timestamps, signal: left.signal,
    };
    if (q.format === 'raw') {
      const asWritten = q.tail === undefined && opts.since === undefined && opts.until === undefined && !q.timestamps;
      const frames = asWritten
        ? writtenFrames(await deps.runtime.output(info.id, { fromStart: true, follow: q.follow === true, signal: left.signal }), opts)
        : perBatch(deps.runtime.logs(info.id, opts), (batch) => lineFrames(batch, q.timestamps ?? false));
      reply.type('application/vnd.docker.multiplexed-stream');
      return reply.send(Readable.from(streamed(Buffer.alloc(0), frames, deps, (err) => muxFrames(MUX_ERROR, Buffer.from(errorFrame(err))))));
    }
    const batches = deps.runtime.logs(info.id, opts);
    if (q.format === 'json') {
      reply.type('application/x-ndjson');
      return reply.send(Readable.from(streamed('', perBatch(batches, (b) => b.map((l) => `${JSON.stringify(l)}\n`).join('')), deps, errorFrame)));
    }
    reply.type('text/plain; charset=utf-8');
    return reply.send(Readable.from(streamed('', perBatch(batches, (b) => b.map((l) => lineText(l, q.timestamps ?? false)).join('')), deps)));
  });
}

/**
 * `first`, then the body. Node sends the status line and headers with the first write: an empty
 * one sends them at once, so a client that follows a container before starting it is not left
 * waiting. A failure after that cannot change the status any more: the stream ends, with
 * `lastWords` where the form has a way to say why (JSON's error line, raw's error frame).
 */
async function* streamed<T>(first: T, body: AsyncIterable<T>, deps: ServerDeps, lastWords?: (err: unknown) => T): AsyncGenerator<T> {
  yield first;
  try {
    yield* body;
  } catch (err) {
    deps.logger.warn({ err }, 'log stream failed');
    if (lastWords) yield lastWords(err);
  }
}

/** One write per batch: a log of millions of lines is sent in chunks of many, not line by line. */
async function* perBatch<T>(batches: AsyncIterable<LogLine[]>, render: (batch: LogLine[]) => T): AsyncGenerator<T> {
  for await (const batch of batches) yield render(batch);
}

const lineText = (l: LogLine, timestamps: boolean): string => (timestamps ? `${l.time} ${l.line}\n` : `${l.line}\n`);

/** The records' contents as written: a P record's as it is, an F record's with its newline. */
async function* writtenFrames(output: AsyncIterable<{ stream: 'stdout' | 'stderr'; data: Buffer }>, opts: LogOptions): AsyncGenerator<Buffer> {
  for await (const { stream, data } of output) {
    if ((stream === 'stdout' ? opts.stdout : opts.stderr) === false) continue;
    yield muxFrames(muxType(stream), data);
  }
}

/** Lines as the text form has them, one frame per run of lines of one stream. */
function lineFrames(batch: LogLine[], timestamps: boolean): Buffer {
  const frames: Buffer[] = [];
  for (let from = 0; from < batch.length;) {
    const stream = batch[from]!.stream;
    let text = '';
    let i = from;
    for (; i < batch.length && batch[i]!.stream === stream; i++) text += lineText(batch[i]!, timestamps);
    frames.push(muxFrames(muxType(stream), Buffer.from(text)));
    from = i;
  }
  return Buffer.concat(frames);
}
