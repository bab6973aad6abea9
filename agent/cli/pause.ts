import type { Command } from './command.js';
import { AT_ONCE, postEach } from './each.js';

export const pause: Command = {
  name: 'pause', usage: 'pause CONTAINER [CONTAINER...]', summary: 'Freeze all processes of containers', flags: [], minArgs: 1,
  run: (ctx, p) => postEach(ctx, p.args, 'pause', '', AT_ONCE),
};
