import type { Command } from './command.js';
import { AT_ONCE, enc, forEach } from './each.js';

export const rm: Command = {
  name: 'rm', usage: 'rm [OPTIONS] CONTAINER [CONTAINER...]', summary: 'Remove containers',
  flags: [{ name: 'force', short: 'f', kind: 'bool', help: 'kill and remove a running container' }],
  minArgs: 1,
  run: (ctx, p) => forEach(ctx, p.args, async (name) => {
    await ctx.client().call('DELETE', `/v1/containers/${enc(name)}${p.bool('force') ? '?force=true' : ''}`);
    return name;
  }, AT_ONCE),
};
