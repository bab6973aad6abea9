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
        : lineFrames(deps.runtime.logs(info.id, opts), q.timestamps ?? false);
      reply.type('application/vnd.docker.multiplexed-stream');
      return reply.send(Readable.from(raw(frames, deps)));
    }
    const batches = deps.runtime.logs(info.id, opts);
    const json = q.format === 'json';
    reply.type(json ? 'application/x-ndjson' : 'text/plain; charset=utf-8');
    return reply.send(Readable.from(json ? ndjson(batches, deps) : text(batches, q.timestamps ?? false, deps)));
  });
}

// Node sends the status line and headers with the first write; an empty first chunk sends them at
// once, so a client that follows a container before starting it is not left waiting for them.
const FLUSH_HEADERS = '';

// One write per batch: a log of millions of lines is sent in chunks of many, not line by line.
async function* ndjson(batches: AsyncIterable<LogLine[]>, deps: ServerDeps): AsyncGenerator<string> {
  yield FLUSH_HEADERS;
  try {
    for await (const batch of batches) yield batch.map((l) => `${JSON.stringify(l)}\n`).join('');
  } catch (err) {
    deps.logger.warn({ err }, 'log stream failed');
    yield errorFrame(err);
  }
}

async function* raw(frames: AsyncIterable<Buffer>, deps: ServerDeps): AsyncGenerator<Buffer> {
  yield Buffer.alloc(0); // FLUSH_HEADERS
  try {
    yield* frames;
  } catch (err) {
    deps.logger.warn({ err }, 'log stream failed');
    yield muxFrames(MUX_ERROR, Buffer.from(errorFrame(err)));
  }
}

/** The records' contents as written: a P record's as it is, an F record's with its newline. */
async function* writtenFrames(output: AsyncIterable<{ stream: 'stdout' | 'stderr'; data: Buffer }>, opts: LogOptions): AsyncGenerator<Buffer> {
  for await (const { stream, data } of output) {
    if ((stream === 'stdout' ? opts.stdout : opts.stderr) === false) continue;
    yield muxFrames(muxType(stream), data);
  }
}

/** Lines as the text form has them, one frame per run of lines of one stream. */
async function* lineFrames(batches: AsyncIterable<LogLine[]>, timestamps: boolean): AsyncGenerator<Buffer> {
  for await (const batch of batches) {
    const frames: Buffer[] = [];
    for (let from = 0; from < batch.length;) {
      const stream = batch[from]!.stream;
      let text = '';
      let i = from;
      for (; i < batch.length && batch[i]!.stream === stream; i++) text += timestamps ? `${batch[i]!.time} ${batch[i]!.line}\n` : `${batch[i]!.line}\n`;
      frames.push(muxFrames(muxType(stream), Buffer.from(text)));
      from = i;
    }
    yield Buffer.concat(frames);
  }
}

async function* text(batches: AsyncIterable<LogLine[]>, timestamps: boolean, deps: ServerDeps): AsyncGenerator<string> {
  yield FLUSH_HEADERS;
  try {
    for await (const batch of batches) yield batch.map((l) => (timestamps ? `${l.time} ${l.line}\n` : `${l.line}\n`)).join('');
  } catch (err) {
    deps.logger.warn({ err }, 'log stream failed');
  }
}
