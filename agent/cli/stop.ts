import type { Command } from './command.js';
import { postEach } from './each.js';
import { parseInteger } from './units.js';

export const stop: Command = {
  name: 'stop', usage: 'stop [OPTIONS] CONTAINER [CONTAINER...]', summary: 'Stop running containers (stop signal, then SIGKILL after the timeout)',
  flags: [{ name: 'time', short: 't', kind: 'string', value: 'SECONDS', help: 'seconds to wait before killing (default: the container\'s stop timeout)' }],
  minArgs: 1,
  run: (ctx, p) => {
    const t = p.str('time');
    return postEach(ctx, p.args, 'stop', t === undefined ? '' : `?t=${parseInteger(t, '--time', 'berth stop', 0)}`);
  },
};
