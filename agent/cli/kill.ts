import type { Command } from './command.js';
import { AT_ONCE, enc, postEach } from './each.js';

export const kill: Command = {
  name: 'kill', usage: 'kill [OPTIONS] CONTAINER [CONTAINER...]', summary: 'Send a signal to running containers',
  flags: [{ name: 'signal', short: 's', kind: 'string', value: 'SIGNAL', help: 'signal name or number (default SIGKILL)' }],
  minArgs: 1,
  run: (ctx, p) => {
    const signal = p.str('signal');
    return postEach(ctx, p.args, 'kill', signal === undefined ? '' : `?signal=${enc(signal)}`, AT_ONCE);
  },
};
