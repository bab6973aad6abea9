// Waiting on kernel state with a deadline (the freezer settling, a cgroup emptying, rmdir EBUSY).
import { setTimeout as delay } from 'node:timers/promises';

/**
 * Calls `check` until it returns true or `timeoutMs` passes; returns whether it succeeded.
 * Backs off from 1 ms to 20 ms: the freezer usually settles within a millisecond.
 */
export async function pollUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let interval = 1;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await delay(interval);
    interval = Math.min(interval * 2, 20);
  }
}
