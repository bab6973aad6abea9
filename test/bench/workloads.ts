// The bench's stand-in workloads (ticker.c) and its C programs, shared by sampler.ts and v2-probe.ts.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export type Mode = 'idle' | 'active' | 'churn';

/** The ticker processes alive now: the workloads' parent is in no cgroup of the bench, so removing those does not end it. */
export const liveTickers = new Set<ChildProcess>();

export async function startWorkloads(ticker: string, modes: Mode[], hostNetwork: boolean): Promise<{ proc: ChildProcess; pids: number[] }> {
  const proc = spawn(ticker, hostNetwork ? ['--host-net', ...modes] : modes, { stdio: ['ignore', 'pipe', 'inherit'] });
  liveTickers.add(proc);
  proc.once('exit', () => liveTickers.delete(proc));
  let out = '';
  proc.stdout!.setEncoding('utf8');
  const pids = await new Promise<number[]>((resolve, reject) => {
    proc.stdout!.on('data', (chunk: string) => {
      out += chunk;
      const lines = out.split('\n');
      lines.pop(); // what follows the last newline: a pid not printed whole yet
      if (lines.length >= modes.length) resolve(lines.slice(0, modes.length).map(Number));
    });
    proc.on('exit', (code) => reject(new Error(`ticker exited with ${code} before printing its pids`)));
  });
  return { proc, pids };
}

/** Compiles test/bench/<name>.c into `dir`; the program's path. */
export function compile(dir: string, name: string): string {
  const out = join(dir, name);
  const cc = spawnSync('cc', ['-O2', '-o', out, join(import.meta.dirname, `${name}.c`)], { encoding: 'utf8' });
  if (cc.status !== 0) throw new Error(`cc ${name}.c: ${cc.stderr || cc.error?.message}`);
  return out;
}

