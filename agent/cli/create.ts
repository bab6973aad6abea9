import type { Command } from './command.js';
import { RUN_FLAGS, specFromFlags } from './run-flags.js';
import { printWarnings } from './warnings.js';

interface Created { id: string; name: string; warnings: string[] }

export const create: Command = {
  name: 'create', usage: 'create [OPTIONS] (--rootfs DIR | --bundle DIR) [--] [COMMAND] [ARG...]',
  summary: 'Create a container without starting it; prints its id', flags: RUN_FLAGS, interspersed: false,
  async run(ctx, p) {
    const spec = specFromFlags(p, 'berth create', ctx.env, ctx.cwd);
    const created = await ctx.client().call<Created>('POST', '/v1/containers', spec);
    printWarnings(ctx, created.warnings);
    ctx.out(`${created.id}\n`);
    return 0;
  },
};
