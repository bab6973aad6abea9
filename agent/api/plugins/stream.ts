// GET /v1/stream: the websocket stream (protocol in agent/stream/protocol.ts). Read-only, so it is
// open on the TCP listener without a token, and also served on the unix socket.
import type { FastifyInstance } from 'fastify';
import websocket from '@fastify/websocket';
import type { StreamHub } from '../../stream/index.js';

export interface StreamPluginOptions {
  hub: StreamHub;
  /** Largest frame a client may send; subscriptions are tiny, so anything big is abuse. */
  maxClientMessageBytes?: number;
}

export async function streamPlugin(app: FastifyInstance, opts: StreamPluginOptions): Promise<void> {
  // buildServer registers the websocket support once for all routes; alone (tests) it comes here.
  if (!app.hasDecorator('websocketServer')) await app.register(websocket, { options: { maxPayload: opts.maxClientMessageBytes ?? 64 * 1024 } });
  app.get('/v1/stream', { websocket: true }, (socket) => opts.hub.attach(socket));
}
