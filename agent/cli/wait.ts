import type { ExitInfo } from '../runtime/types.js';
import type { Command } from './command.js';
import { enc, forEach } from './each.js';

export const wait: Command = {
  name: 'wait', usage: 'wait CONTAINER [CONTAINER...]', summary: 'Block until containers stop, then print their exit codes', flags: [], minArgs: 1,
  run: (ctx, p) => forEach(ctx, p.args, async (name) => {
    const exit = await ctx.client().call<ExitInfo>('POST', `/v1/containers/${enc(name)}/wait`);
    return String(exit.exitCode);
  }),
};
