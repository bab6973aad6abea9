// GET /metrics (Prometheus text, both listeners), GET /v1/containers/:id/stats (recent history of
// one container) and GET /v1/stats (latest sample of every running container plus the host, what
// `berth stats` polls). All read the sampler's snapshot; none touches the kernel.
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { acceptsGzip } from '../accept-encoding.js';
import type { ServerDeps } from '../deps.js';
import { errorResponses, idParamsSchema, openObjectSchema as open, type IdParams } from '../schemas/common.js';

const containerStatsSchema = {
  type: 'object', additionalProperties: false, required: ['id', 'name', 'samples'],
  properties: { id: { type: 'string' }, name: { type: 'string' }, samples: { type: 'array', items: open } },
} as const;

const allStatsSchema = {
  type: 'object', additionalProperties: false, required: ['host', 'containers'],
  properties: { host: { anyOf: [open, { type: 'null' }] }, containers: { type: 'array', items: open } },
} as const;

export async function metricsPlugin(app: FastifyInstance, deps: ServerDeps): Promise<void> {
  const { metrics, snapshot, runtime } = deps;

  if (metrics) {
    app.get('/metrics', async (req, reply) => {
      const gzip = acceptsGzip(req.headers['accept-encoding']);
      const { parts, sent } = await metrics.scrape(gzip ? 'gzip' : 'identity');
      // 'close' comes after the last byte was handed to the socket, or after an abort: either
      // way nothing reads the parts any more.
      reply.raw.once('close', sent);
      if (gzip) reply.header('content-encoding', 'gzip');
      const length = parts.reduce((n, part) => n + part.length, 0);
      return reply.header('content-type', metrics.contentType).header('vary', 'accept-encoding').header('content-length', length)
        .send(Readable.from(parts));
    });
  }
  if (!snapshot) return;

  app.get<{ Params: IdParams; Querystring: { limit?: number } }>('/v1/containers/:id/stats', {
    schema: {
      params: idParamsSchema,
      querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, description: 'newest N samples (default: the whole history)' } } },
      response: { 200: containerStatsSchema, ...errorResponses },
    },
  }, async (req) => {
    const info = runtime.get(req.params.id); // NOT_FOUND names the id
    return { id: info.id, name: info.name, samples: snapshot.history(info.id, req.query.limit) };
  });

  app.get('/v1/stats', { schema: { response: { 200: allStatsSchema, ...errorResponses } } }, async () => ({
    host: snapshot.host() ?? null,
    containers: snapshot.all(),
  }));
}
