import type { ContainerInfo } from '../runtime/types.js';
import { usageError } from './args.js';
import { attachToContainer, DETACH_KEYS_FLAG, detachKeysOf } from './attach.js';
import type { Command } from './command.js';
import { enc, postEach } from './each.js';
import { checkTerminalInput } from './ws-session.js';

export const start: Command = {
  name: 'start', usage: 'start [OPTIONS] CONTAINER [CONTAINER...]', summary: 'Start created containers, or run stopped ones again', minArgs: 1,
  flags: [
    { name: 'attach', short: 'a', kind: 'bool', help: 'attach to its output (and terminal) and exit with its code, as run does' },
    { name: 'interactive', short: 'i', kind: 'bool', help: 'with -a: send this stdin to it (created with -i)' },
    DETACH_KEYS_FLAG,
  ],
  async run(ctx, p) {
    if (!p.bool('attach')) {
      if (p.bool('interactive')) throw usageError('berth start', '-i needs -a (attach)', '--interactive');
      return postEach(ctx, p.args, 'start');
    }
    if (p.args.length > 1) throw usageError('berth start', '-a attaches to one container only', '--attach');
    const info = await ctx.client().call<ContainerInfo>('GET', `/v1/containers/${enc(p.args[0]!)}`);
    if (p.bool('interactive') && !info.spec.openStdin) throw usageError('berth start', `-i: container ${info.name} was created without -i: its stdin is /dev/null`, '--interactive');
    const mode = { stdin: p.bool('interactive'), tty: info.spec.tty, detachKeys: detachKeysOf(p, 'berth start') };
    checkTerminalInput(ctx, mode, 'berth start');
    return attachToContainer(ctx, info.id, mode, () => ctx.client().call('POST', `/v1/containers/${info.id}/start`).then(() => undefined));
  },
};
