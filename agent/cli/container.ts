// `berth container prune`: docker's command for removing every stopped container at once, with
// its y/N question unless -f. (`container ls`, `container rm …` and the other verbs of docker's
// management form are the top-level commands: the dispatcher in index.ts sends them there.)
import { parseArgs, usageError } from './args.js';
import type { Command } from './command.js';
import { commandHelp, HELP_FLAG } from './help.js';
import { formatDecimalBytes } from './units.js';

const prune: Command = {
  name: 'container prune', usage: 'container prune [OPTIONS]', summary: 'Remove all stopped containers',
  flags: [
    { name: 'force', short: 'f', kind: 'bool', help: 'do not ask for confirmation' },
    { name: 'filter', kind: 'list', value: 'KEY=VALUE', help: 'until=TIME (e.g. 24h), label=KEY[=VALUE], label!=KEY[=VALUE]' },
  ],
  async run(ctx, p) {
    if (!p.bool('force') && !(await ctx.confirm('WARNING! This will remove all stopped containers.\nAre you sure you want to continue? [y/N] '))) return 0;
    const query = p.list('filter').map((f) => `filter=${encodeURIComponent(f)}`).join('&');
    const report = await ctx.client().call<{ deleted: string[]; reclaimedBytes: number }>('POST', `/v1/containers/prune${query ? `?${query}` : ''}`);
    if (report.deleted.length) ctx.out(`Deleted Containers:\n${report.deleted.map((id) => `${id}\n`).join('')}\n`);
    ctx.out(`Total reclaimed space: ${formatDecimalBytes(report.reclaimedBytes, 4)}\n`);
    return 0;
  },
};

export const container: Command = {
  name: 'container', usage: 'container prune [OPTIONS] | container COMMAND', summary: 'Manage containers: prune (remove all stopped containers); container ls, rm, … are ps, rm, …',
  interspersed: false, minArgs: 1, flags: [],
  async run(ctx, p) {
    const [sub, ...rest] = p.args;
    if (sub !== 'prune') throw usageError('berth container', `unknown command "${sub}" (berth container knows: prune, ls, and the container commands: run, rm, …)`);
    const args = parseArgs(rest, { command: 'berth container prune', flags: [...prune.flags, HELP_FLAG] });
    if (args.bool('help')) { ctx.out(commandHelp(prune)); return 0; }
    if (args.args.length) throw usageError('berth container prune', 'takes no arguments');
    return prune.run(ctx, args);
  },
};
