// Walking one cgroup directory and its descendants (a container with a private cgroup namespace
// may have made sub-cgroups): the pids in it, and removing it deepest first.
import { join } from 'node:path';
import { BerthError, isErrno } from '../errors.js';
import { cgroupError, listDirs, readOptionalFile, removeDir } from './fsio.js';
import type { FixtureHooks } from './options.js';
import { parsePids } from './parse.js';
import { pollUntil } from './poll.js';

/** Pids in the cgroup and every descendant; [] when the cgroup does not exist. */
export async function pidsInTree(dir: string): Promise<number[]> {
  const own = await readOptionalFile(join(dir, 'cgroup.procs'));
  if (own === undefined) return [];
  const pids = parsePids(own);
  for (const child of await listDirs(dir)) pids.push(...(await pidsInTree(join(dir, child))));
  return pids;
}

/**
 * rmdir deepest first. EBUSY means processes are still leaving (exiting tasks are uncharged a
 * moment after they die), so it retries until the deadline, then names what is still inside.
 */
export async function removeTree(dir: string, timeoutMs: number, hooks?: FixtureHooks): Promise<void> {
  for (const child of await listDirs(dir)) await removeTree(join(dir, child), timeoutMs, hooks);
  let lastError: unknown;
  const removed = await pollUntil(async () => {
    try {
      await removeDir(dir, hooks);
      return true;
    } catch (err) {
      if (!isErrno(err, 'EBUSY')) throw cgroupError('rmdir', dir, err);
      lastError = err;
      return false;
    }
  }, timeoutMs);
  if (removed) return;
  const pids = await pidsInTree(dir);
  throw new BerthError('CGROUP_FAILED',
    `rmdir ${dir}: EBUSY for ${timeoutMs} ms${pids.length ? ` (still holds pids ${pids.slice(0, 10).join(', ')})` : ''}`,
    { path: dir }, { cause: lastError });
}
