// rules folder / files → a typed PolicySet. Every problem is reported as
// `rules/foo.yaml:12:5: spec.runtime[0].for: invalid duration "5x"`; a set with any problem is
// rejected as a whole (PolicyLoadError), so the caller keeps its last good set.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, parseAllDocuments, type Node } from 'yaml';
import { BerthError, isErrno } from '../errors.js';
import { CelCompileError, type CelEnv, type CelProgram, type CelResultType, type CelScope } from './cel.js';
import {
  ACTIONS, API_VERSION, ENFORCEMENTS, SEVERITIES, parseDuration,
  type AdmissionRule, type Enforcement, type Policy, type PolicyException, type PolicySet, type RuntimeRule,
} from './schema.js';
import { CONTAINER_SCHEMA } from './cel-schema.js';
import { unguardedKeyReads } from './cel-lint.js';
import { YamlReader, formatIssue, type LoadIssue } from './yaml-reader.js';

export class PolicyLoadError extends BerthError {
  constructor(readonly issues: LoadIssue[]) {
    super('INVALID_POLICY', sortIssues(issues).map(formatIssue).join('\n'), { errors: sortIssues(issues) });
  }
}

function sortIssues(issues: LoadIssue[]): LoadIssue[] {
  return [...issues].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
}

export interface ParsedFile { policies: Policy[]; exceptions: PolicyException[]; issues: LoadIssue[]; warnings: LoadIssue[] }

/** The policy files of a rules folder: its *.yaml / *.yml files (not sub-folders: examples/, tests/). */
export function listPolicyFiles(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    if (isErrno(err, 'ENOENT')) throw new BerthError('INVALID_CONFIG', `read rules folder ${dir}: no such directory`);
    throw new BerthError('INVALID_CONFIG', `read rules folder ${dir}: ${(err as Error).message}`, undefined, { cause: err });
  }
  return entries.filter((e) => e.isFile() && /\.ya?ml$/.test(e.name) && !e.name.startsWith('.'))
    .map((e) => join(dir, e.name)).sort();
}

export function loadPolicyDir(dir: string, cel: CelEnv, now = Date.now()): PolicySet {
  return loadPolicyFiles(listPolicyFiles(dir), cel, now);
}

export function loadPolicyFiles(files: string[], cel: CelEnv, now = Date.now()): PolicySet {
  const issues: LoadIssue[] = [];
  const warnings: LoadIssue[] = [];
  const policies: Policy[] = [];
  const exceptions: PolicyException[] = [];
  for (const file of files) {
    const parsed = parsePolicyText(readPolicyFile(file), file, cel);
    issues.push(...parsed.issues);
    warnings.push(...parsed.warnings);
    policies.push(...parsed.policies);
    exceptions.push(...parsed.exceptions);
  }
  issues.push(...crossCheck(policies, exceptions));
  if (issues.length > 0) throw new PolicyLoadError(issues);
  policies.sort((a, b) => a.name.localeCompare(b.name));
  return { policies, exceptions, files, loadedAt: now, warnings: sortIssues(warnings).map(formatIssue) };
}

function readPolicyFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const reason = isErrno(err, 'ENOENT') ? 'no such file' : (err as Error).message;
    throw new PolicyLoadError([{ file, line: 1, col: 1, path: '', message: `read: ${reason}` }]);
  }
}

export function parsePolicyText(text: string, file: string, cel: CelEnv): ParsedFile {
  const lines = new LineCounter();
  const reader = new YamlReader(file, text, lines);
  const out: ParsedFile = { policies: [], exceptions: [], issues: reader.issues, warnings: reader.warnings };
  for (const doc of parseAllDocuments(text, { lineCounter: lines, prettyErrors: false })) {
    if (doc.errors.length > 0) {
      for (const e of doc.errors) reader.issue(null, '', `YAML: ${e.message.split('\n')[0]}`, e.pos[0]);
      continue;
    }
    if (doc.contents === null) continue; // an empty document (a trailing `---`)
    parseDocument(reader, doc.contents as Node, cel, out);
  }
  return out;
}

