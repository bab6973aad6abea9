// Wiring: the rule set in force (loaded, watched, swapped atomically on a good reload), the
// admission hook, the runtime evaluation on every sampler tick, and the side effects of each
// decision: an event, an audit line, metrics, and for firing rules in enforce mode the action.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { BerthError } from '../errors.js';
import type { EventBus } from '../events/index.js';
import type { AdmissionRequest, AdmitHook, ContainerInfo, ResolvedSpec, Runtime } from '../runtime/types.js';
import type { SampleTick, SnapshotStore } from '../sampler/types.js';
import { runAction } from './actions.js';
import { AlertStore, restoreAlerts } from './alert-store.js';
import { denialMessage, evaluateAdmission, type AdmissionOutcome } from './admission.js';
import { createAuditLog } from './audit.js';
import { createCelEnv, type CelEnv, type CelValue } from './cel.js';
import { listPolicyFiles, loadPolicyFiles } from './load.js';
import { createPolicyMetrics, type PolicyMetrics } from './metrics.js';
import { buildReport, type PolicyReport } from './report.js';
import { AlertTable, ruleKey } from './runtime.js';
import { evaluateRuntimeTick, type RuntimeDecision, type RuntimeInput } from './runtime-eval.js';
import { emptyPolicySet, type PolicySet } from './schema.js';
import { summariseExceptions, summarisePolicies, type PolicyStatus } from './summary.js';
import { watchFolder, type FolderWatch } from './watch.js';

export interface PolicyEngineOptions {
  rulesDir?: string;             // absent: no rules, everything is admitted
  events: EventBus;
  runtime?: Runtime;
  store?: SnapshotStore;
  stateDir?: string;             // audit.log goes here
  logger: Logger;
  clock?: () => number;
  watch?: boolean;               // default true when rulesDir is set
  debounceMs?: number;
}

/** Parts that may be created after the engine (the runtime needs the engine's admit hook). */
export interface EngineParts { runtime?: Runtime; store?: SnapshotStore }

export interface ReloadResult { ok: boolean; changed: boolean; error?: string }

export interface PolicyEngine {
  admit: AdmitHook;
  /** Dry run: what admission would decide, without events, audit or metrics. */
  evaluate(spec: ResolvedSpec): AdmissionOutcome;
  /** Loads the rules (throws if they do not load), starts watching and evaluating samples. */
  start(parts?: EngineParts): Promise<void>;
  stop(): Promise<void>;
  reload(): ReloadResult;
  report(): PolicyReport;
  policies(): PolicyStatus;
  readonly metrics: PolicyMetrics;
}

export function createPolicyEngine(opts: PolicyEngineOptions): PolicyEngine {
  return new Engine(opts);
}

class Engine implements PolicyEngine {
  readonly metrics = createPolicyMetrics();
  private readonly cel: CelEnv = createCelEnv();
  private readonly table = new AlertTable();
  /** Saves pending and firing alerts across restarts; set once they were restored at start. */
  private alertStore?: AlertStore;
  private readonly clock: () => number;
  private readonly audit;
  private readonly containerValues = new WeakMap<ResolvedSpec, CelValue>();
  private set: PolicySet = emptyPolicySet();
  private fingerprint = '';
  private lastError?: string;
  private unsubscribe?: () => void;
  private watcher?: FolderWatch;
  private runtime?: Runtime;

  constructor(private readonly opts: PolicyEngineOptions) {
    this.clock = opts.clock ?? Date.now;
    this.runtime = opts.runtime;
    this.audit = createAuditLog(opts.stateDir, opts.logger, this.clock);
  }

  readonly admit: AdmitHook = async (spec, request = { operation: 'create' }) => {
    const started = process.hrtime.bigint();
    const exec = 'process' in request ? { operation: request.operation, ...request.process } : undefined;
    const outcome = evaluateAdmission(this.set, this.cel, spec, this.clock(), exec);
    this.metrics.admissionDuration.observe(Number(process.hrtime.bigint() - started) / 1e9);
    this.recordAdmission(spec, outcome, request);
    if (outcome.denied) {
      throw new BerthError('POLICY_DENIED', denialMessage(outcome.violations), { violations: outcome.violations });
    }
    return { warnings: outcome.warnings };
  };

