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
  lastError?: string;       // the last evaluation error, cleared by a successful one
}

export interface Transition { from: AlertState; to: AlertState; at: number }
export interface Timing { forMs: number; keepFiringForMs: number }

// Every instance has all fields, in this order (spread and Object.assign below keep it): one
// hidden class, so the per-tick reads of `state` / `lastError` stay monomorphic in the JIT.
const INACTIVE: AlertInstance = Object.freeze({
  state: 'inactive', activeAt: undefined, firedAt: undefined, resolvedAt: undefined, keepFiringSince: undefined, lastError: undefined,
}) as AlertInstance;

export function newInstance(): AlertInstance {
  return INACTIVE;
}

/**
 * One evaluation: returns the next instance and appends the transitions it went through (0, 1
 * or 2) to `out`. Instances are immutable; when nothing changes the same object comes back (the
 * common case on every tick, so a tick over thousands of containers allocates almost nothing).
 */
export function step(prev: AlertInstance, holds: boolean, now: number, timing: Timing, out: Transition[] = []): AlertInstance {
  if (prev.lastError === undefined) {
    if (!holds && (prev.state === 'inactive' || prev.state === 'resolved')) return prev;
    if (holds && prev.state === 'firing' && prev.keepFiringSince === undefined) return prev;
  }
  const next: AlertInstance = { ...prev, lastError: undefined };
  if (holds) {
    next.keepFiringSince = undefined;
    if (next.state === 'inactive' || next.state === 'resolved') {
      out.push({ from: next.state, to: 'pending', at: now });
      Object.assign(next, { state: 'pending', activeAt: now, firedAt: undefined, resolvedAt: undefined });
    }
    if (next.state === 'pending' && now - (next.activeAt ?? now) >= timing.forMs) {
      out.push({ from: 'pending', to: 'firing', at: now });
      Object.assign(next, { state: 'firing', firedAt: now });
    }
  } else if (next.state === 'pending') {
    out.push({ from: 'pending', to: 'inactive', at: now });
    Object.assign(next, { state: 'inactive', activeAt: undefined });
  } else if (next.state === 'firing') {
    next.keepFiringSince ??= now;
    if (now - next.keepFiringSince >= timing.keepFiringForMs) {
      out.push({ from: 'firing', to: 'resolved', at: now });
      Object.assign(next, { state: 'resolved', resolvedAt: now, keepFiringSince: undefined });
    }
  }
  return next;
}

/** An evaluation error leaves the state as it was (like a failed Prometheus rule query). */
export function stepError(prev: AlertInstance, error: string): AlertInstance {
  return prev.lastError === error ? prev : { ...prev, lastError: error };
}

/** `policy/rule`: the key of a rule in the table. */
export function ruleKey(policy: string, rule: string): string {
  return `${policy}/${rule}`;
}

/**
 * All instances, per container then per rule; forgets containers that are gone. Inactive
 * instances are not stored (absent = inactive).
 */
export class AlertTable {
  private readonly byContainer = new Map<string, Map<string, AlertInstance>>();

  get(policy: string, rule: string, containerId: string): AlertInstance {
    return this.getByKey(containerId, ruleKey(policy, rule));
  }

  getByKey(containerId: string, key: string): AlertInstance {
    return this.byContainer.get(containerId)?.get(key) ?? INACTIVE;
  }

  /** One container's instances by rule key (read-only; absent = all inactive): one lookup per container per tick. */
  ofContainer(containerId: string): ReadonlyMap<string, AlertInstance> | undefined {
    return this.byContainer.get(containerId);
  }

  set(policy: string, rule: string, containerId: string, instance: AlertInstance): void {
    this.setByKey(containerId, ruleKey(policy, rule), instance);
  }

  setByKey(containerId: string, key: string, instance: AlertInstance): void {
    let rules = this.byContainer.get(containerId);
    if (instance === INACTIVE) { rules?.delete(key); return; }
    if (!rules) this.byContainer.set(containerId, (rules = new Map()));
    rules.set(key, instance);
  }

  /** Drops every instance of containers not in `alive` (a vanished container resets its rules); true if any went. */
  retain(alive: ReadonlySet<string>): boolean {
    let dropped = false;
    for (const id of this.byContainer.keys()) if (!alive.has(id)) dropped = this.byContainer.delete(id) || dropped;
    return dropped;
  }

  /** Drops instances of rules that no longer exist after a reload (keys as ruleKey()). */
  retainRules(rules: ReadonlySet<string>): void {
    for (const m of this.byContainer.values()) for (const k of m.keys()) if (!rules.has(k)) m.delete(k);
  }

  forContainer(containerId: string): Array<{ policy: string; rule: string; instance: AlertInstance }> {
    return [...(this.byContainer.get(containerId) ?? new Map<string, AlertInstance>())].map(([k, instance]) => ({ ...splitKey(k), instance }));
  }

  /** Pending and firing instances per rule, counted without an object per instance (every tick). */
  countActive(): Array<{ policy: string; rule: string; state: 'pending' | 'firing'; count: number }> {
    const counts = new Map<string, [pending: number, firing: number]>();
    for (const m of this.byContainer.values()) {
      for (const [key, { state }] of m) {
        if (state !== 'pending' && state !== 'firing') continue;
        let c = counts.get(key);
        if (!c) counts.set(key, (c = [0, 0]));
        c[state === 'pending' ? 0 : 1]++;
      }
    }
    const out: Array<{ policy: string; rule: string; state: 'pending' | 'firing'; count: number }> = [];
    for (const [key, [pending, firing]] of counts) {
      if (pending) out.push({ ...splitKey(key), state: 'pending', count: pending });
      if (firing) out.push({ ...splitKey(key), state: 'firing', count: firing });
    }
    return out;
  }

  all(): Array<{ policy: string; rule: string; containerId: string; instance: AlertInstance }> {
    const out: Array<{ policy: string; rule: string; containerId: string; instance: AlertInstance }> = [];
    for (const [containerId, m] of this.byContainer) for (const [k, instance] of m) out.push({ ...splitKey(k), containerId, instance });
    return out;
  }
}

function splitKey(key: string): { policy: string; rule: string } {
  const i = key.indexOf('/');
  return { policy: key.slice(0, i), rule: key.slice(i + 1) };
}