function parseDocument(r: YamlReader, root: Node, cel: CelEnv, out: ParsedFile): void {
  const top = r.map(root, '', ['apiVersion', 'kind', 'metadata', 'spec']);
  if (!top) return;
  const apiVersion = r.string(top.get('apiVersion'), 'apiVersion', true);
  if (apiVersion !== undefined && apiVersion !== API_VERSION) {
    r.issue(top.get('apiVersion'), 'apiVersion', `must be ${API_VERSION}, got "${apiVersion}"`);
  }
  const kind = r.string(top.get('kind'), 'kind', true);
  const metadata = r.map(top.get('metadata') ?? rootMissing(r, root, 'metadata'), 'metadata', ['name', 'description', 'labels']);
  const name = metadata ? r.string(metadata.get('name'), 'metadata.name', true) : undefined;
  if (name !== undefined && !/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/.test(name)) {
    r.issue(metadata?.get('name'), 'metadata.name', `"${name}" must be lowercase letters, digits, '-' and '.'`);
  }
  const description = metadata ? r.string(metadata.get('description'), 'metadata.description', false) ?? '' : '';
  const spec = top.get('spec');
  if (spec === undefined) { r.issue(root, 'spec', 'is required'); return; }
  if (kind === 'Policy') {
    const policy = parsePolicySpec(r, spec, cel, name ?? '', description);
    if (policy) out.policies.push({ ...policy, pos: r.posOf(metadata?.get('name') ?? root) });
  } else if (kind === 'PolicyException') {
    const exception = parseException(r, spec, name ?? '');
    if (exception) out.exceptions.push(exception);
  } else if (kind !== undefined) {
    r.issue(top.get('kind'), 'kind', `must be Policy or PolicyException, got "${kind}"${kind === 'PolicyTest' ? ' (test suites run with `berth policy test`)' : ''}`);
  }
}

function rootMissing(r: YamlReader, root: Node, field: string): null {
  r.issue(root, field, 'is required');
  return null;
}

const POLICY_FIELDS = ['enforcement', 'failurePolicy', 'match', 'admission', 'exec', 'runtime'] as const;
const ADMISSION_FIELDS = ['name', 'expression', 'message', 'messageExpression', 'enforcement', 'severity'] as const;
const RUNTIME_FIELDS = ['name', 'condition', 'for', 'keepFiringFor', 'action', 'throttleCpus', 'message',
  'messageExpression', 'severity'] as const;

function parsePolicySpec(r: YamlReader, node: Node | null, cel: CelEnv, name: string, description: string): Policy | undefined {
  const spec = r.map(node, 'spec', POLICY_FIELDS);
  if (!spec) return undefined;
  const enforcement = r.oneOf(spec.get('enforcement'), 'spec.enforcement', ENFORCEMENTS, 'enforce');
  const failurePolicy = r.oneOf(spec.get('failurePolicy'), 'spec.failurePolicy', ['Fail', 'Ignore'] as const, 'Fail');
  const matchNode = spec.get('match');
  const match = matchNode ? expression(r, cel, matchNode, 'spec.match', 'admission', 'bool') : undefined;
  if (match && failurePolicy === 'Fail') warnUnguardedKeys(r, matchNode!, match);
  const admission = (r.seq(spec.get('admission'), 'spec.admission') ?? [])
    .map((n, i) => parseAdmissionRule(r, cel, n, `spec.admission[${i}]`, enforcement, 'admission'));
  const exec = (r.seq(spec.get('exec'), 'spec.exec') ?? [])
    .map((n, i) => parseAdmissionRule(r, cel, n, `spec.exec[${i}]`, enforcement, 'exec'));
  const runtime = (r.seq(spec.get('runtime'), 'spec.runtime') ?? [])
    .map((n, i) => parseRuntimeRule(r, cel, n, `spec.runtime[${i}]`));
  if (!spec.has('admission') && !spec.has('exec') && !spec.has('runtime')) r.issue(node, 'spec', 'needs admission, exec or runtime rules');
  const rules = [...admission, ...exec, ...runtime].filter((x): x is AdmissionRule | RuntimeRule => x !== undefined);
  reportDuplicateRuleNames(r, rules);
  return {
    name, description, enforcement, failurePolicy, match,
    admission: admission.filter((x): x is AdmissionRule => x !== undefined),
    exec: exec.filter((x): x is AdmissionRule => x !== undefined),
    runtime: runtime.filter((x): x is RuntimeRule => x !== undefined),
    pos: r.posOf(node),
  };
}

function reportDuplicateRuleNames(r: YamlReader, rules: Array<AdmissionRule | RuntimeRule>): void {
  const seen = new Set<string>();
  for (const rule of rules) {
    if (seen.has(rule.name)) {
      r.issues.push({ ...rule.pos, path: 'spec', message: `duplicate rule name "${rule.name}"` });
    }
    seen.add(rule.name);
  }
}

