// berth_policy_* metrics. Created unregistered; the metrics registry (or daemon.ts) calls
// `register(registry)` — nothing registers itself on import or in the global registry.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface PolicyMetrics {
  evaluations: Counter<'policy' | 'rule' | 'phase'>;
  evaluationErrors: Counter<'policy' | 'rule' | 'phase'>;
  violations: Counter<'policy' | 'rule' | 'enforcement'>;
  denials: Counter<'operation'>;
  firings: Counter<'policy' | 'rule'>;
  actions: Counter<'policy' | 'rule' | 'action' | 'outcome'>;
  loadErrors: Counter;
  lastReloadSuccess: Gauge;
  rulesLoaded: Gauge<'phase'>;
  alerts: Gauge<'policy' | 'rule' | 'state'>;
  admissionDuration: Histogram;
  register(registry: Registry): void;
}

export function createPolicyMetrics(): PolicyMetrics {
  const metrics = {
    evaluations: new Counter({ name: 'berth_policy_evaluations_total', help: 'Rule evaluations, by policy, rule and phase (admission, exec or runtime).', labelNames: ['policy', 'rule', 'phase'] as const, registers: [] }),
    evaluationErrors: new Counter({ name: 'berth_policy_evaluation_errors_total', help: 'Rule evaluations that failed with a CEL error.', labelNames: ['policy', 'rule', 'phase'] as const, registers: [] }),
    violations: new Counter({ name: 'berth_policy_admission_violations_total', help: 'Admission and exec rules that failed, by enforcement (enforce, warn, audit).', labelNames: ['policy', 'rule', 'enforcement'] as const, registers: [] }),
    denials: new Counter({ name: 'berth_policy_denials_total', help: 'Requests denied by policy, by operation (create, update, exec, attach).', labelNames: ['operation'] as const, registers: [] }),
    firings: new Counter({ name: 'berth_policy_firings_total', help: 'Runtime rule instances that started firing.', labelNames: ['policy', 'rule'] as const, registers: [] }),
    actions: new Counter({ name: 'berth_policy_actions_total', help: 'Actions run by firing runtime rules, by outcome (ok, error, skipped).', labelNames: ['policy', 'rule', 'action', 'outcome'] as const, registers: [] }),
    loadErrors: new Counter({ name: 'berth_policy_load_errors_total', help: 'Policy (re)loads rejected because a file was invalid.', registers: [] }),
    lastReloadSuccess: new Gauge({ name: 'berth_policy_last_reload_successful', help: 'Whether the last policy (re)load succeeded (1) or was rejected (0).', registers: [] }),
    rulesLoaded: new Gauge({ name: 'berth_policy_rules', help: 'Rules in force, by phase.', labelNames: ['phase'] as const, registers: [] }),
    alerts: new Gauge({ name: 'berth_policy_alerts', help: 'Runtime rule instances by state (pending, firing).', labelNames: ['policy', 'rule', 'state'] as const, registers: [] }),
    admissionDuration: new Histogram({ name: 'berth_policy_admission_duration_seconds', help: 'Time to evaluate every admission (or exec) rule for one request.', buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.01, 0.05], registers: [] }),
  };
  return {
    ...metrics,
    register(registry: Registry) {
      for (const m of Object.values(metrics)) registry.registerMetric(m);
    },
  };
}
