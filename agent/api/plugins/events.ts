// GET /v1/events: the agent's event history after ?after=<seq> as a JSON list, or with
// ?follow=true that history and then every new event, streamed as NDJSON until the client
// goes away. Filters: ?kind=policy (prefix of the kind) and ?container=<id or name>.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ServerDeps } from '../deps.js';
import type { BerthEvent } from '../../events/index.js';
import { errorResponses } from '../schemas/common.js';

interface EventsQuery { after?: number; follow?: boolean; kind?: string; container?: string }

const querySchema = {
  type: 'object', additionalProperties: false,
  properties: {
    after: { type: 'integer', minimum: 0, default: 0, description: 'only events with seq > after' },
    follow: { type: 'boolean', default: false, description: 'keep streaming new events as NDJSON' },
    kind: { type: 'string', minLength: 1, description: 'kind prefix, e.g. "policy" or "container.exited"' },
    container: { type: 'string', minLength: 1, description: 'container id, id prefix or name' },
  },
} as const;

const eventSchema = {
  type: 'object', additionalProperties: false, required: ['seq', 'time', 'kind', 'message'],
  properties: {
    seq: { type: 'integer' }, time: { type: 'string' }, kind: { type: 'string' }, message: { type: 'string' },
    containerId: { type: 'string' }, containerName: { type: 'string' }, data: { type: 'object', additionalProperties: true },
  },
} as const;

function matcher(q: EventsQuery): (e: BerthEvent) => boolean {
  return (e) => (q.kind === undefined || e.kind === q.kind || e.kind.startsWith(`${q.kind}.`))
    && (q.container === undefined || e.containerName === q.container || (e.containerId ?? '').startsWith(q.container));
}

export async function eventsPlugin(app: FastifyInstance, deps: ServerDeps): Promise<void> {
  app.get<{ Querystring: EventsQuery }>('/v1/events', {
    schema: { querystring: querySchema, response: { 200: { type: 'array', items: eventSchema }, ...errorResponses } },
  }, async (req, reply) => {
    const matches = matcher(req.query);
    if (!req.query.follow) return deps.events.since(req.query.after).filter(matches);
    return follow(deps, reply, req.query.after ?? 0, matches);
  });
}

function follow(deps: ServerDeps, reply: FastifyReply, after: number, matches: (e: BerthEvent) => boolean): FastifyReply {
  const raw = reply.raw;
  reply.hijack();
  raw.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-cache' });
  let last = after;
  const write = (e: BerthEvent) => {
    if (e.seq <= last) return;
    last = e.seq;
    if (matches(e)) raw.write(`${JSON.stringify(e)}\n`);
  };
  // Subscribe first, then replay: an event emitted in between is written once (seq check).
  const unsubscribe = deps.events.subscribe(write);
  for (const e of deps.events.since(after)) write(e);
  raw.on('close', unsubscribe);
  return reply;
}
