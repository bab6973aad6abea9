// What the policy engine thinks of each container, rebuilt from the event stream alone: runtime
// rules per container (pending → firing → resolved, like Prometheus alerts) and the admission
// warnings a container was created with. The agent emits these as events; nothing is polled.
import type { BerthEvent } from './protocol.js';

export type RuleStateName = 'pending' | 'firing' | 'resolved';

export interface RuleState {
  policy: string;
  rule: string;
  state: RuleStateName;
  since: string;          // time of the last transition
  message: string;
  action?: string;        // the rule's action (alert, throttle, pause, kill)
  lastAction?: string;    // the message of the last policy.action event for this rule
}

export type PolicyStatus =
  | { level: 'firing' | 'pending'; text: string }
  | { level: 'stopped' | 'warned' | 'ok'; text: string };

const TRANSITIONS: Partial<Record<BerthEvent['kind'], RuleStateName>> = {
  'policy.pending': 'pending', 'policy.firing': 'firing', 'policy.resolved': 'resolved',
};

/** A warning about an exec or attach is about that request (the events feed shows it), not about the container's spec. */
function isExecOrAttach(event: BerthEvent): boolean {
  const operation = (event.data as { operation?: unknown } | undefined)?.operation;
  return operation === 'exec' || operation === 'attach';
}

export class PolicyTracker {
  private readonly rules = new Map<string, Map<string, RuleState>>(); // container id → policy/rule → state
  private readonly warnings = new Map<string, string[]>();            // container name → admission warnings

  apply(event: BerthEvent): void {
    const to = TRANSITIONS[event.kind];
    if (to && event.containerId) this.transition(event.containerId, event, to);
    else if (event.kind === 'policy.action' && event.containerId) this.recordAction(event.containerId, event);
    else if (event.kind === 'policy.warned' && event.containerName && !isExecOrAttach(event)) this.warnings.set(event.containerName, [event.message]);
    else if (event.kind === 'container.removed' && event.containerId) this.forget(event.containerId, event.containerName);
  }

  reset(events: Iterable<BerthEvent>): void {
    this.rules.clear();
    this.warnings.clear();
    for (const e of events) this.apply(e);
  }

  rulesOf(containerId: string): RuleState[] {
    return [...(this.rules.get(containerId)?.values() ?? [])];
  }

  warningsOf(containerName: string): string[] { return this.warnings.get(containerName) ?? []; }

  /** One line for the container list: the most urgent of firing, pending, stopped by policy, warned. */
  statusOf(containerId: string, containerName: string, stopReason?: string): PolicyStatus {
    const rules = this.rulesOf(containerId);
    const names = (state: RuleStateName) => rules.filter((r) => r.state === state).map((r) => `${r.policy}/${r.rule}`);
    const firing = names('firing');
    if (firing.length) return { level: 'firing', text: `firing: ${firing.join(', ')}` };
    const pending = names('pending');
    if (pending.length) return { level: 'pending', text: `pending: ${pending.join(', ')}` };
    if (stopReason) return { level: 'stopped', text: `stopped by ${stopReason}` };
    const warned = this.warningsOf(containerName);
    if (warned.length) return { level: 'warned', text: `warned: ${warned.join('; ')}` };
    return { level: 'ok', text: 'ok' };
  }

  private transition(containerId: string, event: BerthEvent, to: RuleStateName): void {
    const { policy, rule, action } = ruleData(event);
    let perContainer = this.rules.get(containerId);
    if (!perContainer) this.rules.set(containerId, (perContainer = new Map()));
    const key = `${policy}/${rule}`;
    const prev = perContainer.get(key);
    // The engine's message starts with "policy/rule state: "; the table has columns for those.
    const prefix = `${key} ${to}: `;
    const message = event.message.startsWith(prefix) ? event.message.slice(prefix.length) : event.message;
    perContainer.set(key, { policy, rule, state: to, since: event.time, message, action, lastAction: prev?.lastAction });
  }

  private recordAction(containerId: string, event: BerthEvent): void {
    const { policy, rule } = ruleData(event);
    const state = this.rules.get(containerId)?.get(`${policy}/${rule}`);
    if (state) state.lastAction = event.message;
  }

  private forget(containerId: string, containerName?: string): void {
    this.rules.delete(containerId);
    if (containerName) this.warnings.delete(containerName);
  }
}

function ruleData(event: BerthEvent): { policy: string; rule: string; action?: string } {
  const d = event.data ?? {};
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return { policy: str(d.policy) ?? '?', rule: str(d.rule) ?? '?', action: str(d.action) };
}
