// The TCP listener is reachable by anything on the network path to it, so it serves reads
// (GET/HEAD: /metrics, /healthz, the dashboard, streams, lists) to anyone, and calls that
// change something only with the configured bearer token: every other method, and the GET
// routes marked `config: { changesState: true }` (websockets that act, such as exec). A browser
// cannot set the header on a websocket, so no web page can run one. The unix socket is guarded
// by its file mode instead and needs no token.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BerthError } from '../../errors.js';

/** Route config: a GET that changes something (a websocket that runs a process) needs the token too. */
export interface RouteAuthConfig { changesState?: boolean }

const READ_ONLY_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function installTcpAuth(app: FastifyInstance, token: string | undefined): void {
  app.addHook('onRequest', async (req) => {
    if (READ_ONLY_METHODS.has(req.method) && !(req.routeOptions.config as RouteAuthConfig | undefined)?.changesState) return;
    checkBearer(req, token);
  });
}

function checkBearer(req: FastifyRequest, token: string | undefined): void {
  const what = `${req.method} ${req.url.split('?')[0]}`;
  if (!token) {
    throw new BerthError('FORBIDDEN', `${what}: calls that change something are refused on the TCP listener because no token is configured; use the unix socket or start the agent with --token`);
  }
  const given = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
  if (!given) throw new BerthError('UNAUTHORIZED', `${what}: this call needs "Authorization: Bearer <token>" on the TCP listener`);
  if (!sameSecret(given, token)) throw new BerthError('UNAUTHORIZED', `${what}: the bearer token is wrong`);
}

/** Compares digests so neither the content nor the length of the token leaks through timing. */
function sameSecret(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}
