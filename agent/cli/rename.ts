import type { Command } from './command.js';
import { enc } from './each.js';

export const rename: Command = {
  name: 'rename', usage: 'rename CONTAINER NEW_NAME', summary: 'Rename a container', flags: [], minArgs: 2, maxArgs: 2,
  async run(ctx, p) {
    const [container, name] = p.args as [string, string];
    await ctx.client().call('POST', `/v1/containers/${enc(container)}/rename?name=${enc(name)}`);
    return 0;
  },
};