  evaluate(spec: ResolvedSpec): AdmissionOutcome {
    return evaluateAdmission(this.set, this.cel, spec, this.clock());
  }

  async start(parts: EngineParts = {}): Promise<void> {
    this.runtime = parts.runtime ?? this.runtime;
    const store = parts.store ?? this.opts.store;
    const { rulesDir } = this.opts;
    if (rulesDir) {
      const first = this.reload();
      // No last good set to fall back on at startup: refuse to run with rules that do not load.
      if (!first.ok) throw new BerthError('INVALID_POLICY', `load rules from ${rulesDir}:\n${first.error}`);
      if (this.opts.watch ?? true) {
        this.watcher = watchFolder(rulesDir, this.opts.debounceMs ?? 150, () => this.reload(), this.opts.logger);
      }
    } else {
      // No rules folder: the empty policy is in force, which is not a failed load (an alert on
      // `berth_policy_last_reload_successful == 0` must not fire on a host that runs without policy).
      this.metrics.lastReloadSuccess.set(1);
    }
    this.updateRuleGauges();
    this.loadSavedAlerts();
    this.unsubscribe = store?.subscribe((tick) => this.onTick(tick));
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.watcher?.close();
    this.alertStore?.save(this.table, this.clock()); // the outage is measured from now
    await this.alertStore?.flush();
  }

  /** The alerts pending or firing when the last agent stopped or crashed (alert-store.ts). */
  private loadSavedAlerts(): void {
    if (!this.opts.stateDir) return;
    this.alertStore = new AlertStore(this.opts.stateDir, this.opts.logger);
    const saved = this.alertStore.load();
    if (!saved) return;
    const ruleKeys = new Set(this.set.policies.flatMap((p) => p.runtime.map((r) => ruleKey(p.name, r.name))));
    const restored = restoreAlerts(this.table, saved, this.clock(), ruleKeys);
    if (restored > 0) this.opts.logger.info(`policy: restored ${restored} pending or firing alerts`);
    this.updateAlertGauges();
  }

  reload(): ReloadResult {
    const dir = this.opts.rulesDir;
    if (!dir) return { ok: true, changed: false };
    try {
      const files = listPolicyFiles(dir);
      const fingerprint = fingerprintOf(files);
      if (fingerprint === this.fingerprint && this.lastError === undefined) return { ok: true, changed: false };
      const set = loadPolicyFiles(files, this.cel, this.clock());
      this.swap(set, fingerprint);
      return { ok: true, changed: true };
    } catch (err) {
      return this.rejectReload(dir, err);
    }
  }

  private swap(set: PolicySet, fingerprint: string): void {
    this.set = set;
    this.fingerprint = fingerprint;
    this.lastError = undefined;
    this.table.retainRules(new Set(set.policies.flatMap((p) => p.runtime.map((r) => `${p.name}/${r.name}`))));
    this.metrics.lastReloadSuccess.set(1);
    this.updateRuleGauges();
    const summary = `${set.policies.length} policies, ${set.exceptions.length} exceptions from ${set.files.length} files`;
    this.opts.events.emit('policy.loaded', `loaded ${summary}`, { data: { files: set.files, policies: set.policies.map((p) => p.name) } });
    this.audit.write({ kind: 'load', ok: true, files: set.files, policies: set.policies.map((p) => p.name) });
    this.opts.logger.info({ files: set.files }, `policy: loaded ${summary}`);
    for (const warning of set.warnings) this.opts.logger.warn(`policy: ${warning}`);
  }

