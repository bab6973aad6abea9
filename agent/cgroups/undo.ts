// All-or-nothing: a create that fails half-way removes every directory it made, newest first,
// and reports the original failure (plus any directory it could not remove).
import { BerthError, errnoCode } from '../errors.js';
import { removeDir } from './fsio.js';
import type { FixtureHooks } from './options.js';

export async function undoMade(dirs: string[], cause: unknown, hooks?: FixtureHooks): Promise<unknown> {
  const leftovers: string[] = [];
  for (const dir of [...dirs].reverse()) {
    await removeDir(dir, hooks).catch((err: unknown) => leftovers.push(`rmdir ${dir}: ${errnoCode(err) ?? String(err)}`));
  }
  if (leftovers.length === 0) return cause;
  const message = cause instanceof Error ? cause.message : String(cause);
  const code = cause instanceof BerthError ? cause.code : 'CGROUP_FAILED';
  return new BerthError(code, `${message}; cleanup also failed: ${leftovers.join('; ')}`, undefined, { cause });
}
