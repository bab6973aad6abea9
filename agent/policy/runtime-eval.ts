// One sampler tick through every runtime rule, pure apart from the AlertTable it updates:
// which instances changed state (for events, actions, audit) and how many evaluations ran.
// A container the policy's match excludes, or an exception exempts, counts as "condition false",
// so a rule that stops applying resolves like one whose condition cleared.
// Hot path (rules × containers every tick): keys and counters are prepared once per tick.
import type { ResolvedSpec } from '../runtime/types.js';
import { evaluationError, matchSkipReason, violationMessage } from './admission.js';
import type { CelEnv, CelValue, CelVars } from './cel.js';
import { findException } from './exceptions.js';
import { AlertTable, newInstance, ruleKey, step, stepError, type AlertInstance, type Transition } from './runtime.js';
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
/** `changed`: some instance changed state or went with its container (what is worth saving: alert-store.ts). */
export interface TickResult { decisions: RuntimeDecision[]; counts: RuleCount[]; changed: boolean }

export interface TickContext {
  set: PolicySet;
  cel: CelEnv;
  table: AlertTable;
  /** Typed `container` value for a spec; the engine caches these per spec object. */
  containerValue: (spec: ResolvedSpec) => CelValue;
  now: number;
}

interface RuleEntry { policy: Policy; rule: RuntimeRule; key: string; count: RuleCount }

/** Per-container state of one tick's loop, reused across rules so an evaluation allocates nothing. */
interface Cursor { input: RuntimeInput; vars: CelVars; instances?: ReadonlyMap<string, AlertInstance>; scratch: Transition[] }

export function evaluateRuntimeTick(ctx: TickContext, inputs: readonly RuntimeInput[]): TickResult {
  const decisions: RuntimeDecision[] = [];
  const byPolicy = ctx.set.policies.filter((p) => p.runtime.length > 0).map((policy) => ({
    policy,
    rules: policy.runtime.map((rule): RuleEntry => ({ policy, rule, key: ruleKey(policy.name, rule.name),
      count: { policy: policy.name, rule: rule.name, evaluations: 0, errors: 0 } })),
  }));
  const hasExceptions = ctx.set.exceptions.length > 0;
  const scratch: Transition[] = [];
  for (const input of inputs) {
    const vars: CelVars = { container: ctx.containerValue(input.spec), sample: input.sample };
    const cursor: Cursor = { input, vars, instances: ctx.table.ofContainer(input.id), scratch };
    const identity = { name: input.name, labels: input.spec.labels };
    for (const { policy, rules } of byPolicy) {
      const applies = matchSkipReason(policy, vars) === undefined;
      for (const entry of rules) {
        const exempt = applies && hasExceptions
          && findException(ctx.set.exceptions, policy.name, entry.rule.name, identity, ctx.now) !== undefined;
        const decision = evaluateOne(ctx, entry, cursor, applies && !exempt);
        if (decision) decisions.push(decision);
      }
    }
  }
  const dropped = ctx.table.retain(new Set(inputs.map((i) => i.id)));
  const changed = dropped || decisions.some((d) => d.transitions.length > 0);
  return { decisions, counts: byPolicy.flatMap((p) => p.rules.map((r) => r.count)), changed };
}

function evaluateOne(ctx: TickContext, entry: RuleEntry, cursor: Cursor, applies: boolean): RuntimeDecision | undefined {
  const { rule, key, count } = entry;
  const { input, vars, scratch } = cursor;
  // The container's map is fetched once per tick; a setByKey below may create it (then it is
  // only read again next tick) and never changes an entry another rule of this tick reads.
  const prev = cursor.instances?.get(key) ?? newInstance();
  let holds = false;
  if (applies) {
    count.evaluations++;
    try {
      holds = rule.condition.evaluate(vars) === true;
    } catch (err) {
      count.errors++;
      const error = evaluationError(err);
      const instance = stepError(prev, error);
      ctx.table.setByKey(input.id, key, instance);
      if (prev.lastError === error) return undefined; // reported when it started
      return decision(entry, input, [], instance, `condition failed: ${error}`, error);
    }
  }
  if (scratch.length !== 0) scratch.length = 0; // setting length is a runtime call: only when needed
  const next = step(prev, holds, input.time, rule, scratch);
  if (next !== prev) ctx.table.setByKey(input.id, key, next);
  if (scratch.length === 0) return undefined;
  const transitions = scratch.slice();
  const fallback = `${rule.condition.source} held${rule.forMs > 0 ? ` for ${formatDuration(rule.forMs)}` : ''}`;
  return decision(entry, input, transitions, next, violationMessage(rule, vars, fallback));
}

function decision(entry: RuleEntry, input: RuntimeInput, transitions: Transition[], instance: AlertInstance,
  message: string, error?: string): RuntimeDecision {
  return { policy: entry.policy, rule: entry.rule, containerId: input.id, containerName: input.name, transitions, instance, message, error };
}
