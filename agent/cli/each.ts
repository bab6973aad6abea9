// Commands that act on several containers (stop, rm, kill, …) act on each like docker: a failure
// is reported and the rest still run; the exit code is 125 if anything failed, or the first
// failure's own code when that is more specific. Output is in the order the containers were named.
// stop, kill, pause, unpause and rm act on up to AT_ONCE containers at a time, as docker's CLI
// does (its parallelOperation): `stop $(ps -q)` of 300 containers that ignore SIGTERM takes one
// stop timeout, not 300 of them. start, restart, update and wait go one at a time, as docker's do
// (a `restart db app` keeps its order).
import { BerthError } from '../errors.js';
import type { CliContext } from './command.js';

/** docker's limit: at most this many requests in flight. */
export const AT_ONCE = 50;

type Outcome = { line: string | void } | { err: unknown };

export async function forEach(ctx: CliContext, names: string[], act: (name: string) => Promise<string | void>, atOnce = 1): Promise<number> {
  const outcomes = inPool(names, atOnce, act);
  let code = 0;
  for (const outcome of outcomes) {
    const done = await outcome;
    if ('line' in done) {
      if (done.line !== undefined) ctx.out(`${done.line}\n`);
      continue;
    }
    const err = done.err;
    if (!(err instanceof BerthError) || err.code === 'AGENT_UNREACHABLE') throw err;
    ctx.err(`berth: ${err.message}\n`);
    if (code === 0) code = err.exitCode;
  }
  return code;
}

/** `POST /v1/containers/<name>/<action><query>` for each name, printing the name once done. */
export function postEach(ctx: CliContext, names: string[], action: string, query = '', atOnce = 1): Promise<number> {
  return forEach(ctx, names, async (name) => {
    await ctx.client().call('POST', `/v1/containers/${enc(name)}/${action}${query}`);
    return name;
  }, atOnce);
}

/** Runs `act` on every name, at most `limit` at a time, in order; one outcome per name, none rejects. */
function inPool(names: string[], limit: number, act: (name: string) => Promise<string | void>): Promise<Outcome>[] {
  let running = 0;
  const waiting: (() => void)[] = [];
  return names.map(async (name): Promise<Outcome> => {
    if (running >= limit) await new Promise<void>((wake) => waiting.push(wake));
    running++;
    try {
      return { line: await act(name) };
    } catch (err) {
      return { err };
    } finally {
      running--;
      waiting.shift()?.();
    }
  });
}

export const enc = encodeURIComponent;
