// One sampler tick through every runtime rule, pure apart from the AlertTable it updates:
// which instances changed state (for events, actions, audit) and how many evaluations ran.
// A container the policy's match excludes, or an exception exempts, counts as "condition false",
// so a rule that stops applying resolves like one whose condition cleared.
import type { ResolvedSpec } from '../runtime/types.js';
import { matchSkipReason, safeEvaluate, violationMessage } from './admission.js';
import type { CelEnv, CelValue, CelVars } from './cel.js';
import { findException } from './exceptions.js';
import { AlertTable, step, stepError, type AlertInstance, type Transition } from './runtime.js';
import { formatDuration, type Policy, type PolicySet, type RuntimeRule } from './schema.js';

/** One container at one tick; `sample` is the typed CEL value (CelEnv.sample), `time` its ms time. */
export interface RuntimeInput { id: string; name: string; spec: ResolvedSpec; sample: CelValue; time: number }

export interface RuntimeDecision {
  policy: Policy;
  rule: RuntimeRule;
  containerId: string;
  containerName: string;
  transitions: Transition[];
  instance: AlertInstance;
  message: string;
  error?: string;
}

export interface RuleCount { policy: string; rule: string; evaluations: number; errors: number }
export interface TickResult { decisions: RuntimeDecision[]; counts: RuleCount[] }

export interface TickContext {
  set: PolicySet;
  cel: CelEnv;
  table: AlertTable;
  /** Typed `container` value for a spec; the engine caches these per spec object. */
  containerValue: (spec: ResolvedSpec) => CelValue;
  now: number;
}

export function evaluateRuntimeTick(ctx: TickContext, inputs: readonly RuntimeInput[]): TickResult {
  const decisions: RuntimeDecision[] = [];
  const counts = new Map<string, RuleCount>();
  const policies = ctx.set.policies.filter((p) => p.runtime.length > 0);
  for (const input of inputs) {
    const vars: CelVars = { container: ctx.containerValue(input.spec), sample: input.sample };
    for (const policy of policies) {
      const applies = matchSkipReason(policy, vars) === undefined;
      for (const rule of policy.runtime) {
        const count = countFor(counts, policy.name, rule.name);
        const decision = evaluateOne(ctx, policy, rule, input, vars, applies, count);
        if (decision) decisions.push(decision);
      }
    }
  }
  ctx.table.retain(new Set(inputs.map((i) => i.id)));
  return { decisions, counts: [...counts.values()] };
}

function evaluateOne(ctx: TickContext, policy: Policy, rule: RuntimeRule, input: RuntimeInput, vars: CelVars,
  applies: boolean, count: RuleCount): RuntimeDecision | undefined {
  const prev = ctx.table.get(policy.name, rule.name, input.id);
  const now = input.time;
  const exempt = findException(ctx.set.exceptions, policy.name, rule.name, { name: input.name, labels: input.spec.labels }, ctx.now);
  let holds = false;
  if (applies && !exempt) {
    count.evaluations++;
    const evaluated = safeEvaluate(rule.condition, vars);
    if (evaluated.error !== undefined) {
      count.errors++;
      const instance = stepError(prev, evaluated.error, now);
      ctx.table.set(policy.name, rule.name, input.id, instance);
      if (prev.lastError === evaluated.error) return undefined; // reported when it started
      return decision(policy, rule, input, [], instance, `condition failed: ${evaluated.error}`, evaluated.error);
    }
    holds = evaluated.value === true;
  }
  const { next, transitions } = step(prev, holds, now, rule);
  ctx.table.set(policy.name, rule.name, input.id, next);
  if (transitions.length === 0) return undefined;
  const fallback = `${rule.condition.source} held${rule.forMs > 0 ? ` for ${formatDuration(rule.forMs)}` : ''}`;
  return decision(policy, rule, input, transitions, next, violationMessage(rule, vars, fallback));
}

function decision(policy: Policy, rule: RuntimeRule, input: RuntimeInput, transitions: Transition[], instance: AlertInstance,
  message: string, error?: string): RuntimeDecision {
  return { policy, rule, containerId: input.id, containerName: input.name, transitions, instance, message, error };
}

function countFor(counts: Map<string, RuleCount>, policy: string, rule: string): RuleCount {
  const key = `${policy}/${rule}`;
  let c = counts.get(key);
  if (!c) counts.set(key, (c = { policy, rule, evaluations: 0, errors: 0 }));
  return c;
}
