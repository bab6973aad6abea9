// `berth attach CONTAINER`, and the attach of `run -i/-t` and `start -a`: the container's output as
// it comes until it exits (its exit code is the CLI's), this stdin into its stdin when it was
// created with -i, this terminal's size and keys (raw) when it has a terminal. ^P ^Q (or
// --detach-keys) leaves it running; signals this process gets are passed on (docker's sig-proxy).
import type { ContainerInfo } from '../runtime/types.js';
import type { AgentClient } from './client.js';
import type { CliContext, Command } from './command.js';
import { enc } from './each.js';
import type { FlagDef, Parsed } from './args.js';
import { checkTerminalInput, DEFAULT_DETACH_KEYS, parseDetachKeys, runSession, type SessionMode } from './ws-session.js';

export const DETACH_KEYS_FLAG: FlagDef = { name: 'detach-keys', kind: 'string', value: 'KEYS', help: `keys that detach, leaving it running (default ${DEFAULT_DETACH_KEYS})` };

export function detachKeysOf(p: Parsed, command: string): number[] {
  return parseDetachKeys(p.has('detach-keys') ? p.str('detach-keys')! : DEFAULT_DETACH_KEYS, command);
}

export const SIG_PROXY_FLAG: FlagDef = { name: 'sig-proxy', kind: 'bool', help: 'pass the signals this process gets on to the container (default true; =false: ^C ends this command only)' };

/** docker's --sig-proxy, true unless given as false. */
export function sigProxyOf(p: Parsed): boolean {
  return p.has('sig-proxy') ? p.bool('sig-proxy') : true;
}

/** SIGINT, SIGTERM and SIGHUP of this process go to the container (docker's sig-proxy); returns the undo. */
export function proxySignals(ctx: CliContext, client: AgentClient, id: string, enabled: boolean): () => void {
  if (!enabled) return () => undefined; // node's default: the signal ends this process, the container runs on
  return ctx.onSignal((signal) => {
    client.call('POST', `/v1/containers/${enc(id)}/kill?signal=${signal}`).catch(() => undefined);
  });
}

/** Opens the session; `start` (run, start -a) runs once nothing the container writes can be missed. */
export async function attachToContainer(ctx: CliContext, id: string, mode: SessionMode, start?: () => Promise<void>, sigProxy = true): Promise<number> {
  const client = ctx.client();
  const ws = await client.websocket(`/v1/containers/${enc(id)}/attach`);
  ws.send(JSON.stringify({ stdin: mode.stdin }));
  const stopForwarding = proxySignals(ctx, client, id, sigProxy);
  try {
    const code = await runSession(ctx, ws, `attach to ${id}`, { ...mode, ready: start });
    return code === 'detached' ? 0 : code;
  } finally {
    stopForwarding();
  }
}

export const attach: Command = {
  name: 'attach', usage: 'attach [OPTIONS] CONTAINER', summary: 'Attach to a running container\'s output, and its stdin and terminal', minArgs: 1, maxArgs: 1,
  flags: [{ name: 'no-stdin', kind: 'bool', help: 'do not send this stdin (only the output, and the terminal\'s size)' }, DETACH_KEYS_FLAG, SIG_PROXY_FLAG],
  async run(ctx, p) {
    const detachKeys = detachKeysOf(p, 'berth attach');
    const info = await ctx.client().call<ContainerInfo>('GET', `/v1/containers/${enc(p.args[0]!)}`);
    const mode = { stdin: info.spec.openStdin && !p.bool('no-stdin'), tty: info.spec.tty, detachKeys };
    checkTerminalInput(ctx, mode, 'berth attach');
    return attachToContainer(ctx, info.id, mode, undefined, sigProxyOf(p));
  },
};
