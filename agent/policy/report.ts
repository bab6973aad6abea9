// Policy reports per container, in the spirit of Kubernetes / OpenReports policy reports:
// the current state only, one result per (policy, rule), summarised as pass/fail/warn/error/skip.
// Admission results re-evaluate the container's spec against the rules in force now (like a
// background scan); runtime results come from the alert table.
import type { ContainerInfo } from '../runtime/types.js';
import { evaluateAdmission, matchSkipReason, type ResultValue } from './admission.js';
import type { CelEnv } from './cel.js';
import { findException } from './exceptions.js';
import type { AlertInstance, AlertTable } from './runtime.js';
import type { Policy, PolicySet, RuntimeRule, Severity } from './schema.js';

export interface ReportResult {
  policy: string;
  rule: string;
  phase: 'admission' | 'runtime';
  result: ResultValue;
  severity: Severity;
  message: string;
  state?: AlertInstance['state'];
  since?: string;              // ISO time the current runtime state began
}

export type Summary = Record<ResultValue, number>;

export interface ContainerReport { id: string; name: string; image: string; status: string; summary: Summary; results: ReportResult[] }

export interface PolicyReport {
  apiVersion: 'berth.dev/v1';
  kind: 'PolicyReport';
  generatedAt: string;
  summary: Summary;
  containers: ContainerReport[];
}

export function emptySummary(): Summary {
  return { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 };
}

export function buildReport(set: PolicySet, cel: CelEnv, table: AlertTable, containers: readonly ContainerInfo[], now: number): PolicyReport {
  const reports = containers.map((c) => containerReport(set, cel, table, c, now));
  const summary = emptySummary();
  for (const r of reports) for (const k of Object.keys(summary) as ResultValue[]) summary[k] += r.summary[k];
  return { apiVersion: 'berth.dev/v1', kind: 'PolicyReport', generatedAt: new Date(now).toISOString(), summary, containers: reports };
}

function containerReport(set: PolicySet, cel: CelEnv, table: AlertTable, c: ContainerInfo, now: number): ContainerReport {
  const results: ReportResult[] = evaluateAdmission(set, cel, c.spec, now).results
    .map((r) => ({ policy: r.policy, rule: r.rule, phase: 'admission' as const, result: r.result, severity: r.severity, message: r.message }));
  const vars = { container: cel.container(c.spec) };
  for (const policy of set.policies) {
    const skip = matchSkipReason(policy, vars);
    for (const rule of policy.runtime) results.push(runtimeResult(set, table, policy, rule, c, skip, now));
  }
  const summary = emptySummary();
  for (const r of results) summary[r.result]++;
  return { id: c.id, name: c.name, image: c.spec.image, status: c.status, summary, results };
}

function runtimeResult(set: PolicySet, table: AlertTable, policy: Policy, rule: RuntimeRule, c: ContainerInfo,
  skip: string | undefined, now: number): ReportResult {
  const base = { policy: policy.name, rule: rule.name, phase: 'runtime' as const, severity: rule.severity };
  if (skip) return { ...base, result: 'skip', message: skip };
  const exception = findException(set.exceptions, policy.name, rule.name, { name: c.name, labels: c.spec.labels }, now);
  if (exception) return { ...base, result: 'skip', message: `exempt by ${exception.name}: ${exception.reason}` };
  if (c.status !== 'running' && c.status !== 'paused') return { ...base, result: 'skip', message: `container is ${c.status}` };
  const instance = table.get(policy.name, rule.name, c.id);
  if (instance.lastError) return { ...base, result: 'error', message: `condition failed: ${instance.lastError}`, state: instance.state };
  const since = iso(instance.state === 'firing' ? instance.firedAt : instance.state === 'pending' ? instance.activeAt : instance.resolvedAt);
  switch (instance.state) {
    case 'firing':
      return { ...base, result: policy.enforcement === 'warn' ? 'warn' : 'fail', message: `firing (${rule.action})`, state: 'firing', since };
    case 'pending':
      return { ...base, result: 'warn', message: 'pending: the condition holds, not yet for long enough', state: 'pending', since };
    default:
      return { ...base, result: 'pass', message: '', state: instance.state, since };
  }
}

function iso(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}
