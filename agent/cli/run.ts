// `berth run`: create + start. Detached (-d) prints the id. In the foreground the CLI attaches
// before starting (log stream and wait request open first, so no output and no exit is missed,
// even with --rm), prints the output, forwards SIGINT/SIGTERM/SIGHUP to the container, and exits
// with the container's exit code. With -i / -t it attaches through the agent's websocket
// (attach.ts): this stdin goes to the container, and -t gives it a terminal of this one's size.
import type { ExitInfo } from '../runtime/types.js';
import type { AgentClient } from './client.js';
import type { CliContext, Command } from './command.js';
import { openCidFile } from './cidfile.js';
import { withFlagNames } from './field-flags.js';
import { printLogs } from './log-printer.js';
import { DOCKER_ONLY_RUN_FLAGS, RUN_FLAGS, specFromFlags } from './run-flags.js';
import { printWarnings } from './warnings.js';
import { attachToContainer, DETACH_KEYS_FLAG, detachKeysOf, proxySignals, SIG_PROXY_FLAG, sigProxyOf } from './attach.js';
import { checkTerminalInput } from './ws-session.js';

interface Created { id: string; name: string; warnings: string[] }

/** After the exit, the log stream gets this long to deliver its last lines. */
const LOG_DRAIN_MS = 5000;

export const run: Command = {
  name: 'run', usage: 'run [OPTIONS] (--rootfs DIR | --bundle DIR) [--] [COMMAND] [ARG...]',
  summary: 'Create and start a container; in the foreground, print its output and exit with its code',
  flags: [{ name: 'detach', short: 'd', kind: 'bool', help: 'run in the background and print the container id' }, DETACH_KEYS_FLAG, SIG_PROXY_FLAG, ...RUN_FLAGS],
  interspersed: false, unsupported: DOCKER_ONLY_RUN_FLAGS,
  async run(ctx, p) {
    const spec = specFromFlags(p, 'berth run', ctx.env, ctx.cwd);
    const client = ctx.client();
    const cidfile = openCidFile(p.str('cidfile'), ctx.cwd, 'berth run');
    const create = (body: object) => client.call<Created>('POST', '/v1/containers', body)
      .catch((err: unknown) => { cidfile.discard(); throw withFlagNames(err, p); });
    if (p.bool('detach')) {
      const created = await create({ ...spec, start: true });
      cidfile.write(created.id);
      printWarnings(ctx, created.warnings);
      ctx.out(`${created.id}\n`);
      return 0;
    }
    const mode = { stdin: spec.openStdin ?? false, tty: spec.tty ?? false, detachKeys: detachKeysOf(p, 'berth run') };
    checkTerminalInput(ctx, mode, 'berth run');
    const size = mode.tty ? ctx.terminal.size() : undefined;
    const created = await create(size ? { ...spec, consoleSize: size } : spec);
    cidfile.write(created.id);
    printWarnings(ctx, created.warnings);
    if (!mode.stdin && !mode.tty) return attachAndStart(ctx, client, created.id, sigProxyOf(p));
    return attachToContainer(ctx, created.id, mode, () => startOrRemove(client, created.id), sigProxyOf(p));
  },
};

/** run = create + start: a container that never started is not left behind. */
async function startOrRemove(client: AgentClient, id: string): Promise<void> {
  try {
    await client.call('POST', `/v1/containers/${id}/start`);
  } catch (err) {
    await client.call('DELETE', `/v1/containers/${id}?force=true`).catch(() => undefined);
    throw err;
  }
}

async function attachAndStart(ctx: CliContext, client: AgentClient, id: string, sigProxy: boolean): Promise<number> {
  const logs = await client.stream('GET', `/v1/containers/${id}/logs?follow=true&format=raw`);
  let logError: unknown;
  const printing = printLogs(ctx, logs).catch((err: unknown) => { logError = err; });
  const waiting = client.call<ExitInfo>('POST', `/v1/containers/${id}/wait`);
  try {
    await startOrRemove(client, id);
  } catch (err) {
    waiting.catch(() => undefined);
    logs.destroy();
    throw err;
  }
  const stopForwarding = proxySignals(ctx, client, id, sigProxy);
  try {
    const exit = await waiting;
    await drained(printing, logs);
    if (logError) throw logError;
    return exit.exitCode;
  } finally {
    stopForwarding();
  }
}

async function drained(printing: Promise<void>, logs: { destroy(): void }): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => { timer = setTimeout(resolve, LOG_DRAIN_MS); });
  await Promise.race([printing, deadline]);
  clearTimeout(timer);
  logs.destroy();
}
