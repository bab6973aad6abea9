// GET /v1/events: the agent's event history after ?after=<seq> as a JSON list, or with
// ?follow=true that history and then every new event, streamed as NDJSON until the client
// goes away or ?until= comes. Filters: ?kind=policy (prefix of the kind), ?container=<id or name>,
// ?since= / ?until= (docker's time forms: RFC 3339, unix seconds, a duration back like 10m).
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ServerDeps } from '../deps.js';
import type { BerthEvent } from '../../events/index.js';
import { toIsoTime } from '../query-time.js';
import { errorResponses } from '../schemas/common.js';

interface EventsQuery { after?: number; follow?: boolean; kind?: string; container?: string; since?: string; until?: string }

const querySchema = {
  type: 'object', additionalProperties: false,
  properties: {
    after: { type: 'integer', minimum: 0, default: 0, description: 'only events with seq > after' },
    follow: { type: 'boolean', default: false, description: 'keep streaming new events as NDJSON' },
    kind: { type: 'string', minLength: 1, description: 'kind prefix, e.g. "policy" or "container.exited"' },
    container: { type: 'string', minLength: 1, description: 'container id, id prefix or name' },
    since: { type: 'string', minLength: 1, description: 'only events at or after this time' },
    until: { type: 'string', minLength: 1, description: 'only events at or before this time; a follow ends then' },
  },
} as const;

const eventSchema = {
  type: 'object', additionalProperties: false, required: ['seq', 'time', 'kind', 'message'],
  properties: {
    seq: { type: 'integer' }, time: { type: 'string' }, kind: { type: 'string' }, message: { type: 'string' },
    containerId: { type: 'string' }, containerName: { type: 'string' }, data: { type: 'object', additionalProperties: true },
  },
} as const;

/** Event times are ISO strings of one format (toISOString), so they compare as strings. */
function matcher(q: EventsQuery, since: string | undefined, until: string | undefined): (e: BerthEvent) => boolean {
  return (e) => (q.kind === undefined || e.kind === q.kind || e.kind.startsWith(`${q.kind}.`))
    && (q.container === undefined || e.containerName === q.container || (e.containerId ?? '').startsWith(q.container))
    && (since === undefined || e.time >= since) && (until === undefined || e.time <= until);
}

export async function eventsPlugin(app: FastifyInstance, deps: ServerDeps): Promise<void> {
  app.get<{ Querystring: EventsQuery }>('/v1/events', {
    schema: { querystring: querySchema, response: { 200: { type: 'array', items: eventSchema }, ...errorResponses } },
  }, async (req, reply) => {
    const now = Date.now();
    const until = toIsoTime(req.query.until, 'until', now);
    const matches = matcher(req.query, toIsoTime(req.query.since, 'since', now), until);
    if (!req.query.follow) return deps.events.since(req.query.after).filter(matches);
    return follow(deps, reply, req.query.after ?? 0, matches, until === undefined ? Infinity : Date.parse(until) - now);
  });
}

/** `endInMs`: the stream ends then (docker's events --until); Infinity: when the client goes. */
function follow(deps: ServerDeps, reply: FastifyReply, after: number, matches: (e: BerthEvent) => boolean, endInMs: number): FastifyReply {
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
  // +1: an event of the until millisecond itself still gets in.
  const timer = Number.isFinite(endInMs) ? setTimeout(() => raw.end(), Math.max(0, endInMs + 1)) : undefined;
  raw.on('close', () => { clearTimeout(timer); unsubscribe(); });
  return reply;
}
