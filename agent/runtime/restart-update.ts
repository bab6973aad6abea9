// `docker update --restart`: a new restart policy for a container in any state but removing. Like
// a limits update from a user, admission policy judges the spec it would make. A restart that was
// waiting goes on under the new policy's rule at the container's next exit; setting `no` cancels
// it now (the runtime does, as it owns the restart timers).
import { BerthError } from '../errors.js';
import type { ContainerRecord } from './container.js';
import { describe, type RuntimeContext } from './context.js';
import { validateRestartPolicy } from './spec.js';
import type { RestartPolicy } from './types.js';

export async function updateRestartPolicy(ctx: RuntimeContext, record: ContainerRecord, input: RestartPolicy): Promise<void> {
  if (record.status === 'removing') {
    throw new BerthError('INVALID_STATE', `cannot change the restart policy of ${describe(record)}: it is being removed`, { id: record.id, status: record.status });
  }
  const policy = validateRestartPolicy(input, 'restartPolicy');
  if (record.spec.autoRemove && policy.name !== 'no') {
    throw new BerthError('INVALID_SPEC', `restartPolicy: "${policy.name}" conflicts with autoRemove (--rm) of ${describe(record)}`, { field: 'restartPolicy' });
  }
  const spec = { ...record.spec, restartPolicy: policy };
  const { warnings } = ctx.admit ? await ctx.admit(spec, { operation: 'update', containerId: record.id }) : { warnings: [] };
  record.spec = spec;
  record.warnings = warnings;
  await ctx.persist(record);
  ctx.emit('container.updated', record, `updated ${describe(record)}: restart policy ${policy.name}${policy.maxRetries ? `:${policy.maxRetries}` : ''}`,
    { restartPolicy: policy, by: 'user' });
}
