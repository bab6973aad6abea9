import type { Command } from './command.js';
import { enc, forEach } from './each.js';

export const start: Command = {
  name: 'start', usage: 'start CONTAINER [CONTAINER...]', summary: 'Start one or more created containers', flags: [], minArgs: 1,
  run: (ctx, p) => forEach(ctx, p.args, async (name) => {
    await ctx.client().call('POST', `/v1/containers/${enc(name)}/start`);
    return name;
  }),
};
