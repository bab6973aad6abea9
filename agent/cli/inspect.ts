import { BerthError } from '../errors.js';
import type { ContainerInfo } from '../runtime/types.js';
import type { Command } from './command.js';
import { enc } from './each.js';
import { guarded } from './output-format.js';
import { compileTemplate } from './template/index.js';

export const inspect: Command = {
  name: 'inspect', usage: 'inspect [OPTIONS] CONTAINER [CONTAINER...]', summary: 'Show the full state and resolved spec of containers as a JSON array',
  flags: [{ name: 'format', short: 'f', kind: 'string', value: 'FORMAT', help: 'json (one object per line) or a Go template, run per container, e.g. {{.pid}}' }],
  minArgs: 1,
  async run(ctx, p) {
    const value = p.str('format');
    // Checked before asking the agent, so a bad template prints nothing else. Taken as typed (no
    // `table`, no \t rewriting), as docker inspect does.
    const template = value === undefined || value === 'json' ? undefined : guarded('berth inspect', value, () => compileTemplate(value));
    const found: ContainerInfo[] = [];
    const missing: BerthError[] = [];
    for (const name of p.args) {
      try {
        found.push(await ctx.client().call<ContainerInfo>('GET', `/v1/containers/${enc(name)}`));
      } catch (err) {
        if (!(err instanceof BerthError) || err.code !== 'NOT_FOUND') throw err;
        missing.push(err);
      }
    }
    // Like docker: the objects that exist are printed even when some names do not. Templates read
    // the agent's JSON as Go reads a map: a missing key is <no value>, not an error.
    if (value === 'json') ctx.out(found.map((c) => `${JSON.stringify(c)}\n`).join(''));
    else if (template) ctx.out(found.map((c) => `${guarded('berth inspect', value!, () => template.execute(c))}\n`).join(''));
    else ctx.out(`${JSON.stringify(found, null, 4)}\n`);
    for (const err of missing) ctx.err(`berth: ${err.message}\n`);
    return missing.length ? missing[0]!.exitCode : 0;
  },
};
