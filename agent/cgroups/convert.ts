// Value mappings between berth's version-neutral resources and each cgroup version's files
// (REFERENCE.md §1.10, crun's "CGROUP v2" table). Pure functions, so both directions are tested.

export const DEFAULT_CPU_PERIOD_US = 100_000;

/** crun's cpu.shares → cpu.weight: maps 2..262144 onto 1..10000 with 1024 ↦ 100. */
export function sharesToWeight(shares: number): number {
  if (shares <= 2) return 1;
  if (shares >= 262_144) return 10_000;
  const l = Math.log2(shares);
  const exponent = (l * l + 125 * l) / 612.0 - 7.0 / 34.0;
  return Math.ceil(10 ** exponent);
}

/**
 * Inverse of crun's formula, so a v2 container reports the shares it was created with
 * (cAdvisor's linear 2 + (w−1)·262142/9999 would report 2597 for the default 1024).
 */
export function weightToShares(weight: number): number {
  if (weight <= 1) return 2;
  if (weight >= 10_000) return 262_144;
  const c = Math.log10(weight) + 7.0 / 34.0;
  const l = (-125 + Math.sqrt(125 * 125 + 4 * 612 * c)) / 2;
  return Math.round(2 ** l);
}

/** blkio weight 10..1000 → io.weight 1..10000 (io.bfq.weight takes the blkio value unchanged). */
export function blkioWeightToIoWeight(weight: number): number {
  return Math.floor(1 + ((weight - 10) * 9999) / 990);
}

/** v2 memory.swap.max is swap alone; berth's memorySwapBytes is memory + swap (v1 memsw). */
export function swapMaxV2(memoryBytes: number, memorySwapBytes: number): string {
  if (memorySwapBytes <= 0) return 'max';
  return String(memorySwapBytes - memoryBytes);
}

/** Limits written to v1 files: 0 (berth: unlimited) → -1. */
export function v1Limit(value: number): string {
  return value <= 0 ? '-1' : String(value);
}

/** Limits written to v2 files: 0 (berth: unlimited) → "max". */
export function v2Limit(value: number): string {
  return value <= 0 ? 'max' : String(value);
}

/** The string devices.allow/deny take: `c 1:5 rwm`, with -1 meaning `*`. */
export function deviceRuleString(rule: { type: 'a' | 'c' | 'b'; major: number; minor: number; access: string }): string {
  if (rule.type === 'a') return 'a';
  const part = (n: number): string => (n < 0 ? '*' : String(n));
  return `${rule.type} ${part(rule.major)}:${part(rule.minor)} ${rule.access}`;
}
