// The policy folder's public face: the engine for daemon.ts, and the pure pieces the CLI
// (`berth policy check|test`) and the API plugin use.
export { createPolicyEngine } from './engine.js';
export type { EngineParts, PolicyEngine, PolicyEngineOptions, ReloadResult } from './engine.js';
export { createCelEnv, CelCompileError } from './cel.js';
export type { CelEnv } from './cel.js';
export { loadPolicyDir, loadPolicyFiles, listPolicyFiles, PolicyLoadError } from './load.js';
export { evaluateAdmission, denialMessage } from './admission.js';
export type { AdmissionOutcome, RuleResult, ResultValue } from './admission.js';
export type { PolicyReport, ContainerReport, ReportResult } from './report.js';
export type { PolicyStatus, PolicySummary } from './summary.js';
export type { PolicyMetrics } from './metrics.js';
export { runSuiteFile, findSuiteFiles } from './suite.js';
export type { SuiteResult, CaseResult } from './suite.js';
