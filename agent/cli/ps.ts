import type { ContainerInfo } from '../runtime/types.js';
import type { Command } from './command.js';
import { PS_FIELD_HEADERS, PS_HEADERS, psFields, psRow, shortId, table } from './format.js';
import { parseListFormat, renderList } from './output-format.js';
import { parseInteger } from './units.js';

export const ps: Command = {
  name: 'ps', usage: 'ps [OPTIONS]', summary: 'List containers', maxArgs: 0,
  flags: [
    { name: 'all', short: 'a', kind: 'bool', help: 'show all containers (default: only running ones)' },
    { name: 'filter', short: 'f', kind: 'list', value: 'KEY=VALUE', help: 'id, name (a regexp), label=K[=V], status, exited, ancestor, before, since, volume, network' },
    { name: 'last', short: 'n', kind: 'string', value: 'N', help: 'the N newest containers, in every state' },
    { name: 'latest', short: 'l', kind: 'bool', help: 'the newest container, in any state' },
    { name: 'quiet', short: 'q', kind: 'bool', help: 'only print container ids' },
    { name: 'no-trunc', kind: 'bool', help: 'do not shorten ids and commands' },
    { name: 'format', kind: 'string', value: 'FORMAT', help: 'table, json (one object per line), a Go template, or table TEMPLATE' },
  ],
  async run(ctx, p) {
    const format = parseListFormat('berth ps', p.str('format'));
    const last = p.bool('latest') ? 1 : p.has('last') ? parseInteger(p.str('last')!, '--last', 'berth ps', -1) : -1;
    const query = new URLSearchParams();
    if (p.bool('all') || last >= 0) query.set('all', 'true');
    for (const f of p.list('filter')) query.append('filter', f);
    const list = await ctx.client().call<ContainerInfo[]>('GET', `/v1/containers${query.size ? `?${query}` : ''}`);
    // Newest first, like docker.
    list.sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
    if (last > 0) list.splice(last); // -n 0 lists every container, as docker does
    const now = ctx.now();
    const trunc = !p.bool('no-trunc');
    if (p.bool('quiet')) ctx.out(list.map((c) => `${trunc ? shortId(c.id) : c.id}\n`).join(''));
    else if (format.kind === 'table') ctx.out(table(PS_HEADERS, list.map((c) => psRow(c, now, trunc))));
    else ctx.out(renderList('berth ps', format, list.map((c) => psFields(c, now, trunc)), PS_FIELD_HEADERS));
    return 0;
  },
};
