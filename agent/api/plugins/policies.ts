// Policy routes: GET /v1/policies (the rules in force and the last load error), POST
// /v1/policies/evaluate (a dry run of admission for a ContainerSpec: resolved like a create,
// nothing is made) and GET /v1/policies/report (per-container policy report).
import type { FastifyInstance } from 'fastify';
import type { ServerDeps } from '../deps.js';
import type { ContainerSpec } from '../../runtime/types.js';
import { errorResponses, openObjectSchema as open } from '../schemas/common.js';
import { containerSpecSchema } from '../schemas/container-spec.js';
import { strictValidatorCompiler } from '../schemas/strict-validator.js';
import type { RouteErrorConfig } from './error-handler.js';

const list = (items: object) => ({ type: 'array', items }) as const;

const evaluationSchema = {
  type: 'object', additionalProperties: false, required: ['allowed', 'violations', 'warnings', 'results'],
  properties: {
    allowed: { type: 'boolean' },
    violations: list(open),
    warnings: list({ type: 'string' }),
    results: list(open),
    container: open,
  },
} as const;

export async function policiesPlugin(app: FastifyInstance, deps: ServerDeps): Promise<void> {
  const policy = deps.policy;
  if (!policy) return;

  app.get('/v1/policies', { schema: { response: { 200: open, ...errorResponses } } }, async () => policy.policies());

  app.post<{ Body: ContainerSpec }>('/v1/policies/evaluate', {
    schema: { body: containerSpecSchema, response: { 200: evaluationSchema, ...errorResponses } },
    validatorCompiler: strictValidatorCompiler,
    config: { invalidBodyCode: 'INVALID_SPEC' } satisfies RouteErrorConfig,
  }, async (req) => {
    const resolved = await deps.runtime.resolve(req.body);
    const outcome = policy.evaluate(resolved);
    return { allowed: !outcome.denied, violations: outcome.violations, warnings: outcome.warnings, results: outcome.results, container: resolved };
  });

  app.get('/v1/policies/report', { schema: { response: { 200: open, ...errorResponses } } }, async () => policy.report());
}
