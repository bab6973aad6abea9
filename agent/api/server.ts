// buildServer(deps) assembles one fastify instance for one listener. It never listens by itself
// (listen.ts does), so tests drive it with app.inject. The daemon builds two: the unix socket's
// (full API) and the TCP listener's (same routes behind the token guard of auth.ts).
import fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import websocket from '@fastify/websocket';
import type { ServerDeps } from './deps.js';
import { installErrorHandler } from './plugins/error-handler.js';
import { installTcpAuth } from './plugins/auth.js';
import { healthPlugin } from './plugins/health.js';
import { systemPlugin } from './plugins/system.js';
import { containersPlugin } from './plugins/containers.js';
import { metricsPlugin } from './plugins/metrics.js';
import { policiesPlugin } from './plugins/policies.js';
import { eventsPlugin } from './plugins/events.js';
import { streamPlugin } from './plugins/stream.js';
import { dashboardPlugin } from './plugins/dashboard.js';

const WEBSOCKET_MAX_MESSAGE_BYTES = 64 * 1024;

export function buildServer(deps: ServerDeps): FastifyInstance {
  const app = fastify({
    // pino's Logger and fastify's FastifyBaseLogger differ only in generics; the instance is the same.
    loggerInstance: deps.logger.child({ listener: deps.listener }) as FastifyBaseLogger,
    // Request lines at info would log every scrape and poll; the onResponse hook logs them at debug.
    logController: new LogController({ disableRequestLogging: true }),
    // Report unknown fields instead of silently dropping them (fastify's default removes them).
    ajv: { customOptions: { removeAdditional: false } },
    // Long-polls (wait) and followed log streams stay open as long as the container runs.
    requestTimeout: 0,
    return503OnClosing: true,
    // A drain must not wait for followed logs and waits: they end, and the CLI reports it.
    forceCloseConnections: true,
  });
  app.addHook('onResponse', async (req, reply) => {
    req.log.debug({ method: req.method, url: req.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });
  installErrorHandler(app);
  if (deps.listener === 'tcp') installTcpAuth(app, deps.token);

  // Once for every websocket route (the stream, exec); a client message is at most 64 KiB (a
  // subscription, a piece of an exec's stdin).
  app.register(websocket, { options: { maxPayload: WEBSOCKET_MAX_MESSAGE_BYTES } });
  app.register(healthPlugin);
  app.register(systemPlugin, deps);
  app.register(containersPlugin, deps);
  if (deps.metrics || deps.snapshot) app.register(metricsPlugin, deps);
  if (deps.policy) app.register(policiesPlugin, deps);
  app.register(eventsPlugin, deps);
  if (deps.stream) app.register(streamPlugin, { hub: deps.stream });
  if (deps.dashboardDir) app.register(dashboardPlugin, { dir: deps.dashboardDir });
  // Each optional part registers above with one line, guarded by its optional field in ServerDeps.
  return app;
}
