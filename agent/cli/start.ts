import type { Command } from './command.js';
import { postEach } from './each.js';

export const start: Command = {
  name: 'start', usage: 'start CONTAINER [CONTAINER...]', summary: 'Start created containers, or run stopped ones again', flags: [], minArgs: 1,
  run: (ctx, p) => postEach(ctx, p.args, 'start'),
};
