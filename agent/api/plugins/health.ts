// GET /healthz on both listeners: answers as soon as the agent serves requests.
import type { FastifyInstance } from 'fastify';

export async function healthPlugin(app: FastifyInstance): Promise<void> {
  app.get('/healthz', {
    schema: { response: { 200: { type: 'object', properties: { status: { type: 'string' } } } } },
  }, async () => ({ status: 'ok' }));
}
