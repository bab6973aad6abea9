import type { Command } from './command.js';
import { enc } from './each.js';
import { printLogs } from './log-printer.js';
import { parseInteger } from './units.js';

export const logs: Command = {
  name: 'logs', usage: 'logs [OPTIONS] CONTAINER', summary: 'Print the logs of a container', minArgs: 1, maxArgs: 1,
  flags: [
    { name: 'follow', short: 'f', kind: 'bool', help: 'keep printing new lines until the container exits' },
    { name: 'tail', short: 'n', kind: 'string', value: 'N', help: 'only the last N lines (default: all)' },
    { name: 'timestamps', short: 't', kind: 'bool', help: 'prefix each line with its time' },
    { name: 'since', kind: 'string', value: 'TIME', help: 'lines since an RFC 3339 time, unix seconds or a duration (10m)' },
    { name: 'until', kind: 'string', value: 'TIME', help: 'lines up to a time (same forms); ends -f when it comes' },
  ],
  async run(ctx, p) {
    const query = new URLSearchParams({ format: 'raw' });
    if (p.bool('follow')) query.set('follow', 'true');
    if (p.bool('timestamps')) query.set('timestamps', 'true');
    const tail = p.str('tail');
    if (tail !== undefined && tail !== 'all') query.set('tail', String(parseInteger(tail, '--tail', 'berth logs', 0)));
    for (const bound of ['since', 'until']) if (p.has(bound)) query.set(bound, p.str(bound)!);
    const res = await ctx.client().stream('GET', `/v1/containers/${enc(p.args[0]!)}/logs?${query}`);
    await printLogs(ctx, res);
    return 0;
  },
};
