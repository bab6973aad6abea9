// The exit file the shim writes atomically when init ends, and how it becomes an ExitInfo.
import { BerthError } from '../errors.js';
import { readJsonFile } from './store.js';
import type { ExitInfo, StopReason } from './types.js';

export interface ExitFile { exitCode: number; signal: string | null; finishedAt: string; pid: number }

/** The parsed exit file, or undefined while the container has not exited. */
export async function readExitFile(path: string): Promise<ExitFile | undefined> {
  const raw = await readJsonFile<Record<string, unknown>>(path);
  if (raw === undefined) return undefined;
  const { exitCode, signal, finishedAt, pid } = raw;
  if (typeof exitCode !== 'number' || (signal !== null && typeof signal !== 'string') || typeof finishedAt !== 'string') {
    throw new BerthError('STATE_FAILED', `parse ${path}: expected {exitCode: number, signal: string|null, finishedAt: string}, got ${JSON.stringify(raw)}`,
      { path });
  }
  return { exitCode, signal, finishedAt, pid: typeof pid === 'number' ? pid : 0 };
}

/** A SIGKILL while the memory cgroup's oom_kill counter rose is an OOM kill (Docker's OOMKilled). */
export function toExitInfo(file: ExitFile, oomKillsRose: boolean, reason?: StopReason): ExitInfo {
  return {
    exitCode: file.exitCode,
    ...(file.signal ? { signal: file.signal } : {}),
    oomKilled: file.signal === 'SIGKILL' && oomKillsRose,
    finishedAt: file.finishedAt,
    ...(reason ? { reason } : {}),
  };
}
