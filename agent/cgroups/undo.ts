// All-or-nothing: a create that fails half-way removes every directory it made, and an update
// that fails half-way writes back every file it changed, newest first; both report the original
// failure (plus whatever they could not undo).
import { BerthError, errnoCode } from '../errors.js';
import { readCgroupFile, removeDir, writeCgroupFile, type CgroupWrite } from './fsio.js';
import type { FixtureHooks } from './options.js';

export async function undoMade(dirs: string[], cause: unknown, hooks?: FixtureHooks): Promise<unknown> {
  const leftovers: string[] = [];
  for (const dir of [...dirs].reverse()) {
    await removeDir(dir, hooks).catch((err: unknown) => leftovers.push(`rmdir ${dir}: ${errnoCode(err) ?? String(err)}`));
  }
  return withLeftovers(cause, leftovers);
}

/**
 * Runs `apply` with a write that first keeps the file's content. On a failure (say memory.limit_in_bytes
 * refusing a limit below the usage with EBUSY, after cpuset.cpus was already written) every file
 * written gets its old content back, so the cgroup keeps the limits its container's spec records.
 */
export async function writeAllOrNothing(apply: (write: CgroupWrite) => Promise<void>): Promise<void> {
  const written: [path: string, putBack: () => Promise<void>][] = [];
  const write: CgroupWrite = async (path, value, putBack = (before) => writeCgroupFile(path, before)) => {
    const before = await readCgroupFile(path);
    await writeCgroupFile(path, value);
    written.push([path, () => putBack(before)]);
  };
  try {
    await apply(write);
  } catch (cause) {
    const leftovers: string[] = [];
    for (const [path, putBack] of written.reverse()) {
      await putBack().catch((err: unknown) =>
        leftovers.push(`restore ${path}: ${errnoCode((err as Error).cause) ?? (err as Error).message}`));
    }
    throw withLeftovers(cause, leftovers);
  }
}

function withLeftovers(cause: unknown, leftovers: string[]): unknown {
  if (leftovers.length === 0) return cause;
  const message = cause instanceof Error ? cause.message : String(cause);
  const code = cause instanceof BerthError ? cause.code : 'CGROUP_FAILED';
  const details = cause instanceof BerthError ? cause.details : undefined;
  return new BerthError(code, `${message}; cleanup also failed: ${leftovers.join('; ')}`, details, { cause });
}
