import type { Command } from './command.js';
import { AT_ONCE, postEach } from './each.js';
import { parseInteger } from './units.js';

const TIME_FLAG = { name: 'time', short: 't', kind: 'string', value: 'SECONDS', help: 'seconds to wait before killing (default: the container\'s stop timeout)' } as const;

export const stop: Command = {
  name: 'stop', usage: 'stop [OPTIONS] CONTAINER [CONTAINER...]', summary: 'Stop running containers (stop signal, then SIGKILL after the timeout)',
  flags: [TIME_FLAG], minArgs: 1,
  run: (ctx, p) => postEach(ctx, p.args, 'stop', timeQuery(p.str('time'), 'berth stop'), AT_ONCE),
};

export const restart: Command = {
  name: 'restart', usage: 'restart [OPTIONS] CONTAINER [CONTAINER...]', summary: 'Stop containers (as stop does) and start them again',
  flags: [TIME_FLAG], minArgs: 1,
  run: (ctx, p) => postEach(ctx, p.args, 'restart', timeQuery(p.str('time'), 'berth restart')),
};

function timeQuery(t: string | undefined, command: string): string {
  return t === undefined ? '' : `?t=${parseInteger(t, '--time', command, 0)}`;
}
