import type { Command } from './command.js';
import { openCidFile } from './cidfile.js';
import { withFlagNames } from './field-flags.js';
import { DOCKER_ONLY_RUN_FLAGS, RUN_FLAGS, specFromFlags } from './run-flags.js';
import { printWarnings } from './warnings.js';

interface Created { id: string; name: string; warnings: string[] }

export const create: Command = {
  name: 'create', usage: 'create [OPTIONS] (--rootfs DIR | --bundle DIR) [--] [COMMAND] [ARG...]',
  summary: 'Create a container without starting it; prints its id', flags: RUN_FLAGS, interspersed: false,
  unsupported: DOCKER_ONLY_RUN_FLAGS,
  async run(ctx, p) {
    const spec = specFromFlags(p, 'berth create', ctx.env, ctx.cwd);
    const cidfile = openCidFile(p.str('cidfile'), ctx.cwd, 'berth create');
    const created = await ctx.client().call<Created>('POST', '/v1/containers', spec)
      .catch((err: unknown) => { cidfile.discard(); throw withFlagNames(err, p); });
    cidfile.write(created.id);
    printWarnings(ctx, created.warnings);
    ctx.out(`${created.id}\n`);
    return 0;
  },
};
