// One place that turns failures into HTTP answers: BerthError → its catalogue status with
// `{error:{code,message,details}}`; schema validation → 400 naming the field; fastify's own
// client errors keep their status; anything else is a logged 500. Unknown routes → 404 JSON.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BerthError, type ErrorCode } from '../../errors.js';
import { validationFailure } from './validation-message.js';

export interface ErrorBody { error: { code: string; message: string; details?: Record<string, unknown> } }

/** Route config: which code a body that fails its schema gets (INVALID_SPEC for container specs). */
export interface RouteErrorConfig { invalidBodyCode?: ErrorCode }

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | BerthError, req, reply) => {
    const { status, body } = toErrorReply(err, req);
    if (status >= 500) req.log.error({ err }, `${req.method} ${req.url}: ${body.error.message}`);
    if (status === 401) reply.header('www-authenticate', 'Bearer realm="berth"');
    return reply.code(status).type('application/json').send(body);
  });
  app.setNotFoundHandler((req: FastifyRequest, reply: FastifyReply) =>
    reply.code(404).send({ error: { code: 'NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}` } } satisfies ErrorBody));
}

/** The last NDJSON line of a stream that failed after its status was sent (exec, logs). */
export function errorFrame(err: unknown): string {
  const body = err instanceof BerthError ? err.toJSON() : { code: 'INTERNAL', message: (err as Error).message };
  return `${JSON.stringify({ error: body })}\n`;
}

function toErrorReply(err: FastifyError | BerthError | Error, req: FastifyRequest): { status: number; body: ErrorBody } {
  if (err instanceof BerthError) return { status: err.status, body: { error: err.toJSON() } };
  const fe = err as FastifyError;
  if (fe.validation) {
    const config = req.routeOptions.config as RouteErrorConfig | undefined;
    const code = fe.validationContext === 'body' && config?.invalidBodyCode ? config.invalidBodyCode : 'INVALID_REQUEST';
    const { message, field } = validationFailure(fe.validationContext ?? 'request', fe.validation);
    return { status: 400, body: { error: { code, message, details: { field, in: fe.validationContext ?? 'request' } } } };
  }
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    return { status: fe.statusCode, body: { error: { code: 'INVALID_REQUEST', message: fe.message, details: { reason: fe.code } } } };
  }
  return { status: 500, body: { error: { code: 'INTERNAL', message: err.message || 'internal error' } } };
}
