// Response shapes of the container routes. Objects stay open (additionalProperties) so parts that
// add fields (e.g. the sampler's `sample` on GET /v1/containers/:id) pass through the serializer.
const str = { type: 'string' } as const;
const int = { type: 'integer' } as const;

export const stopReasonSchema = {
  type: 'object', additionalProperties: true,
  properties: { by: { type: 'string', enum: ['user', 'policy', 'agent'] }, policy: str, rule: str, message: str },
} as const;

export const exitInfoSchema = {
  type: 'object', additionalProperties: true, required: ['exitCode', 'oomKilled', 'finishedAt'],
  properties: { exitCode: int, signal: str, oomKilled: { type: 'boolean' }, finishedAt: str, reason: stopReasonSchema },
} as const;

export const containerInfoSchema = {
  type: 'object', additionalProperties: true, required: ['id', 'name', 'status'],
  properties: {
    id: str,
    name: str,
    status: { type: 'string', enum: ['created', 'running', 'paused', 'stopping', 'exited', 'removing'] },
    pid: int,
    shimPid: int,
    createdAt: str,
    startedAt: str,
    exit: exitInfoSchema,
    spec: { type: 'object', additionalProperties: true, description: 'ResolvedSpec: the spec with every default applied' },
    cgroup: str,
    stateDir: str,
    warnings: { type: 'array', items: str },
  },
} as const;

export const processListSchema = {
  type: 'object', required: ['titles', 'processes'],
  properties: { titles: { type: 'array', items: str }, processes: { type: 'array', items: { type: 'array', items: str } } },
} as const;

export const containerListSchema = { type: 'array', items: containerInfoSchema } as const;

export const createdSchema = {
  type: 'object', required: ['id', 'name', 'warnings'],
  properties: { id: str, name: str, warnings: { type: 'array', items: str } },
} as const;
