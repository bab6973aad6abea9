// Admission, pure: a ResolvedSpec and a PolicySet → one result per (policy, rule) and the
// outcome (denied by enforce violations, warnings from warn violations, audit-only records).
// With a request (an exec into the container, or an attach to it), the policies' exec rules are
// evaluated instead of their admission rules; `match` and exceptions apply to both alike.
// Expressions that fail to evaluate follow the policy's failurePolicy (Fail = a violation,
// Ignore = skipped), like ValidatingAdmissionPolicy.
import type { AdmissionViolation, AdmittedProcess, ResolvedSpec } from '../runtime/types.js';
import type { CelEnv, CelProgram, CelVars } from './cel.js';
import { findException } from './exceptions.js';
import type { AdmissionRule, Enforcement, Policy, PolicySet, Severity } from './schema.js';

/** OpenReports result values. */
export type ResultValue = 'pass' | 'fail' | 'warn' | 'error' | 'skip';

export interface RuleResult {
  policy: string;
  rule: string;
  result: ResultValue;
  enforcement: Enforcement;
  severity: Severity;
  message: string;
  exception?: string;           // the exception that made this a skip
}

export interface AdmissionOutcome {
  results: RuleResult[];
  violations: AdmissionViolation[];  // every failed rule, whatever its enforcement
  denied: boolean;                   // any enforce violation
  warnings: string[];                // "policy/rule: message" per warn violation
}

/** An exec or attach, as exec rules see it (`request`). */
export interface ExecRequest extends AdmittedProcess { operation: 'exec' | 'attach' }

export function evaluateAdmission(set: PolicySet, cel: CelEnv, spec: ResolvedSpec, now: number, request?: ExecRequest): AdmissionOutcome {
  const vars: CelVars = { container: cel.container(spec) };
  if (request) vars.request = cel.request({ ...request });
  const identity = { name: spec.name, labels: spec.labels };
  const results: RuleResult[] = [];
  for (const policy of set.policies) {
    const rules = request ? policy.exec : policy.admission;
    if (rules.length === 0) continue;
    const skipReason = matchSkipReason(policy, vars);
    for (const rule of rules) {
      const exception = findException(set.exceptions, policy.name, rule.name, identity, now);
      if (skipReason !== undefined) results.push(result(policy, rule, 'skip', skipReason));
      else if (exception) results.push({ ...result(policy, rule, 'skip', `exempt by ${exception.name}: ${exception.reason}`), exception: exception.name });
      else results.push(evaluateRule(policy, rule, vars));
    }
  }
  return outcome(results);
}

/** undefined when the policy applies to this container; else why it is skipped. */
export function matchSkipReason(policy: Policy, vars: CelVars): string | undefined {
  if (!policy.match) return undefined;
  const matched = safeEvaluate(policy.match, vars);
  if (matched.error) return policy.failurePolicy === 'Ignore' ? `match failed: ${matched.error}` : undefined;
  return matched.value === true ? undefined : 'match is false';
}

function evaluateRule(policy: Policy, rule: AdmissionRule, vars: CelVars): RuleResult {
  const evaluated = safeEvaluate(rule.expression, vars);
  if (evaluated.error !== undefined) {
    const message = `expression failed: ${evaluated.error}`;
    return result(policy, rule, policy.failurePolicy === 'Ignore' ? 'skip' : 'error', message);
  }
  if (evaluated.value === true) return result(policy, rule, 'pass', '');
  return result(policy, rule, rule.enforcement === 'warn' ? 'warn' : 'fail', violationMessage(rule, vars, `failed expression: ${rule.expression.source}`));
}

/** messageExpression, else message, else `fallback` (ValidatingAdmissionPolicy's order). */
export function violationMessage(rule: { message?: string; messageExpression?: CelProgram }, vars: CelVars,
  fallback: string): string {
  if (rule.messageExpression) {
    const m = safeEvaluate(rule.messageExpression, vars);
    if (typeof m.value === 'string' && m.value.trim() !== '') return m.value.trim().replace(/\s*\n\s*/g, ' ');
  }
  return rule.message ?? fallback;
}

function result(policy: Policy, rule: AdmissionRule, value: ResultValue, message: string): RuleResult {
  return { policy: policy.name, rule: rule.name, result: value, enforcement: rule.enforcement, severity: rule.severity, message };
}

export function safeEvaluate(program: CelProgram, vars: CelVars): { value?: unknown; error?: string } {
  try {
    return { value: program.evaluate(vars) };
  } catch (err) {
    return { error: evaluationError(err) };
  }
}

/** The first line of a CEL evaluation error: what events, audit lines and reports show. */
export function evaluationError(err: unknown): string {
  return String((err as Error).message ?? err).split('\n')[0];
}

function outcome(results: RuleResult[]): AdmissionOutcome {
  const violations: AdmissionViolation[] = results
    .filter((r) => r.result === 'fail' || r.result === 'warn' || r.result === 'error')
    .map((r) => ({ policy: r.policy, rule: r.rule, message: r.message, enforcement: r.enforcement }));
  return {
    results,
    violations,
    denied: violations.some((v) => v.enforcement === 'enforce'),
    warnings: violations.filter((v) => v.enforcement === 'warn').map((v) => `${v.policy}/${v.rule}: ${v.message}`),
  };
}

/** "denied by policy: p/r: message; p2/r2: message" — what the CLI prints and the API returns. */
export function denialMessage(violations: AdmissionViolation[]): string {
  const enforced = violations.filter((v) => v.enforcement === 'enforce');
  return `denied by policy: ${enforced.map((v) => `${v.policy}/${v.rule}: ${v.message}`).join('; ')}`;
}
