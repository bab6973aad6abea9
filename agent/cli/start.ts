import type { Command } from './command.js';
import { postEach } from './each.js';

export const start: Command = {
  name: 'start', usage: 'start CONTAINER [CONTAINER...]', summary: 'Start one or more created containers', flags: [], minArgs: 1,
  run: (ctx, p) => postEach(ctx, p.args, 'start'),
};
