// `berth events [-f] [--since TIME] [--until TIME] [--after SEQ] [--kind KIND] [--container C]
// [--format FORMAT]`: the agent's events (container lifecycle, policy decisions), like `docker events`.
import type { BerthEvent } from '../events/index.js';
import type { Command, CliContext } from './command.js';
import { ndjson } from './client.js';
import { shortId } from './format.js';
import { objectFormat } from './output-format.js';
import { parseInteger } from './units.js';

function line(e: BerthEvent, print: ((e: BerthEvent) => string) | undefined): string {
  if (print) return `${print(e)}\n`;
  const who = e.containerName ?? (e.containerId && shortId(e.containerId));
  return `${e.time} ${e.kind}${who ? ` ${who}` : ''}: ${e.message}\n`;
}

export const events: Command = {
  name: 'events', usage: 'events [OPTIONS]', summary: 'Show the agent\'s events (lifecycle and policy decisions)', maxArgs: 0,
  flags: [
    { name: 'follow', short: 'f', kind: 'bool', help: 'keep printing new events' },
    { name: 'since', kind: 'string', value: 'TIME', help: 'only events since TIME: RFC 3339, unix seconds or a duration back like 10m' },
    { name: 'until', kind: 'string', value: 'TIME', help: 'only events until TIME (with -f: stop then)' },
    { name: 'after', kind: 'string', value: 'SEQ', help: 'only events after this sequence number' },
    { name: 'kind', kind: 'string', value: 'KIND', help: 'only this kind or kind prefix, e.g. policy or container.exited' },
    { name: 'container', kind: 'string', value: 'CONTAINER', help: 'only events of this container (id, prefix or name)' },
    { name: 'format', kind: 'string', value: 'FORMAT', help: 'json (one object per line) or a Go template per event, e.g. {{.kind}} {{.containerName}}' },
  ],
  async run(ctx: CliContext, p) {
    const print = objectFormat('berth events', p.str('format'));
    const query = new URLSearchParams();
    if (p.has('after')) query.set('after', String(parseInteger(p.str('after')!, '--after', 'berth events', 0)));
    for (const key of ['kind', 'container', 'since', 'until'] as const) if (p.has(key)) query.set(key, p.str(key)!);
    if (!p.bool('follow')) {
      for (const e of await ctx.client().call<BerthEvent[]>('GET', `/v1/events?${query}`)) ctx.out(line(e, print));
      return 0;
    }
    query.set('follow', 'true');
    const res = await ctx.client().stream('GET', `/v1/events?${query}`);
    const stop = ctx.onSignal(() => res.destroy());
    try {
      // A signal destroys the response, which ends the frames: a normal end.
      for await (const e of ndjson<BerthEvent>(res)) ctx.out(line(e, print));
    } finally {
      stop();
    }
    return 0;
  },
};
