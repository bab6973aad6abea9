// Finding a container by what a user calls it: docker's order of full id, exact name, unique id prefix.
import { BerthError } from '../errors.js';
import type { ContainerRecord } from './container.js';
import type { RuntimeContext } from './context.js';
import { isFullId } from './ids.js';

export function findRecord(ctx: Pick<RuntimeContext, 'records' | 'names'>, idOrName: string): ContainerRecord {
  if (typeof idOrName !== 'string' || idOrName === '') throw notFound(String(idOrName));
  const records = ctx.records;
  if (isFullId(idOrName) && records.has(idOrName)) return records.get(idOrName)!;
  const byName = ctx.names.get(idOrName);
  if (byName !== undefined && records.has(byName)) return records.get(byName)!;
  if (/^[0-9a-f]+$/.test(idOrName)) {
    const matches = [...records.keys()].filter((id) => id.startsWith(idOrName));
    if (matches.length === 1) return records.get(matches[0]!)!;
    if (matches.length > 1) {
      throw new BerthError('INVALID_REQUEST', `id prefix "${idOrName}" matches ${matches.length} containers; give more characters`,
        { prefix: idOrName, matches: matches.length });
    }
  }
  throw notFound(idOrName);
}

export function notFound(idOrName: string): BerthError {
  return new BerthError('NOT_FOUND', `no such container: ${idOrName}`, { id: idOrName });
}
