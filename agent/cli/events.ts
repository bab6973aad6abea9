// `berth events [-f] [--since TIME] [--until TIME] [--after SEQ] [--kind KIND] [--container C]
// [--filter K=V] [--format FORMAT]`: the agent's events (container lifecycle, policy decisions), like
// `docker events` (its --filter and template fields too: docker-events.ts).
import type { BerthEvent } from '../events/index.js';
import type { Command, CliContext } from './command.js';
import { ndjson } from './client.js';
import { dockerEventView, eventFilter } from './docker-events.js';
import { shortId } from './format.js';
import { objectFormat } from './output-format.js';
import { parseInteger } from './units.js';

function line(e: BerthEvent, print: ((e: object) => string) | undefined, json: boolean): string {
  if (print) return `${print(json ? e : { ...e, ...dockerEventView(e) })}\n`;
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
    { name: 'filter', kind: 'list', value: 'K=V', help: 'docker\'s: type=container, event=ACTION (start, die, destroy, oom, …), container=NAME|ID' },
    { name: 'format', kind: 'string', value: 'FORMAT', help: 'json (one object per line) or a Go template per event, e.g. {{.kind}} {{.containerName}}; docker\'s fields too, e.g. {{.Action}} {{.Actor.Attributes.name}}' },
  ],
  async run(ctx: CliContext, p) {
    const print = objectFormat('berth events', p.str('format'));
    const json = p.str('format') === 'json';
    const wanted = eventFilter(p.list('filter'));
    const out = (e: BerthEvent) => { if (wanted(e)) ctx.out(line(e, print, json)); };
    const query = new URLSearchParams();
    if (p.has('after')) query.set('after', String(parseInteger(p.str('after')!, '--after', 'berth events', 0)));
    for (const key of ['kind', 'container', 'since', 'until'] as const) if (p.has(key)) query.set(key, p.str(key)!);
    if (!p.bool('follow')) {
      for (const e of await ctx.client().call<BerthEvent[]>('GET', `/v1/events?${query}`)) out(e);
      return 0;
    }
    query.set('follow', 'true');
    const res = await ctx.client().stream('GET', `/v1/events?${query}`);
    const stop = ctx.onSignal(() => res.destroy());
    try {
      // A signal destroys the response, which ends the frames: a normal end.
      for await (const e of ndjson<BerthEvent>(res)) out(e);
    } finally {
      stop();
    }
    return 0;
  },
};
