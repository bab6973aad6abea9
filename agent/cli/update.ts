// `berth update`: new limits for created, running or paused containers, and a new restart policy
// for any, like `docker update`. The agent checks them as a create would (ranges, memory-swap ≥
// memory, admission policy on the spec they would make) and applies the limits all or not at all.
import type { ContainerInfo } from '../runtime/types.js';
import { usageError } from './args.js';
import type { Command } from './command.js';
import { enc, forEach } from './each.js';
import { withFlagNames } from './field-flags.js';
import { coresOf, cpuQuotaFlag, RESOURCE_FLAGS, RESTART_FLAG, resourcesFrom, restartPolicyFlag } from './run-flags.js';
import { printWarnings } from './warnings.js';

export const update: Command = {
  name: 'update', usage: 'update [OPTIONS] CONTAINER [CONTAINER...]', summary: 'Change the resource limits or the restart policy of containers',
  flags: [...RESOURCE_FLAGS, RESTART_FLAG], minArgs: 1,
  async run(ctx, p) {
    const resources = resourcesFrom(p, 'update');
    const restart = p.str('restart');
    const restartPolicy = restart === undefined ? undefined : restartPolicyFlag(restart, 'berth update');
    if (Object.keys(resources).length === 0 && !restartPolicy) {
      throw usageError('berth update', 'give at least one limit or a restart policy to change, e.g. --memory 256m, --cpus 1.5 or --restart always');
    }
    // A quota alone is taken over each container's own period (docker keeps the period as it is).
    const quotaUs = p.has('cpu-period') ? undefined : cpuQuotaFlag(p, 'update');
    return forEach(ctx, p.args, async (name) => {
      const period = async () => (await ctx.client().call<ContainerInfo>('GET', `/v1/containers/${enc(name)}`)).spec.resources.cpuPeriodUs;
      const limits = quotaUs === undefined ? resources : { ...resources, cpus: coresOf(quotaUs, await period()) };
      const body = { ...(Object.keys(limits).length ? { resources: limits } : {}), ...(restartPolicy ? { restartPolicy } : {}) };
      const info = await ctx.client().call<ContainerInfo>('POST', `/v1/containers/${enc(name)}/update`, body)
        .catch((err: unknown) => { throw withFlagNames(err, p); });
      printWarnings(ctx, info.warnings);
      return name;
    });
  },
};
