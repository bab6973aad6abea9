import type { Command } from './command.js';
import { enc, forEach } from './each.js';

export const unpause: Command = {
  name: 'unpause', usage: 'unpause CONTAINER [CONTAINER...]', summary: 'Thaw paused containers', flags: [], minArgs: 1,
  run: (ctx, p) => forEach(ctx, p.args, async (name) => {
    await ctx.client().call('POST', `/v1/containers/${enc(name)}/resume`);
    return name;
  }),
};