function ruleName(r: YamlReader, fields: Map<string, Node | null>, path: string): string | undefined {
  const name = r.string(fields.get('name'), `${path}.name`, true);
  if (name !== undefined && !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(name)) {
    r.issue(fields.get('name'), `${path}.name`, `"${name}" must be lowercase letters, digits and '-'`);
    return undefined;
  }
  return name;
}

/** An admission rule (scope `admission`) or an exec rule (scope `exec`): the same shape over different variables. */
function parseAdmissionRule(r: YamlReader, cel: CelEnv, node: Node, path: string, policyEnforcement: Enforcement,
  scope: 'admission' | 'exec'): AdmissionRule | undefined {
  const f = r.map(node, path, ADMISSION_FIELDS);
  if (!f) return undefined;
  const name = ruleName(r, f, path);
  const expr = f.has('expression') ? expression(r, cel, f.get('expression')!, `${path}.expression`, scope, 'bool')
    : (r.issue(node, `${path}.expression`, 'is required'), undefined);
  const message = singleLineMessage(r, f.get('message'), `${path}.message`);
  const messageExpression = f.get('messageExpression')
    ? expression(r, cel, f.get('messageExpression')!, `${path}.messageExpression`, scope, 'string') : undefined;
  const enforcement = r.oneOf(f.get('enforcement'), `${path}.enforcement`, ENFORCEMENTS, policyEnforcement);
  const severity = r.oneOf(f.get('severity'), `${path}.severity`, SEVERITIES, 'medium');
  if (name === undefined || expr === undefined) return undefined;
  return { name, expression: expr, message, messageExpression, enforcement, severity, pos: r.posOf(node) };
}

function parseRuntimeRule(r: YamlReader, cel: CelEnv, node: Node, path: string): RuntimeRule | undefined {
  const f = r.map(node, path, RUNTIME_FIELDS);
  if (!f) return undefined;
  const name = ruleName(r, f, path);
  const condition = f.has('condition') ? expression(r, cel, f.get('condition')!, `${path}.condition`, 'runtime', 'bool')
    : (r.issue(node, `${path}.condition`, 'is required'), undefined);
  const forMs = duration(r, f.get('for'), `${path}.for`);
  const keepFiringForMs = duration(r, f.get('keepFiringFor'), `${path}.keepFiringFor`);
  const action = r.oneOf(f.get('action'), `${path}.action`, ACTIONS, 'alert');
  const throttleCpus = r.number(f.get('throttleCpus'), `${path}.throttleCpus`);
  if (action === 'throttle' && throttleCpus === undefined) {
    r.issue(node, `${path}.throttleCpus`, 'is required with action: throttle (the CPU limit to set, e.g. 0.1)');
  } else if (throttleCpus !== undefined && !(throttleCpus > 0)) {
    r.issue(f.get('throttleCpus'), `${path}.throttleCpus`, `must be > 0, got ${throttleCpus}`);
  } else if (throttleCpus !== undefined && action !== 'throttle') {
    r.issue(f.get('throttleCpus'), `${path}.throttleCpus`, `only applies to action: throttle, not ${action}`);
  }
  const message = singleLineMessage(r, f.get('message'), `${path}.message`);
  const messageExpression = f.get('messageExpression')
    ? expression(r, cel, f.get('messageExpression')!, `${path}.messageExpression`, 'runtime', 'string') : undefined;
  const severity = r.oneOf(f.get('severity'), `${path}.severity`, SEVERITIES, 'medium');
  if (name === undefined || condition === undefined) return undefined;
  return { name, condition, forMs, keepFiringForMs, action, throttleCpus, message, messageExpression, severity, pos: r.posOf(node) };
}

function singleLineMessage(r: YamlReader, node: Node | null | undefined, path: string): string | undefined {
  const m = r.string(node, path, false);
  if (m !== undefined && m.trim().includes('\n')) r.issue(node, path, 'must be a single line');
  return m?.trim();
}

function duration(r: YamlReader, node: Node | null | undefined, path: string): number {
  if (node === undefined || node === null) return 0;
  const text = r.string(node, path, true);
  if (text === undefined) return 0;
  const ms = parseDuration(text);
  if (ms === undefined) {
    r.issue(node, path, `invalid duration "${text}" (use e.g. 500ms, 5s, 1m30s, 2h)`);
    return 0;
  }
  return ms;
}

