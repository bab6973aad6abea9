import type { FlagDef } from './args.js';
import type { Command } from './command.js';
import { AT_ONCE, postEach } from './each.js';
import { parseInteger } from './units.js';

const STOP_FLAGS: FlagDef[] = [
  { name: 'time', short: 't', kind: 'string', value: 'SECONDS', help: 'seconds to wait before killing (default: the container\'s stop timeout)' },
  { name: 'signal', short: 's', kind: 'string', value: 'SIGNAL', help: 'signal to stop with (default: the container\'s stop signal)' },
];

export const stop: Command = {
  name: 'stop', usage: 'stop [OPTIONS] CONTAINER [CONTAINER...]', summary: 'Stop running containers (stop signal, then SIGKILL after the timeout)',
  flags: STOP_FLAGS, minArgs: 1,
  run: (ctx, p) => postEach(ctx, p.args, 'stop', stopQuery(p.str('time'), p.str('signal'), 'berth stop'), AT_ONCE),
};

export const restart: Command = {
  name: 'restart', usage: 'restart [OPTIONS] CONTAINER [CONTAINER...]', summary: 'Stop containers (as stop does) and start them again',
  flags: STOP_FLAGS, minArgs: 1,
  run: (ctx, p) => postEach(ctx, p.args, 'restart', stopQuery(p.str('time'), p.str('signal'), 'berth restart')),
};

function stopQuery(t: string | undefined, signal: string | undefined, command: string): string {
  const query = new URLSearchParams();
  if (t !== undefined) query.set('t', String(parseInteger(t, '--time', command, 0)));
  if (signal !== undefined) query.set('signal', signal);
  return query.size ? `?${query}` : '';
}
