// `berth policy test`: test suites in the spirit of `kyverno test` and `promtool test rules`.
//
//   apiVersion: berth.dev/v1
//   kind: PolicyTest
//   metadata: { name: baseline }
//   policies: [../baseline.yaml]         # files with Policy / PolicyException documents, relative to the suite
//   rootfs: rootfs                       # default rootfs of specs (relative); user names resolve in its /etc/passwd
//   now: 2026-06-01T00:00:00Z            # evaluation time (exception expiry); default: the real time
//   resources:                           # named containers: a ContainerSpec resolved by the real resolver
//     - { name: default, spec: { user: app } }                # rootfs and cmd default to the suite's rootfs, [/bin/sh]
//     - { name: odd, container: { mounts: [{ type: bind, source: /var/run/docker.sock, target: /s }] } }
//                                        # `container`: fields laid over the resolved spec as they are, for what
//                                        # the validator refuses offline (host paths missing on this machine)
//   results:                             # expected admission results (pass | fail | warn | error | skip)
//     - { policy: baseline, rule: privileged, resources: [default], result: pass }
//   runtime:                             # sample sequences through runtime rules
//     - name: hog
//       resource: default
//       samples: [{ at: 0s, memory: { workingSetBytes: 95 } }, { at: 5s, … }]   # the `sample` shape
//       results: [{ policy: p, rule: r, states: [pending, firing] }]            # state after each sample
//   exec:                                # an exec or attach through exec rules
//     - name: root-shell
//       resource: default
//       request: { command: [sh], uid: 0 }  # the `request` shape; what is left out is the resource's own
//                                           # (user, uid, gid, workdir, env), operation exec, no tty or stdin
//       results: [{ policy: p, rule: r, result: fail }]
import { availableParallelism } from 'node:os';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve as resolvePath } from 'node:path';
import { LineCounter, parseDocument, type Node } from 'yaml';
import { BerthError } from '../errors.js';
import { resolveSpec, validateSpec, type ResolvedSpec } from '../runtime/index.js';
import { evaluateAdmission, type ExecRequest, type ResultValue } from './admission.js';
import { createCelEnv, type CelEnv } from './cel.js';
import { loadPolicyFiles, PolicyLoadError } from './load.js';
import { AlertTable, type AlertState } from './runtime.js';
import { evaluateRuntimeTick } from './runtime-eval.js';
import { API_VERSION, parseDuration, type PolicySet } from './schema.js';
import { REQUEST_SCHEMA, SAMPLE_SCHEMA, type ObjectSchema } from './cel-schema.js';
import { NO_HEALTHCHECK } from './sample-view.js';
import { YamlReader, formatIssue } from './yaml-reader.js';

export interface CaseResult {
  kind: 'admission' | 'exec' | 'runtime';
  policy: string;
  rule: string;
  resource: string;
  expected: string;
  actual: string;
  ok: boolean;
  message?: string;
}

export interface SuiteResult { file: string; name: string; cases: CaseResult[]; passed: number; failed: number }

const RESULT_VALUES: readonly ResultValue[] = ['pass', 'fail', 'warn', 'error', 'skip'];
const STATES: readonly AlertState[] = ['inactive', 'pending', 'firing', 'resolved'];

