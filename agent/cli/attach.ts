// `berth attach CONTAINER`, and the attach of `run -i/-t` and `start -a`: the container's output as
// it comes until it exits (its exit code is the CLI's), this stdin into its stdin when it was
// created with -i, this terminal's size and keys (raw) when it has a terminal. ^P ^Q leaves it
// running (docker's detach keys); signals this process gets are passed on (docker's sig-proxy).
import type { ContainerInfo } from '../runtime/types.js';
import type { CliContext, Command } from './command.js';
import { enc } from './each.js';
import { checkTerminalInput, runSession, type SessionMode } from './ws-session.js';

/** Opens the session; `start` (run, start -a) runs once nothing the container writes can be missed. */
export async function attachToContainer(ctx: CliContext, id: string, mode: SessionMode, start?: () => Promise<void>): Promise<number> {
  const client = ctx.client();
  const ws = await client.websocket(`/v1/containers/${enc(id)}/attach`);
  ws.send(JSON.stringify({ stdin: mode.stdin }));
  const stopForwarding = ctx.onSignal((signal) => {
    client.call('POST', `/v1/containers/${enc(id)}/kill?signal=${signal}`).catch(() => undefined);
  });
  try {
    const code = await runSession(ctx, ws, `attach to ${id}`, { ...mode, detachKeys: true, ready: start });
    return code === 'detached' ? 0 : code;
  } finally {
    stopForwarding();
  }
}

export const attach: Command = {
  name: 'attach', usage: 'attach [OPTIONS] CONTAINER', summary: 'Attach to a running container\'s output, and its stdin and terminal', minArgs: 1, maxArgs: 1,
  flags: [{ name: 'no-stdin', kind: 'bool', help: 'do not send this stdin (only the output, and the terminal\'s size)' }],
  async run(ctx, p) {
    const info = await ctx.client().call<ContainerInfo>('GET', `/v1/containers/${enc(p.args[0]!)}`);
    const mode = { stdin: info.spec.openStdin && !p.bool('no-stdin'), tty: info.spec.tty };
    checkTerminalInput(ctx, mode, 'berth attach');
    return attachToContainer(ctx, info.id, mode);
  },
};
