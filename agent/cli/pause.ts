import type { Command } from './command.js';
import { enc, forEach } from './each.js';

export const pause: Command = {
  name: 'pause', usage: 'pause CONTAINER [CONTAINER...]', summary: 'Freeze all processes of containers', flags: [], minArgs: 1,
  run: (ctx, p) => forEach(ctx, p.args, async (name) => {
    await ctx.client().call('POST', `/v1/containers/${enc(name)}/pause`);
    return name;
  }),
};