  private rejectReload(dir: string, err: unknown): ReloadResult {
    const message = (err as Error).message;
    this.lastError = message;
    this.metrics.loadErrors.inc();
    this.metrics.lastReloadSuccess.set(0);
    const kept = `keeping the last good set (${this.set.policies.length} policies)`;
    this.opts.events.emit('policy.rejected', `rules in ${dir} rejected, ${kept}: ${message}`,
      { data: { errors: err instanceof BerthError ? err.details?.errors : undefined, message } });
    this.audit.write({ kind: 'load', ok: false, dir, error: message });
    this.opts.logger.warn(`policy: rules in ${dir} rejected, ${kept}:\n${message}`);
    return { ok: false, changed: false, error: message };
  }

  report(): PolicyReport {
    const containers = this.runtime?.list(true) ?? [];
    return buildReport(this.set, this.cel, this.table, containers, this.clock());
  }

  policies(): PolicyStatus {
    return {
      rulesDir: this.opts.rulesDir, files: this.set.files,
      loadedAt: this.set.loadedAt ? new Date(this.set.loadedAt).toISOString() : undefined,
      lastError: this.lastError, warnings: this.set.warnings, policies: summarisePolicies(this.set), exceptions: summariseExceptions(this.set.exceptions, this.clock()),
    };
  }

  private containerValue = (spec: ResolvedSpec): CelValue => {
    let v = this.containerValues.get(spec);
    if (!v) this.containerValues.set(spec, (v = this.cel.container(spec)));
    return v;
  };

  private onTick(tick: SampleTick): void {
    if (!this.set.policies.some((p) => p.runtime.length > 0)) return;
    const infos = new Map<string, ContainerInfo>((this.runtime?.list() ?? []).map((c) => [c.id, c]));
    const inputs: RuntimeInput[] = [];
    for (const sample of tick.samples) {
      const info = infos.get(sample.id);
      if (info) inputs.push({ id: info.id, name: info.name, spec: info.spec, sample: this.cel.sample(sample, info.health), time: sample.time });
    }
    const result = evaluateRuntimeTick({ set: this.set, cel: this.cel, table: this.table, containerValue: this.containerValue, now: this.clock() }, inputs);
    for (const c of result.counts) {
      if (c.evaluations) this.metrics.evaluations.inc({ policy: c.policy, rule: c.rule, phase: 'runtime' }, c.evaluations);
      if (c.errors) this.metrics.evaluationErrors.inc({ policy: c.policy, rule: c.rule, phase: 'runtime' }, c.errors);
    }
    for (const d of result.decisions) this.recordRuntime(d);
    const active = this.updateAlertGauges();
    this.alertStore?.maybeSave(this.table, this.clock(), result.changed, active);
  }

  private recordAdmission(spec: ResolvedSpec, outcome: AdmissionOutcome, request: AdmissionRequest): void {
    const { operation, containerId } = request;
    const phase = 'process' in request ? 'exec' : 'admission';
    for (const r of outcome.results) {
      if (r.result === 'skip') continue;
      this.metrics.evaluations.inc({ policy: r.policy, rule: r.rule, phase });
      if (r.result === 'error') this.metrics.evaluationErrors.inc({ policy: r.policy, rule: r.rule, phase });
    }
    for (const v of outcome.violations) this.metrics.violations.inc({ policy: v.policy, rule: v.rule, enforcement: v.enforcement });
    if (outcome.denied) this.metrics.denials.inc({ operation });
    // An exec's command and user are what an auditor asks about first (in the audit line and the
    // events alike); its environment may hold secrets.
    const who = 'process' in request ? { command: request.process.command, user: request.process.user, tty: request.process.tty } : {};
    this.audit.write({ kind: 'admission', operation, containerId, container: spec.name, image: spec.image, ...who, allowed: !outcome.denied,
      violations: outcome.violations, warnings: outcome.warnings });
    const fields = { containerId, containerName: spec.name || undefined };
    const byMode = (mode: string) => outcome.violations.filter((v) => v.enforcement === mode);
    if (outcome.denied) this.opts.events.emit('policy.denied', denialMessage(outcome.violations), { ...fields, data: { operation, ...who, violations: byMode('enforce') } });
    const warned = byMode('warn');
    if (warned.length) this.opts.events.emit('policy.warned', outcome.warnings.join('; '), { ...fields, data: { operation, ...who, violations: warned } });
    const audited = byMode('audit');
    if (audited.length) {
      this.opts.events.emit('policy.audited', audited.map((v) => `${v.policy}/${v.rule}: ${v.message}`).join('; '),
        { ...fields, data: { operation, ...who, violations: audited } });
    }
  }