function expression(r: YamlReader, cel: CelEnv, node: Node, path: string, scope: CelScope, type: CelResultType): CelProgram | undefined {
  const source = r.string(node, path, true);
  if (source === undefined) return undefined;
  try {
    return cel.compile(source, scope, type);
  } catch (err) {
    if (!(err instanceof CelCompileError)) throw err;
    const hint = scope !== 'runtime' && /Unknown variable: sample/.test(err.message) ? ' (`sample` exists only in runtime rules)'
      : scope !== 'exec' && /Unknown variable: request/.test(err.message) ? ' (`request` exists only in exec rules)' : '';
    r.issue(node, path, `${err.message}${hint}`, r.offsetInScalar(node, err.offset));
    return undefined;
  }
}

/** The `container` maps a match may read a key of: labels, sysctls (from the schema). */
const CONTAINER_MAPS: ReadonlySet<string> = new Set(Object.entries(CONTAINER_SCHEMA)
  .filter(([, type]) => typeof type === 'string' && type.startsWith('map<')).map(([field]) => `container.${field}`));

function warnUnguardedKeys(r: YamlReader, node: Node, match: CelProgram): void {
  for (const read of unguardedKeyReads(match.ast, CONTAINER_MAPS)) {
    const key = JSON.stringify(read.key);
    r.warn(node, 'spec.match', `${read.map}[${key}] is an error for a container without the key ${key}, and with failurePolicy `
      + `Fail an erring match applies this policy to that container; guard it (${key} in ${read.map} && …) or set failurePolicy: Ignore`,
    r.offsetInScalar(node, read.offset));
  }
}

const EXCEPTION_FIELDS = ['policy', 'rules', 'containers', 'labels', 'reason', 'expiresAt'] as const;

function parseException(r: YamlReader, node: Node | null, name: string): PolicyException | undefined {
  const f = r.map(node, 'spec', EXCEPTION_FIELDS);
  if (!f) return undefined;
  const policy = r.string(f.get('policy'), 'spec.policy', true);
  const reason = r.string(f.get('reason'), 'spec.reason', true);
  const expiresText = r.string(f.get('expiresAt'), 'spec.expiresAt', false);
  const expiresAt = expiresText === undefined ? undefined : Date.parse(expiresText);
  if (expiresText !== undefined && Number.isNaN(expiresAt)) {
    r.issue(f.get('expiresAt'), 'spec.expiresAt', `invalid time "${expiresText}" (use RFC 3339, e.g. 2026-12-31T00:00:00Z)`);
  }
  const exception: PolicyException = {
    name, policy: policy ?? '', reason: reason ?? '',
    rules: r.stringList(f.get('rules'), 'spec.rules'),
    containers: r.stringList(f.get('containers'), 'spec.containers'),
    labels: r.stringMap(f.get('labels'), 'spec.labels'),
    expiresAt: expiresAt !== undefined && !Number.isNaN(expiresAt) ? expiresAt : undefined,
    pos: r.posOf(node),
  };
  if (exception.containers.length === 0 && Object.keys(exception.labels).length === 0) {
    r.issue(node, 'spec', 'needs containers (names) or labels (a selector): an exception for every container is a disabled rule');
  }
  return policy === undefined || reason === undefined ? undefined : exception;
}

function crossCheck(policies: Policy[], exceptions: PolicyException[]): LoadIssue[] {
  const issues: LoadIssue[] = [];
  const byName = new Map<string, Policy>();
  for (const p of policies) {
    const first = byName.get(p.name);
    if (first) issues.push({ ...p.pos, path: 'metadata.name', message: `policy "${p.name}" is already defined at ${first.pos.file}:${first.pos.line}` });
    else byName.set(p.name, p);
  }
  for (const e of exceptions) {
    const policy = byName.get(e.policy);
    if (!policy) { issues.push({ ...e.pos, path: 'spec.policy', message: `no policy named "${e.policy}" is loaded` }); continue; }
    const names = new Set([...policy.admission, ...policy.exec, ...policy.runtime].map((x) => x.name));
    for (const rule of e.rules) {
      if (!names.has(rule)) issues.push({ ...e.pos, path: 'spec.rules', message: `policy "${e.policy}" has no rule "${rule}"` });
    }
  }
  return issues;
}
