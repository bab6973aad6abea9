// top: the processes of a running or paused container as the host's `ps` shows them, like
// `docker top` (moby daemon/top_unix.go): `ps ARGS -q PIDS` with the container's cgroup pids, or,
// for options that cannot be combined with -q (such as f), `ps ARGS` alone; either way only the
// rows of the container's pids are kept, so a PID column is required. PIDs are the host's.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { BerthError } from '../errors.js';
import { assertAllowed, type ContainerRecord } from './container.js';
import { describe, type RuntimeContext } from './context.js';
import type { ProcessList } from './types.js';

const run = promisify(execFile);
const DEFAULT_PS_ARGS = ['-ef'];

export async function topContainer(ctx: RuntimeContext, record: ContainerRecord, psArgs: string[]): Promise<ProcessList> {
  assertAllowed(record, 'top');
  const pids = await ctx.cgroups.pids(record.cgroupName);
  const args = psArgs.length ? psArgs : DEFAULT_PS_ARGS;
  const output = pids.length ? await ps([...args, '-q', pids.join(',')]).catch(() => ps(args)) : await ps(args);
  return parsePsOutput(output, new Set(pids), describe(record));
}

async function ps(args: string[]): Promise<string> {
  try {
    // C locale: the same column titles and time formats whatever the agent's environment says.
    return (await run('ps', args, { env: { ...process.env, LC_ALL: 'C' }, maxBuffer: 64 * 1024 * 1024 })).stdout;
  } catch (err) {
    const e = err as Omit<NodeJS.ErrnoException, 'code'> & { code?: string | number; stdout?: string; stderr?: string };
    // procps exits 1 when its selection (say `f` alone: this terminal's processes) is empty.
    if (e.code === 1 && e.stdout) return e.stdout;
    const why = e.code === 'ENOENT' ? 'ps is not installed on the host (Debian: procps)' : (e.stderr ?? '').trim().split('\n')[0] || e.message;
    throw new BerthError('INVALID_REQUEST', `ps ${args.join(' ')}: ${why}`, { psArgs: args });
  }
}

/** Titles from the header; a row per kept pid, its last column (the command) keeping its spaces. */
export function parsePsOutput(output: string, pids: ReadonlySet<number>, what: string): ProcessList {
  const [header = '', ...lines] = output.split('\n');
  const titles = header.trim().split(/\s+/).filter(Boolean);
  const pidColumn = titles.indexOf('PID');
  if (pidColumn < 0) {
    throw new BerthError('INVALID_REQUEST', `top ${what}: the ps output has no PID column (titles: ${titles.join(' ')}); add -o pid,… or use the default -ef`);
  }
  const processes: string[][] = [];
  for (const line of lines) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < titles.length || !pids.has(Number(fields[pidColumn]))) continue;
    processes.push([...fields.slice(0, titles.length - 1), fields.slice(titles.length - 1).join(' ')]);
  }
  return { titles, processes };
}
