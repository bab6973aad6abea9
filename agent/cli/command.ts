// What every CLI command is: its flags, its usage line and a run function that returns the exit
// code. Output goes through the context (not console.*) so commands run in tests in-process.
import type { AgentClient } from './client.js';
import type { FlagDef, Parsed } from './args.js';

export interface CliContext {
  client: () => AgentClient;
  /** Text, or bytes as they are (exec's output). */
  out: (data: string | Uint8Array) => void;
  err: (data: string | Uint8Array) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** The CLI's own stdin (exec -i sends it to the process). */
  stdin: NodeJS.ReadableStream;
  now: () => number;
  /** Prints `question` and reads one answer line: true for y/yes (docker's prompt), false otherwise or at end of input. */
  confirm: (question: string) => Promise<boolean>;
  /** Calls `handler` on SIGINT/SIGTERM/SIGHUP until the returned function is called. */
  onSignal: (handler: (signal: NodeJS.Signals) => void) => () => void;
}

export interface Command {
  name: string;
  usage: string;          // after "berth ", e.g. "stop [OPTIONS] CONTAINER [CONTAINER...]"
  summary: string;
  flags: FlagDef[];
  /** false: flags end at the first positional argument (commands that take a command line). */
  interspersed?: boolean;
  minArgs?: number;
  maxArgs?: number;
  run(ctx: CliContext, p: Parsed): Promise<number>;
}
