// POST /v1/containers/prune (docker's container prune): removes every container that is not up
// (created or exited, not waiting for a policy restart) and passes the filters, and answers
// {deleted: [ids], reclaimedBytes} (docker's ContainersDeleted, SpaceReclaimed): the size of
// the removed containers' state (logs mostly; berth does not own the root filesystems). One
// container that starts or goes away meanwhile is skipped, not a failure of the whole prune.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { ServerDeps } from '../deps.js';
import { BerthError, isErrno } from '../../errors.js';
import { dockerState, type ContainerInfo } from '../../runtime/types.js';
import { parsePruneFilter } from '../prune-filter.js';
import { errorResponses } from '../schemas/common.js';

const PRUNABLE: readonly ReturnType<typeof dockerState>[] = ['created', 'exited'];

const pruneReplySchema = {
  type: 'object', required: ['deleted', 'reclaimedBytes'],
  properties: { deleted: { type: 'array', items: { type: 'string' } }, reclaimedBytes: { type: 'integer' } },
} as const;

export async function prunePlugin(app: FastifyInstance, deps: ServerDeps): Promise<void> {
  app.post<{ Querystring: { filter?: string[] } }>('/v1/containers/prune', {
    schema: {
      querystring: { type: 'object', properties: {
        filter: { type: 'array', items: { type: 'string' }, description: 'until=TIME, label=KEY[=VALUE], label!=KEY[=VALUE]; repeatable' },
      } },
      response: { 200: pruneReplySchema, ...errorResponses },
    },
  }, async (req) => {
    const wanted = parsePruneFilter(req.query.filter ?? []);
    const deleted: string[] = [];
    let reclaimedBytes = 0;
    for (const c of deps.runtime.list(true).filter((c) => PRUNABLE.includes(dockerState(c)) && wanted(c))) {
      const bytes = await treeSize(c.stateDir);
      if (!(await removeUnlessBusy(deps, c))) continue;
      deleted.push(c.id);
      reclaimedBytes += bytes;
    }
    return { deleted, reclaimedBytes };
  });
}

async function removeUnlessBusy(deps: ServerDeps, c: ContainerInfo): Promise<boolean> {
  try {
    await deps.runtime.remove(c.id, false);
    return true;
  } catch (err) {
    if (err instanceof BerthError && (err.code === 'INVALID_STATE' || err.code === 'NOT_FOUND')) return false;
    throw err;
  }
}

/** Bytes of the files under `dir` (0 when it is gone). */
async function treeSize(dir: string): Promise<number> {
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (err) {
    if (isErrno(err, 'ENOENT', 'ENOTDIR')) return 0;
    throw err;
  }
  let total = 0;
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) total += await treeSize(path);
    else if (e.isFile()) total += await fs.stat(path).then((s) => s.size, () => 0);
  }
  return total;
}
