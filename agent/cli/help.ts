// `berth help`, `berth --help` and `berth COMMAND --help`.
import { flagHelp, type FlagDef } from './args.js';
import type { Command } from './command.js';

export const HELP_FLAG: FlagDef = { name: 'help', kind: 'bool', help: 'print this help' };

export function mainHelp(commands: Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length), 'agent'.length) + 2;
  return [
    'Usage: berth [OPTIONS] COMMAND',
    '',
    'A per-host container agent: runs containers, samples their metrics, enforces policy.',
    '',
    'Options:',
    '  -H, --host HOST   agent to talk to: unix:///path.sock, /path.sock or tcp://host:port',
    '                    (default unix:///run/berth/berth.sock; env BERTH_HOST; BERTH_TOKEN for tcp)',
    '  -v, --version     print the version',
    '',
    'Commands:',
    `  ${'agent'.padEnd(width)}Run the berth daemon (see 'berth agent --help')`,
    ...commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    "Run 'berth COMMAND --help' for more information on a command.",
    '',
  ].join('\n');
}

export function commandHelp(c: Command): string {
  const flags = [...c.flags, HELP_FLAG];
  return [`Usage: berth ${c.usage}`, '', c.summary, '', 'Options:', flagHelp(flags), ''].join('\n');
}
