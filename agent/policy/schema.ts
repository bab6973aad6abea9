// Typed policy documents, as load.ts produces them from rules/*.yaml. Shapes:
//
//   apiVersion: berth.dev/v1
//   kind: Policy
//   metadata: { name, description? }
//   spec:
//     enforcement: enforce | warn | audit        (default enforce)
//     failurePolicy: Fail | Ignore               (an expression that errors: violation | skip; default Fail)
//     match: <CEL bool over container>           (optional; false = policy skipped)
//     admission: [{ name, expression, message? | messageExpression?, enforcement? }]
//     exec:      [{ name, expression, message? | messageExpression?, enforcement? }]   (over container + request:
//                an exec into, or an attach to, a running container; same shape as admission rules)
//     runtime:   [{ name, condition, for?, keepFiringFor?, action?, throttleCpus?, message?, severity? }]
//
//   kind: PolicyException
//   metadata: { name }
//   spec: { policy, rules?: [names] (empty = all), containers?: [names], labels?: {k: v}, reason, expiresAt? }
//
// Runtime rules and enforcement: enforce runs the action; warn only alerts (event, metric);
// audit only records (audit line) — a way to try a kill rule without killing.
import type { CelProgram } from './cel.js';

export const API_VERSION = 'berth.dev/v1';
export const ENFORCEMENTS = ['enforce', 'warn', 'audit'] as const;
export type Enforcement = (typeof ENFORCEMENTS)[number];
export const ACTIONS = ['alert', 'throttle', 'pause', 'kill'] as const;
export type ActionKind = (typeof ACTIONS)[number];
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];
export type FailurePolicy = 'Fail' | 'Ignore';

/** Where a document or field came from, for messages: `rules/foo.yaml:12:5`. */
export interface SourcePos { file: string; line: number; col: number }

export interface AdmissionRule {
  name: string;
  expression: CelProgram;
  message?: string;
  messageExpression?: CelProgram;
  enforcement: Enforcement;
  severity: Severity;
  pos: SourcePos;
}

export interface RuntimeRule {
  name: string;
  condition: CelProgram;
  forMs: number;
  keepFiringForMs: number;
  action: ActionKind;
  throttleCpus?: number;        // required for action: throttle
  message?: string;
  messageExpression?: CelProgram;
  severity: Severity;
  pos: SourcePos;
}

export interface Policy {
  name: string;
  description: string;
  enforcement: Enforcement;
  failurePolicy: FailurePolicy;
  match?: CelProgram;
  admission: AdmissionRule[];
  /** Admission of an exec or attach (CEL scope `exec`: `container` + `request`). */
  exec: AdmissionRule[];
  runtime: RuntimeRule[];
  pos: SourcePos;
}

export interface PolicyException {
  name: string;
  policy: string;
  rules: string[];               // empty = every rule of the policy
  containers: string[];          // container names; empty and no labels = every container
  labels: Record<string, string>;// all must match
  reason: string;
  expiresAt?: number;            // ms since epoch; expired exceptions are ignored
  pos: SourcePos;
}

export interface PolicySet {
  policies: Policy[];
  exceptions: PolicyException[];
  files: string[];
  loadedAt: number;
  /** Load-time warnings (cel-lint.ts), formatted as `file:line:col: path: message`. */
  warnings: string[];
}

export function emptyPolicySet(): PolicySet {
  return { policies: [], exceptions: [], files: [], loadedAt: 0, warnings: [] };
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Prometheus-style durations: "0", "500ms", "5s", "1m30s", "2h". Returns undefined when invalid. */
export function parseDuration(text: string): number | undefined {
  if (text === '0') return 0;
  const re = /(\d+)(ms|s|m|h|d)/y;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * UNIT_MS[m[2]];
    matched = re.lastIndex;
  }
  return matched === text.length && matched > 0 ? total : undefined;
}

export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms % 1000 !== 0) return `${ms}ms`;
  const s = ms / 1000;
  if (s % 3600 === 0) return `${s / 3600}h`;
  if (s % 60 === 0) return `${s / 60}m`;
  return `${s}s`;
}
