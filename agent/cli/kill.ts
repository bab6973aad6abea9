import type { Command } from './command.js';
import { enc, forEach } from './each.js';

export const kill: Command = {
  name: 'kill', usage: 'kill [OPTIONS] CONTAINER [CONTAINER...]', summary: 'Send a signal to running containers',
  flags: [{ name: 'signal', short: 's', kind: 'string', value: 'SIGNAL', help: 'signal name or number (default SIGKILL)' }],
  minArgs: 1,
  run: (ctx, p) => {
    const signal = p.str('signal');
    const query = signal === undefined ? '' : `?signal=${enc(signal)}`;
    return forEach(ctx, p.args, async (name) => {
      await ctx.client().call('POST', `/v1/containers/${enc(name)}/kill${query}`);
      return name;
    });
  },
};
