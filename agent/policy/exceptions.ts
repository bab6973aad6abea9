// Exceptions (like Kyverno's PolicyException): a named container or a label selector exempt
// from named rules of one policy, with a reason and an optional expiry; expired ones are ignored.
import type { PolicyException } from './schema.js';

export interface ContainerIdentity { name: string; labels: Record<string, string> }

export function isExpired(e: PolicyException, now: number): boolean {
  return e.expiresAt !== undefined && e.expiresAt <= now;
}

function selects(e: PolicyException, c: ContainerIdentity): boolean {
  if (e.containers.includes(c.name)) return true;
  const selector = Object.entries(e.labels);
  return selector.length > 0 && selector.every(([k, v]) => c.labels[k] === v);
}

/** The first live exception exempting `container` from `policy`/`rule`, if any. */
export function findException(exceptions: readonly PolicyException[], policy: string, rule: string,
  container: ContainerIdentity, now: number): PolicyException | undefined {
  return exceptions.find((e) => e.policy === policy && (e.rules.length === 0 || e.rules.includes(rule))
    && !isExpired(e, now) && selects(e, container));
}
