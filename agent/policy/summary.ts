// The JSON view of the rules in force (GET /v1/policies, `berth policy ls`).
import { isExpired } from './exceptions.js';
import { formatDuration, type AdmissionRule, type PolicyException, type PolicySet } from './schema.js';

export interface PolicySummary {
  name: string;
  description: string;
  file: string;
  enforcement: string;
  failurePolicy: string;
  match?: string;
  admission: RuleSummary[];
  exec: RuleSummary[];
  runtime: Array<{ name: string; condition: string; for: string; keepFiringFor: string; action: string; throttleCpus?: number; severity: string }>;
}

export interface RuleSummary { name: string; expression: string; message?: string; enforcement: string; severity: string }

export interface ExceptionSummary {
  name: string; policy: string; rules: string[]; containers: string[]; labels: Record<string, string>;
  reason: string; expiresAt?: string; expired: boolean; file: string;
}

export interface PolicyStatus {
  rulesDir?: string;
  files: string[];
  loadedAt?: string;
  lastError?: string;
  /** Load-time warnings of the rules in force (`file:line:col: path: message`). */
  warnings: string[];
  policies: PolicySummary[];
  exceptions: ExceptionSummary[];
}

export function summarisePolicies(set: PolicySet): PolicySummary[] {
  return set.policies.map((p) => ({
    name: p.name, description: p.description, file: p.pos.file, enforcement: p.enforcement,
    failurePolicy: p.failurePolicy, match: p.match?.source,
    admission: p.admission.map(summariseRule),
    exec: p.exec.map(summariseRule),
    runtime: p.runtime.map((r) => ({ name: r.name, condition: r.condition.source, for: formatDuration(r.forMs),
      keepFiringFor: formatDuration(r.keepFiringForMs), action: r.action, throttleCpus: r.throttleCpus, severity: r.severity })),
  }));
}

function summariseRule(r: AdmissionRule): RuleSummary {
  return { name: r.name, expression: r.expression.source, message: r.message, enforcement: r.enforcement, severity: r.severity };
}

export function summariseExceptions(exceptions: readonly PolicyException[], now: number): ExceptionSummary[] {
  return exceptions.map((e) => ({
    name: e.name, policy: e.policy, rules: e.rules, containers: e.containers, labels: e.labels, reason: e.reason,
    expiresAt: e.expiresAt === undefined ? undefined : new Date(e.expiresAt).toISOString(),
    expired: isExpired(e, now), file: e.pos.file,
  }));
}
