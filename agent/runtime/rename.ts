// rename: a new name for a container in any state but being removed, like `docker rename`. The
// name is checked like a create's and must be free; the id, cgroup and state dir do not change,
// so metrics carry the new `name` label from the next scrape on.
import { BerthError } from '../errors.js';
import type { ContainerRecord } from './container.js';
import { describe, type RuntimeContext } from './context.js';
import { containerName } from './spec.js';

export async function renameContainer(ctx: RuntimeContext, record: ContainerRecord, input: unknown): Promise<void> {
  const name = containerName(input, 'name');
  if (record.status === 'removing') {
    throw new BerthError('INVALID_STATE', `cannot rename ${describe(record)}: it is being removed`, { id: record.id, status: record.status });
  }
  if (name === record.name) return;
  const owner = ctx.names.get(name);
  if (owner !== undefined) {
    throw new BerthError('NAME_IN_USE', `name "${name}" is already in use by container ${owner.slice(0, 12)}`, { name, id: owner });
  }
  const oldName = record.name;
  ctx.names.set(name, record.id);
  ctx.names.delete(oldName);
  record.name = name;
  record.spec = { ...record.spec, name };
  await ctx.persist(record);
  ctx.emit('container.renamed', record, `renamed container ${oldName} (${record.id.slice(0, 12)}) to ${name}`, { oldName });
}
