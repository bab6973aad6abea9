import type { ContainerInfo } from '../runtime/types.js';
import { usageError } from './args.js';
import type { Command } from './command.js';
import { PS_HEADERS, psJson, psRow, shortId, table } from './format.js';

export const ps: Command = {
  name: 'ps', usage: 'ps [OPTIONS]', summary: 'List containers', maxArgs: 0,
  flags: [
    { name: 'all', short: 'a', kind: 'bool', help: 'show all containers (default: only running ones)' },
    { name: 'quiet', short: 'q', kind: 'bool', help: 'only print container ids' },
    { name: 'no-trunc', kind: 'bool', help: 'do not shorten ids and commands' },
    { name: 'format', kind: 'string', value: 'FORMAT', help: 'json: one JSON object per line' },
  ],
  async run(ctx, p) {
    const format = p.str('format');
    if (format !== undefined && format !== 'json' && format !== 'table') throw usageError('berth ps', `--format: "${format}" is not supported; use json or table`, '--format');
    const list = await ctx.client().call<ContainerInfo[]>('GET', `/v1/containers${p.bool('all') ? '?all=true' : ''}`);
    // Newest first, like docker.
    list.sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
    const now = ctx.now();
    const trunc = !p.bool('no-trunc');
    if (p.bool('quiet')) ctx.out(list.map((c) => `${trunc ? shortId(c.id) : c.id}\n`).join(''));
    else if (format === 'json') ctx.out(list.map((c) => `${psJson(c, now)}\n`).join(''));
    else ctx.out(table(PS_HEADERS, list.map((c) => psRow(c, now, trunc))));
    return 0;
  },
};
