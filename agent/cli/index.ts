// The CLI entry: global flags (--host), then one command. Returns the exit code: 0, the
// container's or process's own code, 126/127 when the command cannot run, 125 for berth's own
// errors (printed as `berth: <message>` on stderr).
import { spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { ReadStream, WriteStream } from 'node:tty';
import { BerthError } from '../errors.js';
import { findPackageInfo } from '../package-info.js';
import { parseArgs, usageError } from './args.js';
import { AgentClient, DEFAULT_HOST, parseHost } from './client.js';
import type { CliContext, CliTerminal, Command } from './command.js';
import { COMMANDS } from './commands.js';
import { commandHelp, HELP_FLAG, mainHelp } from './help.js';

export type { CliContext, Command } from './command.js';

export interface CliIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export interface GlobalArgs { host?: string; help: boolean; version: boolean; verb?: string; rest: string[] }

/** Global flags come before the verb: `berth --host /run/b.sock ps -a`. */
export function parseGlobal(argv: string[]): GlobalArgs {
  const g: GlobalArgs = { help: false, version: false, rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-H' || a === '--host') {
      g.host = argv[++i];
      if (g.host === undefined) throw usageError('berth', `flag needs an argument: ${a}`, a);
    } else if (a.startsWith('--host=') || a.startsWith('-H=')) g.host = a.slice(a.indexOf('=') + 1);
    else if (a === '--help' || a === '-h') g.help = true;
    else if (a === '--version' || a === '-v') g.version = true;
    else if (a.startsWith('-')) throw usageError('berth', `unknown flag: ${a}`, a);
    else { g.verb = a; g.rest = argv.slice(i + 1); break; }
  }
  return g;
}

export async function runCli(g: GlobalArgs, io: CliIo): Promise<number> {
  const ctx = makeContext(g, io);
  try {
    return await dispatch(g, ctx);
  } catch (err) {
    return reportError(err, (text) => ctx.err(text));
  }
}

/** Prints `berth: <message>` and returns the exit code of the error's catalogue entry (125 for berth's own). */
export function reportError(err: unknown, write: (text: string) => void): number {
  const e = err instanceof BerthError ? err : new BerthError('INTERNAL', (err as Error).message ?? String(err));
  write(`berth: ${e.message}\n`);
  return e.exitCode;
}

async function dispatch(g: GlobalArgs, ctx: CliContext): Promise<number> {
  if (g.version) { ctx.out(`berth version ${findPackageInfo().version}\n`); return 0; }
  if (!g.verb || g.verb === 'help') return help(ctx, g.rest[0]);
  const verb = g.verb === 'container' ? containerVerb(g.rest[0]) : undefined;
  if (verb) return dispatch({ ...g, verb, rest: g.rest.slice(1) }, ctx);
  const command = COMMANDS.find((c) => c.name === g.verb);
  if (!command) throw usageError('berth', `unknown command "${g.verb}"`);
  if (g.help) { ctx.out(commandHelp(command)); return 0; }
  const parsed = parseArgs(g.rest, { command: `berth ${command.name}`, flags: [...command.flags, HELP_FLAG], interspersed: command.interspersed,
    unsupported: command.unsupported });
  if (parsed.bool('help')) { ctx.out(commandHelp(command)); return 0; }
  checkArgCount(command, parsed.args.length);
  return command.run(ctx, parsed);
}

/** docker's management form, `container ls`, `container rm …`: the top-level command of that name (prune is container's own). */
function containerVerb(sub: string | undefined): string | undefined {
  const verb = sub === 'ls' || sub === 'list' ? 'ps' : sub;
  return verb !== undefined && CONTAINER_VERBS.includes(verb) ? verb : undefined;
}

const CONTAINER_VERBS = ['run', 'create', 'start', 'ps', 'inspect', 'logs', 'stop', 'restart', 'kill', 'rm', 'wait', 'exec', 'attach', 'pause',
  'unpause', 'update', 'rename', 'top', 'stats'];

function help(ctx: CliContext, topic: string | undefined): number {
  const command = topic ? COMMANDS.find((c) => c.name === topic) : undefined;
  if (topic && !command) throw usageError('berth help', `unknown command "${topic}"`);
  ctx.out(command ? commandHelp(command) : mainHelp(COMMANDS));
  return 0;
}

function checkArgCount(c: Command, n: number): void {
  const where = `berth ${c.name}`;
  if (c.minArgs !== undefined && n < c.minArgs) throw usageError(where, `requires at least ${c.minArgs} argument${c.minArgs > 1 ? 's' : ''}; usage: berth ${c.usage}`);
  if (c.maxArgs !== undefined && n > c.maxArgs) throw usageError(where, c.maxArgs === 0 ? 'takes no arguments' : `takes at most ${c.maxArgs} argument(s); usage: berth ${c.usage}`);
}

function makeContext(g: GlobalArgs, io: CliIo): CliContext {
  let client: AgentClient | undefined;
  return {
    client: () => (client ??= new AgentClient(parseHost(g.host ?? io.env.BERTH_HOST ?? DEFAULT_HOST), io.env.BERTH_TOKEN)),
    out: (t) => { io.stdout.write(t); },
    err: (t) => { io.stderr.write(t); },
    env: io.env,
    cwd: io.cwd,
    stdin: io.stdin,
    terminal: terminalOf(io),
    now: () => Date.now(),
    confirm: async (question) => {
      io.stdout.write(question);
      const answer = await firstLine(io.stdin);
      return /^(y|yes)$/i.test(answer?.trim() ?? '');
    },
    onSignal: (handler) => {
      const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
      for (const s of signals) process.on(s, handler);
      return () => { for (const s of signals) process.off(s, handler); };
    },
  };
}

function terminalOf(io: CliIo): CliTerminal {
  const input = io.stdin as Partial<ReadStream>;
  const output = io.stdout as Partial<WriteStream>;
  return {
    stdinIsTerminal: input.isTTY === true,
    size: () => (output.isTTY ? { rows: output.rows ?? 0, cols: output.columns ?? 0 } : undefined),
    raw: () => {
      if (!input.isTTY || !input.setRawMode) return () => undefined;
      input.setRawMode(true);
      // libuv's raw mode keeps output processing (ONLCR): the container's terminal already wrote
      // \r\n, which would show as \r\r\n. Raw as docker's is: no output processing either.
      // setRawMode(false) puts back the terminal's settings from before, OPOST with them.
      spawnSync('stty', ['-opost'], { stdio: [0, 'ignore', 'ignore'] });
      return () => { input.setRawMode!(false); };
    },
    onResize: (handler) => {
      if (!output.isTTY) return () => undefined;
      const stream = io.stdout as WriteStream;
      stream.on('resize', handler);
      return () => { stream.off('resize', handler); };
    },
  };
}

/** The first line of `input`, or undefined when it ends first; the rest is left unread. */
async function firstLine(input: NodeJS.ReadableStream): Promise<string | undefined> {
  const lines = createInterface({ input, terminal: false });
  try {
    for await (const line of lines) return line;
    return undefined;
  } finally {
    lines.close();
  }
}