/** Suite files of a folder (recursively): YAML files whose kind is PolicyTest. */
export function findSuiteFiles(path: string): string[] {
  if (statSync(path).isFile()) return [path];
  const out: string[] = [];
  for (const e of readdirSync(path, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(path, e.name);
    if (e.isDirectory()) out.push(...findSuiteFiles(p));
    else if (/\.ya?ml$/.test(e.name) && /^kind:\s*PolicyTest\s*$/m.test(readFileSync(p, 'utf8'))) out.push(p);
  }
  return out;
}

interface Suite {
  name: string;
  now: number;
  policies: PolicySet;
  resources: Map<string, ResolvedSpec>;
  admission: Array<{ policy: string; rule: string; resources: string[]; result: ResultValue }>;
  runtime: Array<{ name: string; resource: string; samples: Array<{ at: number; sample: Record<string, unknown> }>;
    results: Array<{ policy: string; rule: string; states: AlertState[] }> }>;
  exec: Array<{ name: string; resource: string; request: Record<string, unknown>; results: Array<{ policy: string; rule: string; result: ResultValue }> }>;
}

export async function runSuiteFile(file: string, cel: CelEnv = createCelEnv()): Promise<SuiteResult> {
  const suite = await readSuite(file, cel);
  const cases = [...admissionCases(suite, cel), ...execCases(suite, cel), ...runtimeCases(suite, cel)];
  const failed = cases.filter((c) => !c.ok).length;
  return { file, name: suite.name, cases, passed: cases.length - failed, failed };
}

function admissionCases(suite: Suite, cel: CelEnv): CaseResult[] {
  const out: CaseResult[] = [];
  for (const exp of suite.admission) {
    for (const resource of exp.resources) {
      const spec = suite.resources.get(resource)!;
      const got = evaluateAdmission(suite.policies, cel, spec, suite.now).results
        .find((r) => r.policy === exp.policy && r.rule === exp.rule);
      const actual = got?.result ?? 'missing';
      out.push({ kind: 'admission', policy: exp.policy, rule: exp.rule, resource, expected: exp.result, actual,
        ok: actual === exp.result, message: got?.message || undefined });
    }
  }
  return out;
}

function execCases(suite: Suite, cel: CelEnv): CaseResult[] {
  const out: CaseResult[] = [];
  for (const run of suite.exec) {
    const spec = suite.resources.get(run.resource)!;
    const request: ExecRequest = {
      operation: 'exec', command: [], user: spec.user.name, uid: spec.user.uid, gid: spec.user.gid,
      tty: false, stdin: false, workdir: spec.workdir, env: spec.env, privileged: false, ...run.request,
    };
    const results = evaluateAdmission(suite.policies, cel, spec, suite.now, request).results;
    for (const exp of run.results) {
      const got = results.find((r) => r.policy === exp.policy && r.rule === exp.rule);
      const actual = got?.result ?? 'missing';
      out.push({ kind: 'exec', policy: exp.policy, rule: exp.rule, resource: run.name, expected: exp.result, actual,
        ok: actual === exp.result, message: got?.message || undefined });
    }
  }
  return out;
}

function runtimeCases(suite: Suite, cel: CelEnv): CaseResult[] {
  const out: CaseResult[] = [];
  for (const run of suite.runtime) {
    const spec = suite.resources.get(run.resource)!;
    const table = new AlertTable();
    const seen = new Map<string, AlertState[]>(run.results.map((r) => [`${r.policy}/${r.rule}`, []]));
    const start = suite.now;
    for (const s of run.samples) {
      // A sample without `health` is a container without a healthcheck, as the agent sees it.
      const sample = cel.sampleFromView({ health: NO_HEALTHCHECK, ...s.sample });
      const input = { id: 'suite', name: spec.name || run.resource, spec, sample, time: start + s.at };
      evaluateRuntimeTick({ set: suite.policies, cel, table, containerValue: (x) => cel.container(x), now: start + s.at }, [input]);
      for (const r of run.results) seen.get(`${r.policy}/${r.rule}`)!.push(table.get(r.policy, r.rule, 'suite').state);
    }
    for (const r of run.results) {
      const actual = seen.get(`${r.policy}/${r.rule}`)!.join(',');
      out.push({ kind: 'runtime', policy: r.policy, rule: r.rule, resource: run.name, expected: r.states.join(','), actual,
        ok: actual === r.states.join(',') });
    }
  }
  return out;
}

async function readSuite(file: string, cel: CelEnv): Promise<Suite> {
  const text = readFileSync(file, 'utf8');
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const r = new YamlReader(file, text, lines);
  if (doc.errors.length) for (const e of doc.errors) r.issue(null, '', `YAML: ${e.message.split('\n')[0]}`, e.pos[0]);
  const top = doc.errors.length ? undefined
    : r.map(doc.contents as Node, '', ['apiVersion', 'kind', 'metadata', 'policies', 'rootfs', 'now', 'resources', 'results', 'runtime', 'exec']);
  if (!top) throw new PolicyLoadError(r.issues);
  if (r.string(top.get('apiVersion'), 'apiVersion', true) !== API_VERSION) r.issue(top.get('apiVersion'), 'apiVersion', `must be ${API_VERSION}`);
  if (r.string(top.get('kind'), 'kind', true) !== 'PolicyTest') r.issue(top.get('kind'), 'kind', 'must be PolicyTest');
  const meta = r.map(top.get('metadata'), 'metadata', ['name', 'description']);
  const name = (meta && r.string(meta.get('name'), 'metadata.name', true)) ?? file;
  const dir = dirname(file);
  const policyFiles = r.stringList(top.get('policies'), 'policies').map((p) => resolvePath(dir, p));
  if (policyFiles.length === 0) r.issue(top.get('policies') ?? doc.contents, 'policies', 'lists no policy files');
  const rootfs = resolvePath(dir, r.string(top.get('rootfs'), 'rootfs', false) ?? '.');
  const nowText = r.string(top.get('now'), 'now', false);
  const now = nowText === undefined ? Date.now() : Date.parse(nowText);
  if (Number.isNaN(now)) r.issue(top.get('now'), 'now', `invalid time "${nowText}" (use RFC 3339)`);
  const resources = await readResources(r, top.get('resources'), rootfs);
  const admission = readAdmissionExpectations(r, top.get('results'), resources);
  const runtime = readRuntimeCases(r, top.get('runtime'), resources);
  const exec = readExecCases(r, top.get('exec'), resources);
  if (r.issues.length) throw new PolicyLoadError(r.issues);
  let policies: PolicySet;
  try {
    policies = loadPolicyFiles(policyFiles, cel);
  } catch (err) {
    if (err instanceof PolicyLoadError) throw new BerthError('INVALID_POLICY', `${file}: policies do not load:\n${err.issues.map(formatIssue).join('\n')}`, err.details);
    throw err;
  }
  return { name, now, policies, resources, admission, runtime, exec };
}

async function readResources(r: YamlReader, node: Node | null | undefined, rootfs: string): Promise<Map<string, ResolvedSpec>> {
  const out = new Map<string, ResolvedSpec>();
  for (const [i, item] of (r.seq(node, 'resources') ?? []).entries()) {
    const path = `resources[${i}]`;
    const f = r.map(item, path, ['name', 'spec', 'container']);
    const name = f && r.string(f.get('name'), `${path}.name`, true);
    if (!f || !name) continue;
    if (out.has(name)) { r.issue(f.get('name'), `${path}.name`, `duplicate resource "${name}"`); continue; }
    const raw = { ...((f.get('spec') as Node | undefined)?.toJSON() ?? {}) } as Record<string, unknown>;
    if (raw.rootfs === undefined && raw.bundle === undefined) raw.rootfs = rootfs;
    raw.cmd ??= ['/bin/sh'];
    const overlay = (f.get('container') as Node | undefined)?.toJSON() as Record<string, unknown> | undefined;
    try {
      const hostCpus = availableParallelism();
      const resolved = await resolveSpec(validateSpec(raw, { hostCpus }), { hostCpus });
      out.set(name, overlay ? deepMerge(resolved, overlay) as ResolvedSpec : resolved);
    } catch (err) {
      r.issue(f.get('spec') ?? item, `${path}.spec`, (err as Error).message);
    }
  }
  return out;
}

function readAdmissionExpectations(r: YamlReader, node: Node | null | undefined, resources: Map<string, ResolvedSpec>): Suite['admission'] {
  const out: Suite['admission'] = [];
  for (const [i, item] of (r.seq(node, 'results') ?? []).entries()) {
    const path = `results[${i}]`;
    const f = r.map(item, path, ['policy', 'rule', 'resources', 'result']);
    if (!f) continue;
    const names = r.stringList(f.get('resources'), `${path}.resources`);
    for (const n of names) if (!resources.has(n)) r.issue(f.get('resources'), `${path}.resources`, `no resource named "${n}"`);
    const expected = readExpectedResult(r, item, f, path);
    if (expected) out.push({ ...expected, resources: names });
  }
  return out;
}

/** `policy`, `rule` and `result` of an expected admission or exec result. */
function readExpectedResult(r: YamlReader, item: Node, f: Map<string, Node | null>, path: string): { policy: string; rule: string; result: ResultValue } | undefined {
  const policy = r.string(f.get('policy'), `${path}.policy`, true);
  const rule = r.string(f.get('rule'), `${path}.rule`, true);
  const result = r.oneOf(f.get('result'), `${path}.result`, RESULT_VALUES, 'pass');
  if (!f.has('result')) r.issue(item, `${path}.result`, 'is required');
  return policy && rule ? { policy, rule, result } : undefined;
}

/** A runtime or exec case's fields, its name and its resource (checked to exist). */
function readCase(r: YamlReader, item: Node, path: string, fields: readonly string[], resources: Map<string, ResolvedSpec>) {
  const f = r.map(item, path, ['name', 'resource', ...fields, 'results']);
  if (!f) return undefined;
  const name = r.string(f.get('name'), `${path}.name`, true) ?? path;
  const resource = r.string(f.get('resource'), `${path}.resource`, true);
  if (resource && !resources.has(resource)) r.issue(f.get('resource'), `${path}.resource`, `no resource named "${resource}"`);
  return { f, name, resource };
}

function readExecCases(r: YamlReader, node: Node | null | undefined, resources: Map<string, ResolvedSpec>): Suite['exec'] {
  const out: Suite['exec'] = [];
  for (const [i, item] of (r.seq(node, 'exec') ?? []).entries()) {
    const path = `exec[${i}]`;
    const c = readCase(r, item, path, ['request'], resources);
    if (!c) continue;
    const { f, name, resource } = c;
    const requestNode = f.get('request');
    const request = (requestNode?.toJSON?.() ?? {}) as Record<string, unknown>;
    if (!isPlainObject(request)) r.issue(requestNode ?? item, `${path}.request`, 'expected a mapping');
    else for (const problem of checkShape(request, REQUEST_SCHEMA, `${path}.request`, 'request')) r.issue(requestNode ?? item, problem.path, problem.message);
    if (isPlainObject(request) && request.operation !== undefined && request.operation !== 'exec' && request.operation !== 'attach') {
      r.issue(requestNode ?? item, `${path}.request.operation`, `must be exec or attach, got ${JSON.stringify(request.operation)}`);
    }
    const results = (r.seq(f.get('results'), `${path}.results`) ?? []).flatMap((x, j) => {
      const rp = `${path}.results[${j}]`;
      const rf = r.map(x, rp, ['policy', 'rule', 'result']);
      const expected = rf && readExpectedResult(r, x, rf, rp);
      return expected ? [expected] : [];
    });
    if (resource) out.push({ name, resource, request, results });
  }
  return out;
}

function readRuntimeCases(r: YamlReader, node: Node | null | undefined, resources: Map<string, ResolvedSpec>): Suite['runtime'] {
  const out: Suite['runtime'] = [];
  for (const [i, item] of (r.seq(node, 'runtime') ?? []).entries()) {
    const path = `runtime[${i}]`;
    const c = readCase(r, item, path, ['samples'], resources);
    if (!c) continue;
    const { f, name, resource } = c;
    const samples = (r.seq(f.get('samples'), `${path}.samples`) ?? []).map((s, j) => readSample(r, s, `${path}.samples[${j}]`));
    const results = (r.seq(f.get('results'), `${path}.results`) ?? []).map((x, j) => {
      const rp = `${path}.results[${j}]`;
      const rf = r.map(x, rp, ['policy', 'rule', 'states']);
      const states = rf ? (r.seq(rf.get('states'), `${rp}.states`) ?? []).map((s, k) => r.oneOf(s, `${rp}.states[${k}]`, STATES, 'inactive')) : [];
      if (states.length !== samples.length) r.issue(x, `${rp}.states`, `lists ${states.length} states for ${samples.length} samples`);
      return { policy: (rf && r.string(rf.get('policy'), `${rp}.policy`, true)) ?? '', rule: (rf && r.string(rf.get('rule'), `${rp}.rule`, true)) ?? '', states };
    });
    if (resource) out.push({ name, resource, samples, results });
  }
  return out;
}

function readSample(r: YamlReader, node: Node, path: string): { at: number; sample: Record<string, unknown> } {
  const raw = (node?.toJSON?.() ?? {}) as Record<string, unknown>;
  const { at, ...sample } = raw;
  const ms = typeof at === 'string' ? parseDuration(at) : undefined;
  if (ms === undefined) r.issue(node, `${path}.at`, `needs a duration since the first sample, got ${JSON.stringify(at)}`);
  for (const problem of checkShape(sample, SAMPLE_SCHEMA, path, 'sample')) r.issue(node, problem.path, problem.message);
  return { at: ms ?? 0, sample };
}

/**
 * A typo in a sample (`memory.workingSet`) or a request would silently read as 0 or "": report
 * unknown fields and values of the wrong type.
 */
function checkShape(value: Record<string, unknown>, schema: ObjectSchema, path: string, what: string): Array<{ path: string; message: string }> {
  const out: Array<{ path: string; message: string }> = [];
  for (const [k, v] of Object.entries(value)) {
    const type = schema[k];
    const p = `${path}.${k}`;
    if (type === undefined) out.push({ path: p, message: `unknown ${what} field (known: ${Object.keys(schema).join(', ')})` });
    else if (typeof type === 'object' && 'object' in type) {
      if (isPlainObject(v)) out.push(...checkShape(v, type.fields, p, what));
      else out.push({ path: p, message: 'expected a mapping' });
    } else if (typeof type === 'string' && SCALAR_CHECKS[type]?.(v) === false) out.push({ path: p, message: `expected ${SCALAR_NAMES[type] ?? type}, got ${JSON.stringify(v)}` });
  }
  return out;
}

const SCALAR_NAMES: Partial<Record<string, string>> = { double: 'a number', int: 'an integer', bool: 'true or false', string: 'a string', 'list<string>': 'a list of strings' };

const SCALAR_CHECKS: Partial<Record<string, (v: unknown) => boolean>> = {
  double: (v) => typeof v === 'number',
  int: (v) => Number.isSafeInteger(v),
  bool: (v) => typeof v === 'boolean',
  string: (v) => typeof v === 'string',
  'list<string>': (v) => Array.isArray(v) && v.every((x) => typeof x === 'string'),
};

/** Objects merge key by key; anything else (lists included) replaces. */
function deepMerge(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = k in base ? deepMerge(base[k], v) : v;
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
