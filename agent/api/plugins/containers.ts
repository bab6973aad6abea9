// Container lifecycle routes under /v1/containers: create (optionally start), list, inspect,
// start/stop/restart/kill/pause/resume, update (limits), rename, top, wait and remove. Logs and exec stream, and prune
// works on many, so they live in their own plugins, registered from here.
import type { FastifyInstance } from 'fastify';
import type { ServerDeps } from '../deps.js';
import { BerthError } from '../../errors.js';
import { validateRestartPolicy } from '../../runtime/index.js';
import type { ContainerInfo, ContainerSpec, ResourcesSpec, RestartPolicy, StopReason } from '../../runtime/types.js';
import { filterContainers, parseContainerFilter } from '../container-filter.js';
import { errorResponses, idParamsSchema, type IdParams } from '../schemas/common.js';
import { createContainerBodySchema, updateContainerBodySchema } from '../schemas/container-spec.js';
import { strictValidatorCompiler } from '../schemas/strict-validator.js';
import { containerInfoSchema, containerListSchema, createdSchema, exitInfoSchema, processListSchema } from '../schemas/container-info.js';
import type { RouteErrorConfig } from './error-handler.js';
import { logsPlugin } from './logs.js';
import { execPlugin } from './exec.js';
import { execAttachPlugin } from './exec-attach.js';
import { attachPlugin } from './attach.js';
import { prunePlugin } from './prune.js';

const USER: StopReason = { by: 'user' };
const ok = (schema: object) => ({ 200: schema, ...errorResponses });
const infoRoute = { params: idParamsSchema, response: ok(containerInfoSchema) };
const stopQuery = {
  type: 'object',
  properties: {
    t: { type: 'integer', minimum: 0, description: 'seconds before SIGKILL' },
    signal: { type: 'string', minLength: 1, description: 'the first signal, instead of the container\'s stop signal (docker stop --signal)' },
  },
} as const;
type StopQuery = { t?: number; signal?: string };

type CreateBody = ContainerSpec & { start?: boolean };

