// `berth top CONTAINER [ps OPTIONS]`: the container's processes as the host's ps shows them
// (default -ef), like `docker top`; everything after the container is given to ps.
import type { ProcessList } from '../runtime/types.js';
import type { Command } from './command.js';
import { enc } from './each.js';
import { table } from './format.js';

export const top: Command = {
  name: 'top', usage: 'top CONTAINER [ps OPTIONS]', summary: 'Display the running processes of a container',
  flags: [], minArgs: 1, interspersed: false,
  async run(ctx, p) {
    const [name, ...psArgs] = p.args;
    const query = psArgs.length ? `?ps_args=${enc(psArgs.join(' '))}` : '';
    const list = await ctx.client().call<ProcessList>('GET', `/v1/containers/${enc(name!)}/top${query}`);
    ctx.out(table(list.titles, list.processes));
    return 0;
  },
};
