// `berth update`: new limits for created, running or paused containers, like `docker update`. The
// agent checks them as a create would (ranges, memory-swap ≥ memory, admission policy on the spec
// they would make) and applies them all or not at all.
import type { ContainerInfo } from '../runtime/types.js';
import { usageError } from './args.js';
import type { Command } from './command.js';
import { enc, forEach } from './each.js';
import { coresOf, cpuQuotaFlag, RESOURCE_FLAGS, resourcesFrom } from './run-flags.js';
import { printWarnings } from './warnings.js';

export const update: Command = {
  name: 'update', usage: 'update [OPTIONS] CONTAINER [CONTAINER...]', summary: 'Change the resource limits of containers',
  flags: RESOURCE_FLAGS, minArgs: 1,
  async run(ctx, p) {
    const resources = resourcesFrom(p, 'update');
    if (Object.keys(resources).length === 0) throw usageError('berth update', 'give at least one limit to change, e.g. --memory 256m or --cpus 1.5');
    // A quota alone is taken over each container's own period (docker keeps the period as it is).
    const quotaUs = p.has('cpu-period') ? undefined : cpuQuotaFlag(p, 'update');
    return forEach(ctx, p.args, async (name) => {
      const period = async () => (await ctx.client().call<ContainerInfo>('GET', `/v1/containers/${enc(name)}`)).spec.resources.cpuPeriodUs;
      const body = quotaUs === undefined ? resources : { ...resources, cpus: coresOf(quotaUs, await period()) };
      const info = await ctx.client().call<ContainerInfo>('POST', `/v1/containers/${enc(name)}/update`, { resources: body });
      printWarnings(ctx, info.warnings);
      return name;
    });
  },
};