  private recordRuntime(d: RuntimeDecision): void {
    const base = { policy: d.policy.name, rule: d.rule.name, enforcement: d.policy.enforcement, action: d.rule.action };
    const fields = { containerId: d.containerId, containerName: d.containerName };
    if (d.error !== undefined) {
      this.opts.logger.warn({ ...base, ...fields }, `policy ${base.policy}/${base.rule}: ${d.message}`);
      this.audit.write({ kind: 'runtime', ...base, ...fields, error: d.error });
      return;
    }
    for (const t of d.transitions) {
      this.audit.write({ kind: 'runtime', ...base, ...fields, from: t.from, to: t.to, message: d.message });
      if (t.to === 'inactive') continue; // a pending alert whose condition cleared is dropped silently
      const kind = t.to === 'pending' ? 'policy.pending' : t.to === 'firing' ? 'policy.firing' : 'policy.resolved';
      this.opts.events.emit(kind, `${base.policy}/${base.rule} ${t.to}: ${d.message}`, { ...fields, data: { ...base, from: t.from, to: t.to } });
      if (t.to === 'firing') {
        this.metrics.firings.inc({ policy: base.policy, rule: base.rule });
        void this.act(d);
      }
    }
  }

  private async act(d: RuntimeDecision): Promise<void> {
    const enforcement = d.policy.enforcement;
    // warn: the firing event is the alert; audit: only recorded. Only enforce acts.
    const action = enforcement === 'enforce' ? d.rule.action : 'alert';
    const result = enforcement === 'audit' && d.rule.action !== 'alert'
      ? { outcome: 'skipped' as const, detail: `audit mode: would ${d.rule.action}` }
      : await runAction(this.runtime, { action, containerId: d.containerId, policy: d.policy.name, rule: d.rule.name,
        message: d.message, throttleCpus: d.rule.throttleCpus });
    const labels = { policy: d.policy.name, rule: d.rule.name, action, outcome: result.outcome };
    this.metrics.actions.inc(labels);
    this.audit.write({ kind: 'action', ...labels, containerId: d.containerId, containerName: d.containerName, detail: result.detail });
    this.opts.events.emit('policy.action', `${d.policy.name}/${d.rule.name}: ${action} ${result.outcome}: ${result.detail}`,
      { containerId: d.containerId, containerName: d.containerName, data: { ...labels, detail: result.detail } });
    if (result.outcome === 'error') this.opts.logger.error(labels, `policy action failed: ${result.detail}`);
  }

  private updateRuleGauges(): void {
    this.metrics.rulesLoaded.set({ phase: 'admission' }, this.set.policies.reduce((n, p) => n + p.admission.length, 0));
    this.metrics.rulesLoaded.set({ phase: 'exec' }, this.set.policies.reduce((n, p) => n + p.exec.length, 0));
    this.metrics.rulesLoaded.set({ phase: 'runtime' }, this.set.policies.reduce((n, p) => n + p.runtime.length, 0));
  }

  /** Returns whether any alert is pending or firing. */
  private updateAlertGauges(): boolean {
    this.metrics.alerts.reset();
    const active = this.table.countActive();
    for (const c of active) this.metrics.alerts.set({ policy: c.policy, rule: c.rule, state: c.state }, c.count);
    return active.length > 0;
  }
}

function fingerprintOf(files: string[]): string {
  const hash = createHash('sha256');
  for (const f of files) {
    hash.update(f).update('\0');
    try { hash.update(readFileSync(f)); } catch { hash.update('<unreadable>'); /* the load reports it with its path */ }
  }
  return hash.digest('hex');
}
