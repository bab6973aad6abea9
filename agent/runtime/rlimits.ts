// rlimit names ↔ RLIMIT_* numbers (asm-generic/resource.h, x86_64). `docker run --ulimit` uses
// the lower-case short names ("nofile"); OCI config.json uses "RLIMIT_NOFILE".
import type { PlanRlimit } from './plan-types.js';
import type { Ulimit } from './types.js';

/** Index = RLIMIT number. */
export const RLIMIT_NAMES = [
  'cpu', 'fsize', 'data', 'stack', 'core', 'rss', 'nproc', 'nofile', 'memlock', 'as', 'locks',
  'sigpending', 'msgqueue', 'nice', 'rtprio', 'rttime',
] as const;

export type RlimitName = (typeof RLIMIT_NAMES)[number];

/** Accepts "nofile", "NOFILE" and "RLIMIT_NOFILE"; returns the short lower-case name or undefined. */
export function normalizeRlimitName(name: string): RlimitName | undefined {
  const short = name.trim().toLowerCase().replace(/^rlimit_/, '');
  return (RLIMIT_NAMES as readonly string[]).includes(short) ? (short as RlimitName) : undefined;
}

export function rlimitNumber(name: string): number {
  const short = normalizeRlimitName(name);
  if (short === undefined) throw new Error(`unknown rlimit ${JSON.stringify(name)}`);
  return RLIMIT_NAMES.indexOf(short);
}

/**
 * RLIM_INFINITY is 2^64−1, which JSON turns into 18446744073709552000; anything at or above 2^63
 * (and docker's −1) means unlimited.
 */
export function rlimitValue(value: number): number | 'unlimited' {
  return value < 0 || value >= 2 ** 63 ? 'unlimited' : value;
}

export function toPlanRlimits(ulimits: readonly Ulimit[]): PlanRlimit[] {
  return ulimits.map((u) => ({ resource: rlimitNumber(u.name), soft: rlimitValue(u.soft), hard: rlimitValue(u.hard) }));
}
