import { BerthError } from '../errors.js';
import type { ContainerInfo } from '../runtime/types.js';
import type { Command } from './command.js';
import { dockerView } from './docker-view.js';
import { enc } from './each.js';
import { objectFormat } from './output-format.js';

export const inspect: Command = {
  name: 'inspect', usage: 'inspect [OPTIONS] CONTAINER [CONTAINER...]', summary: 'Show the full state and resolved spec of containers as a JSON array',
  flags: [{ name: 'format', short: 'f', kind: 'string', value: 'FORMAT', help: 'json (one object per line) or a Go template, run per container, e.g. {{.pid}}; docker\'s fields too, e.g. {{.State.Running}}' }],
  minArgs: 1,
  async run(ctx, p) {
    const print = objectFormat('berth inspect', p.str('format'));
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
    // Like docker: the objects that exist are printed even when some names do not.
    // A template sees docker's fields too; json is berth's object as it is.
    const data = (c: ContainerInfo) => (p.str('format') === 'json' ? c : { ...c, ...dockerView(c) });
    if (print) ctx.out(found.map((c) => `${print(data(c))}\n`).join(''));
    else ctx.out(`${JSON.stringify(found, null, 4)}\n`);
    for (const err of missing) ctx.err(`berth: ${err.message}\n`);
    return missing.length ? missing[0]!.exitCode : 0;
  },
};
