// Restart policies, docker's (`--restart no|on-failure[:N]|always|unless-stopped`): whether an
// exit is followed by a new run, and after how long. Pure; runtime.ts keeps the timers.
//
// Docker's restart manager: the first restart waits 100 ms, each consecutive one twice as long,
// at most a minute; a run that lasted 10 s or more starts the sequence over. A container a user
// stopped or killed is not restarted (until a user starts it again), and `on-failure` gives up
// after N restarts (0: never gives up) and never restarts after exit code 0.
import type { ExitInfo, RestartPolicy } from './types.js';

export const FIRST_DELAY_MS = 100;
export const MAX_DELAY_MS = 60_000;
export const RESET_AFTER_RUN_MS = 10_000;

export interface RestartState {
  restartCount: number;
  manuallyStopped: boolean;
  /** The delay before the last policy restart; 0 before the first. */
  lastDelayMs: number;
}

/** undefined: no restart; otherwise the delay before the next run. */
export function restartDelay(policy: RestartPolicy, exit: ExitInfo, state: RestartState, ranMs: number): number | undefined {
  if (policy.name === 'no' || state.manuallyStopped) return undefined;
  if (policy.name === 'on-failure') {
    if (exit.exitCode === 0) return undefined;
    if (policy.maxRetries > 0 && state.restartCount >= policy.maxRetries) return undefined;
  }
  if (ranMs >= RESET_AFTER_RUN_MS || state.lastDelayMs === 0) return FIRST_DELAY_MS;
  return Math.min(state.lastDelayMs * 2, MAX_DELAY_MS);
}

/**
 * When the agent starts, docker's rule for containers found stopped: `always` runs again even
 * if a user stopped it, `unless-stopped` unless a user did. (Exits that happened while the agent
 * was down follow restartDelay like any exit.)
 */
export function startsWithAgent(policy: RestartPolicy, manuallyStopped: boolean): boolean {
  return policy.name === 'always' || (policy.name === 'unless-stopped' && !manuallyStopped);
}

/** "on-failure:3" → { name, maxRetries }; throws a plain Error saying what is wrong. */
export function parseRestartPolicy(text: string): RestartPolicy {
  const m = /^(no|always|unless-stopped|on-failure)(?::(\d+))?$/.exec(text);
  if (!m) throw new Error(`"${text}" is not one of no, always, unless-stopped, on-failure[:max-retries]`);
  const name = m[1] as RestartPolicy['name'];
  if (m[2] !== undefined && name !== 'on-failure') throw new Error(`"${text}": a maximum retry count goes only with on-failure`);
  return { name, maxRetries: m[2] === undefined ? 0 : Number(m[2]) };
}
