// A small flag parser with docker's (pflag's) conventions: `--name value`, `--name=value`,
// `-m 64m`, `-m64m`, `-m=64m`, combined short booleans (`-dt`), repeatable list flags (`-e A=1 -e
// B=2`), `--` ends flags. Commands that take a command line (run, exec) stop at the first
// positional so the command's own flags stay its own. Every error names the flag.
import { BerthError } from '../errors.js';

export type FlagKind = 'bool' | 'string' | 'list';

export interface FlagDef {
  name: string;          // long name without dashes
  short?: string;        // one letter
  kind: FlagKind;
  value?: string;        // placeholder shown in help, e.g. BYTES
  help: string;
}

export interface ParseOptions {
  command: string;       // for messages: "berth run"
  flags: FlagDef[];
  /** false: flags end at the first positional argument (run, create, exec). */
  interspersed?: boolean;
  /** Why a flag docker has is not one of ours ("--publish" → the reason), added to the unknown-flag error. */
  unsupported?: Readonly<Record<string, string>>;
}

export class Parsed {
  constructor(readonly values: Map<string, string | boolean | string[]>, readonly args: string[]) {}
  has(name: string): boolean { return this.values.has(name); }
  bool(name: string): boolean { return this.values.get(name) === true; }
  str(name: string): string | undefined {
    const v = this.values.get(name);
    return typeof v === 'string' ? v : undefined;
  }
  list(name: string): string[] {
    const v = this.values.get(name);
    return Array.isArray(v) ? v : [];
  }
}

/** Printed after `berth: `, so the bare command is not named twice (`berth: unknown flag: -x`). */
export function usageError(command: string, message: string, flag?: string): BerthError {
  const context = command === 'berth' ? '' : `${command}: `;
  return new BerthError('INVALID_REQUEST', `${context}${message}\nSee '${command} --help'.`, flag ? { flag } : undefined);
}

export function parseArgs(argv: string[], opts: ParseOptions): Parsed {
  const byLong = new Map(opts.flags.map((f) => [f.name, f]));
  const byShort = new Map(opts.flags.filter((f) => f.short).map((f) => [f.short!, f]));
  const values = new Map<string, string | boolean | string[]>();
  const args: string[] = [];
  const set = (f: FlagDef, v: string | boolean) => {
    if (f.kind === 'list') values.set(f.name, [...(values.get(f.name) as string[] | undefined ?? []), String(v)]);
    else values.set(f.name, v);
  };
  let i = 0;
  const next = (f: FlagDef, shown: string): string => {
    if (i + 1 >= argv.length) throw usageError(opts.command, `flag needs an argument: ${shown}`, shown);
    return argv[++i]!;
  };
  for (; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') { args.push(...argv.slice(i + 1)); break; }
    if (arg.startsWith('--')) parseLong(arg, byLong, opts, set, next);
    else if (arg.startsWith('-') && arg.length > 1) parseShorts(arg, byShort, opts, set, next);
    else {
      args.push(arg);
      if (opts.interspersed === false) { args.push(...argv.slice(i + 1)); break; }
    }
  }
  return new Parsed(values, args);
}

type Setter = (f: FlagDef, v: string | boolean) => void;
type Next = (f: FlagDef, shown: string) => string;

function unknownFlag(opts: ParseOptions, message: string, flag: string): BerthError {
  const why = opts.unsupported?.[flag];
  return usageError(opts.command, why ? `${message} (${why})` : message, flag);
}

function parseLong(arg: string, byLong: Map<string, FlagDef>, opts: ParseOptions, set: Setter, next: Next): void {
  const { command } = opts;
  const eq = arg.indexOf('=');
  const name = arg.slice(2, eq < 0 ? undefined : eq);
  const f = byLong.get(name);
  if (!f) throw unknownFlag(opts, `unknown flag: --${name}`, `--${name}`);
  const inline = eq < 0 ? undefined : arg.slice(eq + 1);
  if (f.kind === 'bool') set(f, inline === undefined ? true : parseBool(inline, `--${name}`, command));
  else set(f, inline ?? next(f, `--${name}`));
}

function parseShorts(arg: string, byShort: Map<string, FlagDef>, opts: ParseOptions, set: Setter, next: Next): void {
  const { command } = opts;
  for (let j = 1; j < arg.length; j++) {
    const letter = arg[j]!;
    const f = byShort.get(letter);
    if (!f) throw unknownFlag(opts, `unknown shorthand flag: '${letter}' in ${arg}`, `-${letter}`);
    if (f.kind === 'bool') {
      if (arg[j + 1] === '=') { set(f, parseBool(arg.slice(j + 2), `-${letter}`, command)); return; }
      set(f, true);
      continue;
    }
    const rest = arg.slice(j + 1);
    set(f, rest === '' ? next(f, `-${letter}`) : rest.startsWith('=') ? rest.slice(1) : rest);
    return;
  }
}

function parseBool(value: string, flag: string, command: string): boolean {
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw usageError(command, `invalid argument "${value}" for "${flag}": use true or false`, flag);
}

/** The flag list of a command's --help, aligned like docker's. */
export function flagHelp(flags: FlagDef[]): string {
  const left = (f: FlagDef) => `${f.short ? `-${f.short}, ` : '    '}--${f.name}${f.kind === 'bool' ? '' : ` ${f.value ?? (f.kind === 'list' ? 'list' : 'string')}`}`;
  const width = Math.max(...flags.map((f) => left(f).length));
  return flags.map((f) => `  ${left(f).padEnd(width)}   ${f.help}`).join('\n');
}
