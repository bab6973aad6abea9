// Commands that act on several containers (stop, rm, kill, …) act on each in turn like docker:
// a failure is reported and the rest still run; the exit code is 125 if anything failed, or the
// first failure's own code when that is more specific.
import { BerthError } from '../errors.js';
import type { CliContext } from './command.js';

export async function forEach(ctx: CliContext, names: string[], act: (name: string) => Promise<string | void>): Promise<number> {
  let code = 0;
  for (const name of names) {
    try {
      const line = await act(name);
      if (line !== undefined) ctx.out(`${line}\n`);
    } catch (err) {
      if (!(err instanceof BerthError) || err.code === 'AGENT_UNREACHABLE') throw err;
      ctx.err(`berth: ${err.message}\n`);
      if (code === 0) code = err.exitCode;
    }
  }
  return code;
}

/** `POST /v1/containers/<name>/<action><query>` for each name, printing the name once done. */
export function postEach(ctx: CliContext, names: string[], action: string, query = ''): Promise<number> {
  return forEach(ctx, names, async (name) => {
    await ctx.client().call('POST', `/v1/containers/${enc(name)}/${action}${query}`);
    return name;
  });
}

export const enc = encodeURIComponent;
