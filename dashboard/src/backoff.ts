// Reconnect delays: exponential with full jitter (so a restarted agent is not hit by every open
// page in the same millisecond), capped so a page retries at least every `maxMs`.
export interface BackoffOptions { initialMs: number; maxMs: number; factor: number }

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 15_000, factor: 2 };

/** Delay before reconnect attempt `attempt` (0 = the first retry). `random` returns [0, 1). */
export function backoffDelay(attempt: number, opts: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const ceiling = Math.min(opts.maxMs, opts.initialMs * opts.factor ** Math.max(0, attempt));
  // Half fixed, half jitter: never reconnects in a tight loop even when random() returns 0.
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
