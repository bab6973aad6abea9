import { BerthError } from '../errors.js';
import { ndjson } from './client.js';
import type { Command } from './command.js';
import { enc } from './each.js';
import { streamError } from './log-printer.js';
import { envFromFlags } from './run-flags.js';
import { checkTerminalInput, runSession } from './ws-session.js';
import { usageError } from './args.js';

type Frame = { stream: 'stdout' | 'stderr'; data: string } | { exitCode: number; signal?: string } | { error: { code: string; message: string } };

export const exec: Command = {
  name: 'exec', usage: 'exec [OPTIONS] CONTAINER COMMAND [ARG...]', summary: 'Run a command in a running container; exits with its exit code',
  interspersed: false, minArgs: 2,
  flags: [
    { name: 'detach', short: 'd', kind: 'bool', help: 'run the command in the background (its output is dropped)' },
    { name: 'interactive', short: 'i', kind: 'bool', help: 'send this stdin to the command (its end is the command\'s EOF)' },
    { name: 'tty', short: 't', kind: 'bool', help: 'give the command a terminal of this one\'s size (-it: an interactive shell)' },
    { name: 'env', short: 'e', kind: 'list', value: 'K=V', help: 'set an environment variable (-e K: its value in this shell)' },
    { name: 'env-file', kind: 'list', value: 'FILE', help: 'read environment variables from a file of K=V lines (-e wins)' },
    { name: 'workdir', short: 'w', kind: 'string', value: 'DIR', help: 'working directory inside the container' },
    { name: 'user', short: 'u', kind: 'string', value: 'USER[:GROUP]', help: 'user name or uid[:gid]' },
    { name: 'privileged', kind: 'bool', help: 'give the command every capability (the container\'s seccomp stays)' },
  ],
  async run(ctx, p) {
    const [name, ...cmd] = p.args as [string, ...string[]];
    const env = envFromFlags(p, 'berth exec', ctx.env, ctx.cwd);
    const body = {
      cmd,
      ...(env.length ? { env } : {}),
      ...(p.has('workdir') ? { workdir: p.str('workdir') } : {}),
      ...(p.has('user') ? { user: p.str('user') } : {}),
      ...(p.bool('privileged') ? { privileged: true } : {}),
    };
    const mode = { stdin: p.bool('interactive'), tty: p.bool('tty') };
    if (mode.stdin && p.bool('detach')) throw usageError('berth exec', '-i and -d exclude each other (a detached command has no stdin)', '--interactive');
    checkTerminalInput(ctx, mode, 'berth exec');
    if (p.bool('detach')) {
      // -dt: a terminal for a command that wants one, its output dropped as docker drops it.
      await ctx.client().call('POST', `/v1/containers/${enc(name)}/exec`, { ...body, detach: true, ...(mode.tty ? { tty: true } : {}) });
      return 0;
    }
    if (mode.stdin || mode.tty) {
      const ws = await ctx.client().websocket(`/v1/containers/${enc(name)}/exec`);
      const size = mode.tty ? ctx.terminal.size() : undefined;
      ws.send(JSON.stringify({ ...body, ...(mode.tty ? { tty: true } : {}), ...(size ? { consoleSize: size } : {}) }));
      const code = await runSession(ctx, ws, `exec in ${name}`, mode);
      return code === 'detached' ? 0 : code;
    }
    // base64: the output's bytes as they are (`exec c tar c /data > data.tar`), as docker's.
    const res = await ctx.client().stream('POST', `/v1/containers/${enc(name)}/exec`, { ...body, encoding: 'base64' });
    for await (const frame of ndjson<Frame>(res)) {
      if ('error' in frame) throw streamError(frame.error);
      if ('exitCode' in frame) return frame.exitCode;
      const bytes = Buffer.from(frame.data, 'base64');
      if (frame.stream === 'stderr') ctx.err(bytes);
      else ctx.out(bytes);
    }
    throw new BerthError('INTERNAL', `exec in ${name}: the agent closed the stream before the exit code`);
  },
};