export async function containersPlugin(app: FastifyInstance, deps: ServerDeps): Promise<void> {
  const { runtime } = deps;

  app.post<{ Body: CreateBody }>('/v1/containers', {
    schema: { body: createContainerBodySchema, response: { 201: createdSchema, ...errorResponses } },
    validatorCompiler: strictValidatorCompiler,
    config: { invalidBodyCode: 'INVALID_SPEC' } satisfies RouteErrorConfig,
  }, async (req, reply) => {
    const { start, ...spec } = req.body;
    const began = process.hrtime.bigint();
    const observe = (outcome: 'success' | 'failure' | 'denied') =>
      deps.metrics?.observeLaunch(Number(process.hrtime.bigint() - began) / 1e9, outcome);
    let created;
    try {
      created = await runtime.create(spec);
      if (start) await startOrRemove(deps, created);
    } catch (err) {
      observe(err instanceof BerthError && err.code === 'POLICY_DENIED' ? 'denied' : 'failure');
      throw err;
    }
    observe('success');
    return reply.code(201).send({ id: created.id, name: created.name, warnings: created.warnings ?? [] });
  });

  app.get<{ Querystring: { all?: boolean; filter?: string[] } }>('/v1/containers', {
    schema: {
      querystring: { type: 'object', properties: {
        all: { type: 'boolean', default: false },
        filter: { type: 'array', items: { type: 'string' }, description: 'KEY=VALUE, repeatable (docker ps --filter)' },
      } },
      response: ok(containerListSchema),
    },
  }, async (req) => filterContainers(runtime.list(true), req.query.all ?? false, parseContainerFilter(req.query.filter ?? []), (ref) => runtime.get(ref)));

  app.get<{ Params: IdParams }>('/v1/containers/:id', { schema: infoRoute }, async (req) => {
    const info = runtime.get(req.params.id);
    const sample = deps.snapshot?.latest(info.id);
    return sample ? { ...info, sample } : info;
  });

  app.post<{ Params: IdParams }>('/v1/containers/:id/start', { schema: infoRoute }, async (req) => runtime.start(req.params.id));

  app.post<{ Params: IdParams; Querystring: StopQuery }>('/v1/containers/:id/stop', {
    schema: { ...infoRoute, querystring: stopQuery },
  }, async (req) => runtime.stop(req.params.id, { timeoutSeconds: req.query.t, signal: req.query.signal }, USER));

  app.post<{ Params: IdParams; Querystring: StopQuery }>('/v1/containers/:id/restart', {
    schema: { ...infoRoute, querystring: stopQuery },
  }, async (req) => runtime.restart(req.params.id, { timeoutSeconds: req.query.t, signal: req.query.signal }, USER));

  app.post<{ Params: IdParams; Querystring: { signal?: string } }>('/v1/containers/:id/kill', {
    schema: { ...infoRoute, querystring: { type: 'object', properties: { signal: { type: 'string', minLength: 1, description: 'name (SIGTERM, TERM) or number; default SIGKILL' } } } },
  }, async (req) => runtime.kill(req.params.id, req.query.signal, USER));

  app.post<{ Params: IdParams }>('/v1/containers/:id/pause', { schema: infoRoute }, async (req) => runtime.pause(req.params.id, USER));
  app.post<{ Params: IdParams }>('/v1/containers/:id/resume', { schema: infoRoute }, async (req) => runtime.resume(req.params.id));

  app.post<{ Params: IdParams; Body: { resources?: ResourcesSpec; restartPolicy?: RestartPolicy } }>('/v1/containers/:id/update', {
    schema: { ...infoRoute, body: updateContainerBodySchema },
    validatorCompiler: strictValidatorCompiler,
    config: { invalidBodyCode: 'INVALID_SPEC' } satisfies RouteErrorConfig,
  }, async (req) => {
    const { resources, restartPolicy } = req.body;
    if (!resources && !restartPolicy) throw new BerthError('INVALID_SPEC', 'give resources, a restartPolicy or both', { field: 'resources' });
    // Checked before the limits change, so a bad policy leaves the container as it was.
    if (restartPolicy) validateRestartPolicy(restartPolicy, 'restartPolicy');
    const updated = resources ? await runtime.update(req.params.id, resources, 'user') : undefined;
    return restartPolicy ? runtime.updateRestartPolicy(req.params.id, restartPolicy) : updated;
  });

  app.post<{ Params: IdParams; Querystring: { name: string } }>('/v1/containers/:id/rename', {
    schema: { ...infoRoute, querystring: { type: 'object', required: ['name'], properties: { name: { type: 'string', description: 'the new name' } } } },
  }, async (req) => runtime.rename(req.params.id, req.query.name));

  app.get<{ Params: IdParams; Querystring: { ps_args?: string } }>('/v1/containers/:id/top', {
    schema: {
      params: idParamsSchema,
      querystring: { type: 'object', properties: { ps_args: { type: 'string', description: 'options for ps, space-separated (default -ef)' } } },
      response: ok(processListSchema),
    },
  }, async (req) => runtime.top(req.params.id, (req.query.ps_args ?? '').split(/\s+/).filter(Boolean)));

  app.post<{ Params: IdParams }>('/v1/containers/:id/wait', {
    schema: { params: idParamsSchema, response: ok(exitInfoSchema) },
  }, async (req) => runtime.wait(req.params.id));

  app.delete<{ Params: IdParams; Querystring: { force?: boolean } }>('/v1/containers/:id', {
    schema: { params: idParamsSchema, querystring: { type: 'object', properties: { force: { type: 'boolean', default: false } } } },
  }, async (req, reply) => {
    await runtime.remove(req.params.id, req.query.force);
    return reply.code(204).send();
  });

  await app.register(logsPlugin, deps);
  await app.register(execPlugin, deps);
  await app.register(execAttachPlugin, deps);
  await app.register(attachPlugin, deps);
  await app.register(prunePlugin, deps);
}

/** `start: true` means "run": a container that cannot start is removed, not left behind half-done. */
async function startOrRemove(deps: ServerDeps, created: ContainerInfo): Promise<void> {
  try {
    await deps.runtime.start(created.id);
  } catch (err) {
    await deps.runtime.remove(created.id, true).catch((removeErr: unknown) =>
      deps.logger.error({ err: removeErr, id: created.id }, `remove container ${created.id} after a failed start`));
    throw err;
  }
}
