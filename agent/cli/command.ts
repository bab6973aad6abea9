// What every CLI command is: its flags, its usage line and a run function that returns the exit
// code. Output goes through the context (not console.*) so commands run in tests in-process.
import type { AgentClient } from './client.js';
import type { FlagDef, Parsed } from './args.js';
import type { TerminalSize } from '../runtime/types.js';

/** What `exec -t` needs of the terminal the CLI runs in. */
export interface CliTerminal {
  /** stdin is a terminal (`-it` takes keys from it). */
  readonly stdinIsTerminal: boolean;
  /** stdout's size, when stdout is a terminal. */
  size(): TerminalSize | undefined;
  /** Raw mode on stdin: every key goes through as typed, ^C included; returns its undo. */
  raw(): () => void;
  /** Calls `handler` whenever stdout's terminal changes size, until the returned function is called. */
  onResize(handler: () => void): () => void;
}

export interface CliContext {
  client: () => AgentClient;
  /** Text, or bytes as they are (exec's output). */
  out: (data: string | Uint8Array) => void;
  err: (data: string | Uint8Array) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** The CLI's own stdin (exec -i sends it to the process). */
  stdin: NodeJS.ReadableStream;
  terminal: CliTerminal;
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
  /** docker flags this command does not have, with the reason (see ParseOptions). */
  unsupported?: Readonly<Record<string, string>>;
  minArgs?: number;
  maxArgs?: number;
  run(ctx: CliContext, p: Parsed): Promise<number>;
}
