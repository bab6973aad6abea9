// Runtime rules, pure: the Prometheus alerting state machine (rules/alerting.go) per
// (policy, rule, container). A true condition makes an instance pending; it fires at the first
// evaluation where now − activeAt ≥ `for`; a pending one whose condition turns false is dropped
// (back to inactive, silently); a firing one whose condition turns false stays firing until
// `keepFiringFor` has elapsed since it first turned false (a true condition resets that), then
// it is resolved. A resolved instance becomes pending again when its condition holds again.
// Time comes in as `now` (the sample's time), so tests drive it with a fake clock.

export type AlertState = 'inactive' | 'pending' | 'firing' | 'resolved';

export interface AlertInstance {
  state: AlertState;
  activeAt?: number;        // when the condition started to hold (pending)
  firedAt?: number;
  resolvedAt?: number;
  keepFiringSince?: number; // when a firing instance's condition turned false
  lastEvalAt?: number;
  lastError?: string;       // the last evaluation error, cleared by a successful one
}

export interface Transition { from: AlertState; to: AlertState; at: number }
export interface Timing { forMs: number; keepFiringForMs: number }

export function newInstance(): AlertInstance {
  return { state: 'inactive' };
}

/** One evaluation: returns the next instance and the transitions it went through (0, 1 or 2). */
export function step(prev: AlertInstance, holds: boolean, now: number, timing: Timing): { next: AlertInstance; transitions: Transition[] } {
  const transitions: Transition[] = [];
  const next: AlertInstance = { ...prev, lastEvalAt: now, lastError: undefined };
  const go = (to: AlertState) => { transitions.push({ from: next.state, to, at: now }); next.state = to; };
  if (holds) {
    next.keepFiringSince = undefined;
    if (next.state === 'inactive' || next.state === 'resolved') {
      go('pending');
      next.activeAt = now;
      next.firedAt = undefined;
      next.resolvedAt = undefined;
    }
    if (next.state === 'pending' && now - (next.activeAt ?? now) >= timing.forMs) {
      go('firing');
      next.firedAt = now;
    }
  } else if (next.state === 'pending') {
    go('inactive');
    next.activeAt = undefined;
  } else if (next.state === 'firing') {
    next.keepFiringSince ??= now;
    if (now - next.keepFiringSince >= timing.keepFiringForMs) {
      go('resolved');
      next.resolvedAt = now;
      next.keepFiringSince = undefined;
    }
  }
  return { next, transitions };
}

/** An evaluation error leaves the state as it was (like a failed Prometheus rule query). */
export function stepError(prev: AlertInstance, error: string, now: number): AlertInstance {
  return { ...prev, lastEvalAt: now, lastError: error };
}

/** All instances, keyed by policy, rule and container; forgets containers that are gone. */
export class AlertTable {
  private readonly instances = new Map<string, { policy: string; rule: string; containerId: string; instance: AlertInstance }>();

  private static key(policy: string, rule: string, containerId: string): string {
    return `${policy}\u0000${rule}\u0000${containerId}`;
  }

  get(policy: string, rule: string, containerId: string): AlertInstance {
    return this.instances.get(AlertTable.key(policy, rule, containerId))?.instance ?? newInstance();
  }

  set(policy: string, rule: string, containerId: string, instance: AlertInstance): void {
    this.instances.set(AlertTable.key(policy, rule, containerId), { policy, rule, containerId, instance });
  }

  /** Drops every instance of containers not in `alive` (a vanished container resets its rules). */
  retain(alive: ReadonlySet<string>): void {
    for (const [k, v] of this.instances) if (!alive.has(v.containerId)) this.instances.delete(k);
  }

  /** Drops instances of rules that no longer exist after a reload. */
  retainRules(rules: ReadonlySet<string>): void {
    for (const [k, v] of this.instances) if (!rules.has(`${v.policy}/${v.rule}`)) this.instances.delete(k);
  }

  forContainer(containerId: string): Array<{ policy: string; rule: string; instance: AlertInstance }> {
    return [...this.instances.values()].filter((v) => v.containerId === containerId);
  }

  all(): Array<{ policy: string; rule: string; containerId: string; instance: AlertInstance }> {
    return [...this.instances.values()];
  }
}
