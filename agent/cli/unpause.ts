import type { Command } from './command.js';
import { AT_ONCE, postEach } from './each.js';

export const unpause: Command = {
  name: 'unpause', usage: 'unpause CONTAINER [CONTAINER...]', summary: 'Thaw paused containers', flags: [], minArgs: 1,
  run: (ctx, p) => postEach(ctx, p.args, 'resume', '', AT_ONCE),
};
