// The engine with its real parts (CEL, loader, fs.watch, audit file, prom-client registry, event
// bus) and two stand-ins for pure-logic testing: a hand-fed snapshot store and a runtime that
// records the actions it is asked to take (real containers: test/integration/policy/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { BerthError } from '../../../agent/errors.js';
import { EventBus, type BerthEvent } from '../../../agent/events/index.js';
import { createPolicyEngine } from '../../../agent/policy/index.js';
import type { ContainerInfo, ResolvedSpec, ResourcesSpec, Runtime, StopReason, UpdateOrigin } from '../../../agent/runtime/types.js';
import { waitFor } from '../../helpers/wait.js';
import { FakeStore, fakeHost, fakeSample, fakeStats } from '../../helpers/samples.js';
import { policyYaml, resolved, TempDir } from './fixtures.js';

class RecordingRuntime {
  readonly calls: Array<{ verb: string; id: string; arg?: unknown; reason?: StopReason | UpdateOrigin }> = [];
  constructor(readonly containers: ContainerInfo[]) {}
  list(): ContainerInfo[] { return this.containers; }
  async update(id: string, resources: ResourcesSpec, origin?: UpdateOrigin) { this.calls.push({ verb: 'update', id, arg: resources, reason: origin }); return this.containers[0]; }
  async pause(id: string, reason?: StopReason) { this.calls.push({ verb: 'pause', id, reason }); return this.containers[0]; }
  async kill(id: string, signal?: string, reason?: StopReason) {
    this.calls.push({ verb: 'kill', id, arg: signal, reason });
    if (id === 'gone') throw new BerthError('NOT_FOUND', `no such container: ${id}`);
    return this.containers[0];
  }
}

function info(id: string, name: string, spec: ResolvedSpec): ContainerInfo {
  return { id, name, status: 'running', pid: 1, shimPid: 1, createdAt: '', spec, cgroup: `/b/${id}`, stateDir: '' };
}

const RUNTIME_RULES = policyYaml('guard', `  enforcement: enforce
  runtime:
    - name: memory-hog
      condition: sample.memory.workingSetBytes > 0.8 * container.resources.memoryBytes
      for: 2s
      action: kill
      message: holding memory
    - name: busy
      condition: sample.cpu.cores > 1.5
      action: throttle
      throttleCpus: 0.25
`);

async function setup(t: { after(fn: () => void): void }, files: Record<string, string>, opts: { containers?: ContainerInfo[] } = {}) {
  const dir = new TempDir();
  const state = new TempDir();
  t.after(() => { dir.remove(); state.remove(); });
  for (const [name, text] of Object.entries(files)) dir.write(name, text);
  const events = new EventBus();
  const seen: BerthEvent[] = [];
  events.subscribe((e) => seen.push(e));
  const store = new FakeStore();
  const runtime = new RecordingRuntime(opts.containers ?? []);
  const engine = createPolicyEngine({ rulesDir: dir.path, events, store, runtime: runtime as unknown as Runtime,
    stateDir: state.path, logger: pino({ level: 'silent' }), debounceMs: 20 });
  await engine.start();
  t.after(() => engine.stop());
  const registry = new Registry();
  engine.metrics.register(registry);
  const audit = () => readFileSync(join(state.path, 'audit.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  return { dir, engine, events, seen, store, runtime, registry, audit };
}

test('an enforce violation throws POLICY_DENIED with every violation; an event, an audit line, a metric', async (t) => {
  const { engine, seen, registry, audit } = await setup(t, {
    'limits.yaml': policyYaml('limits', '  admission:\n    - name: memory\n      expression: container.resources.memoryBytes > 0\n      message: set -m\n    - name: caps\n      expression: size(container.capabilities) < 3\n      enforcement: warn\n'),
  });
  const spec = await resolved({ name: 'web' });
  await assert.rejects(engine.admit(spec), (err: unknown) => {
    assert.ok(err instanceof BerthError);
    assert.equal(err.code, 'POLICY_DENIED');
    assert.equal(err.status, 403);
    assert.equal(err.message, 'denied by policy: limits/memory: set -m');
    assert.deepEqual(err.details?.violations, [
      { policy: 'limits', rule: 'memory', message: 'set -m', enforcement: 'enforce' },
      { policy: 'limits', rule: 'caps', message: 'failed expression: size(container.capabilities) < 3', enforcement: 'warn' },
    ]);
    return true;
  });
  assert.deepEqual(seen.filter((e) => e.kind.startsWith('policy.') && e.kind !== 'policy.loaded').map((e) => [e.kind, e.containerName]),
    [['policy.denied', 'web'], ['policy.warned', 'web']]);
  const lines = audit().filter((l) => l.kind === 'admission');
  assert.equal(lines.length, 1);
  assert.equal(lines[0].allowed, false);
  assert.equal(lines[0].container, 'web');
  const text = await registry.metrics();
  assert.match(text, /^berth_policy_denials_total\{operation="create"\} 1$/m);
  assert.match(text, /^berth_policy_admission_violations_total\{policy="limits",rule="memory",enforcement="enforce"\} 1$/m);
  assert.match(text, /^berth_policy_evaluations_total\{policy="limits",rule="caps",phase="admission"\} 1$/m);
  // With a limit the warn rule still warns, and the container is admitted.
  assert.deepEqual(await engine.admit(await resolved({ resources: { memoryBytes: 1 << 26 } })),
    { warnings: ['limits/caps: failed expression: size(container.capabilities) < 3'] });
  // An update is judged on the spec it would make, and recorded as one, for its container.
  await assert.rejects(engine.admit(spec, { operation: 'update', containerId: 'c9' }), { code: 'POLICY_DENIED' });
  const denied = seen.filter((e) => e.kind === 'policy.denied').at(-1)!;
  assert.equal(denied.containerId, 'c9');
  assert.equal((denied.data as { operation: string }).operation, 'update');
  assert.deepEqual(audit().filter((l) => l.kind === 'admission').map((l) => [l.operation, l.containerId, l.allowed]),
    [['create', undefined, false], ['create', undefined, true], ['update', 'c9', false]]);
  // evaluate() is a dry run: no new audit line or event.
  const before = seen.length;
  assert.equal(engine.evaluate(spec).denied, true);
  assert.equal(seen.length, before);
});

test('an exec denied by an exec rule: POLICY_DENIED, an event and an audit line naming the command, metrics of phase exec', async (t) => {
  const { engine, seen, registry, audit } = await setup(t, {
    'access.yaml': policyYaml('access', '  exec:\n    - name: no-root\n      expression: request.uid != 0\n      message: exec as a user\n'),
  });
  const spec = await resolved({ name: 'web' });
  const process = { command: ['sh', '-c', 'id'], user: 'root', uid: 0, gid: 0, tty: false, stdin: false, workdir: '/', env: ['SECRET=x'], privileged: false };
  await assert.rejects(engine.admit(spec, { operation: 'exec', containerId: 'c1', process }),
    { code: 'POLICY_DENIED', message: 'denied by policy: access/no-root: exec as a user' });
  assert.deepEqual(await engine.admit(spec, { operation: 'attach', containerId: 'c1', process: { ...process, command: [], uid: 1000 } }), { warnings: [] });
  // Creation is not judged by exec rules.
  assert.deepEqual(await engine.admit(spec), { warnings: [] });
  const denied = seen.filter((e) => e.kind === 'policy.denied');
  assert.deepEqual(denied.map((e) => [e.containerId, e.data?.operation, e.data?.command, e.data?.user]), [['c1', 'exec', ['sh', '-c', 'id'], 'root']]);
  const lines = audit().filter((l) => l.kind === 'admission');
  assert.deepEqual(lines.map((l) => [l.operation, l.allowed, l.command, l.user]),
    [['exec', false, ['sh', '-c', 'id'], 'root'], ['attach', true, [], 'root'], ['create', true, undefined, undefined]]);
  assert.ok(!JSON.stringify(lines).includes('SECRET'), 'the environment stays out of the audit log');
  assert.ok(!JSON.stringify(seen).includes('SECRET'), 'and out of the events');
  const text = await registry.metrics();
  assert.match(text, /^berth_policy_denials_total\{operation="exec"\} 1$/m);
  assert.match(text, /^berth_policy_evaluations_total\{policy="access",rule="no-root",phase="exec"\} 2$/m);
  assert.match(text, /^berth_policy_rules\{phase="exec"\} 1$/m);
});

test('runtime rules: pending, firing after `for`, the action once, with the policy as the reason', async (t) => {
  const spec = await resolved({ resources: { memoryBytes: 100 << 20 } });
  const c = info('c1', 'hog', spec);
  const { store, runtime, seen, registry } = await setup(t, { 'guard.yaml': RUNTIME_RULES }, { containers: [c] });
  const calls = runtime.calls; // (assert.deepEqual below narrows runtime.calls itself)
  const tick = (time: number, workingSet: number, cores = 0.1) => store.push({ time, host: fakeHost(time), samples: [
    fakeSample('c1', time, { name: 'hog', stats: fakeStats({ memoryBytes: workingSet, limitBytes: 100 << 20 }), cpu: { cores, percent: cores * 100, throttledRatio: 0 } }),
  ] });
  tick(0, 90 << 20);
  tick(1000, 90 << 20);
  assert.deepEqual(runtime.calls, []);
  tick(2000, 90 << 20);
  tick(3000, 95 << 20);
  await waitFor('the kill action event', () => seen.find((e) => e.kind === 'policy.action'));
  assert.deepEqual(runtime.calls, [{ verb: 'kill', id: 'c1', arg: 'SIGKILL',
    reason: { by: 'policy', policy: 'guard', rule: 'memory-hog', message: 'holding memory' } }]);
  assert.deepEqual(seen.filter((e) => e.containerId === 'c1').map((e) => e.kind), ['policy.pending', 'policy.firing', 'policy.action']);
  assert.match(await registry.metrics(), /^berth_policy_firings_total\{policy="guard",rule="memory-hog"\} 1$/m);
  assert.match(await registry.metrics(), /^berth_policy_actions_total\{policy="guard",rule="memory-hog",action="kill",outcome="ok"\} 1$/m);
  assert.match(await registry.metrics(), /^berth_policy_alerts\{policy="guard",rule="memory-hog",state="firing"\} 1$/m);
  // Throttle: for 0 → fires on the first sample above 1.5 cores.
  tick(4000, 10 << 20, 1.9);
  const update = await waitFor('the throttle call', () => calls.find((x) => x.verb === 'update'));
  assert.deepEqual(update.arg, { cpus: 0.25 });
  assert.equal(update.reason, 'policy', 'the action is not itself put through admission');
});

test('report: per container, runtime states and admission results, with a summary', async (t) => {
  const spec = await resolved({ name: 'hog', resources: { memoryBytes: 100 << 20 } });
  const { store, engine } = await setup(t, { 'guard.yaml': RUNTIME_RULES }, { containers: [info('c1', 'hog', spec)] });
  store.push({ time: 0, host: fakeHost(0), samples: [fakeSample('c1', 0, { stats: fakeStats({ memoryBytes: 90 << 20 }) })] });
  const report = engine.report();
  assert.equal(report.kind, 'PolicyReport');
  const [c] = report.containers;
  assert.equal(c.name, 'hog');
  assert.deepEqual(c.results.map((r) => [r.rule, r.phase, r.result, r.state]), [['memory-hog', 'runtime', 'warn', 'pending'], ['busy', 'runtime', 'pass', 'inactive']]);
  assert.deepEqual(report.summary, { pass: 1, fail: 0, warn: 1, error: 0, skip: 0 });
});

test('audit and warn modes never touch the container; a gone container is a skipped action', async (t) => {
  const spec = await resolved();
  const rules = (mode: string) => policyYaml(`p-${mode}`, `  enforcement: ${mode}\n  runtime:\n    - name: kill-all\n      condition: "true"\n      action: kill\n`);
  const { store, runtime, seen } = await setup(t, { 'a.yaml': rules('audit'), 'w.yaml': rules('warn'), 'e.yaml': rules('enforce') },
    { containers: [info('gone', 'gone', spec)] });
  store.push({ time: 0, host: fakeHost(0), samples: [fakeSample('gone', 0)] });
  await waitFor('three action events', () => seen.filter((e) => e.kind === 'policy.action').length === 3);
  const actions = Object.fromEntries(seen.filter((e) => e.kind === 'policy.action').map((e) => [String(e.data?.policy), [e.data?.action, e.data?.outcome]]));
  assert.deepEqual(actions, { 'p-audit': ['alert', 'skipped'], 'p-warn': ['alert', 'ok'], 'p-enforce': ['kill', 'skipped'] });
  assert.deepEqual(runtime.calls.map((c) => c.verb), ['kill']); // only enforce asked; the container was gone
});

test('a bad file is rejected with file:line while the last good set stays; fixing it reloads', async (t) => {
  const { dir, engine, seen, registry } = await setup(t, {
    'limits.yaml': policyYaml('limits', '  admission:\n    - name: memory\n      expression: container.resources.memoryBytes > 0\n'),
  });
  const noLimit = await resolved();
  await assert.rejects(engine.admit(noLimit), /limits\/memory/);
  dir.write('broken.yaml', policyYaml('broken', '  runtime:\n    - name: r\n      condition: "true"\n      for: 5x\n'));
  const rejected = await waitFor('the rejection event', () => seen.find((e) => e.kind === 'policy.rejected'));
  assert.match(rejected.message, /broken\.yaml:8:12: spec\.runtime\[0\]\.for: invalid duration "5x"/);
  assert.match(rejected.message, /keeping the last good set \(1 policies\)/);
  await assert.rejects(engine.admit(noLimit), /limits\/memory/); // still enforced
  assert.match(await registry.metrics(), /^berth_policy_load_errors_total 1$/m);
  assert.match(await registry.metrics(), /^berth_policy_last_reload_successful 0$/m);
  assert.match(engine.policies().lastError ?? '', /invalid duration/);
  // Removing the bad file and the rule: the new set takes over.
  rmSync(join(dir.path, 'broken.yaml'));
  dir.write('limits.yaml', policyYaml('limits', '  admission:\n    - name: memory\n      expression: "true"\n'));
  await waitFor('the new set to be in force', async () => (await engine.admit(noLimit)).warnings.length === 0 && engine.policies().lastError === undefined);
  assert.match(await registry.metrics(), /^berth_policy_last_reload_successful 1$/m);
  assert.equal(engine.policies().policies[0].admission[0].expression, 'true');
});

test('start refuses a rules folder that does not load', async () => {
  const dir = new TempDir();
  try {
    dir.write('x.yaml', 'kind: Nope\n');
    const engine = createPolicyEngine({ rulesDir: dir.path, events: new EventBus(), logger: pino({ level: 'silent' }) });
    await assert.rejects(engine.start(), (err: BerthError) => err.code === 'INVALID_POLICY' && /x\.yaml:1:1: apiVersion: is required/.test(err.message));
  } finally {
    dir.remove();
  }
});

test('without a rules folder the empty policy counts as loaded: no reload-failure alert, no rules', async (t) => {
  const engine = createPolicyEngine({ events: new EventBus(), logger: pino({ level: 'silent' }) });
  await engine.start();
  t.after(() => engine.stop());
  const registry = new Registry();
  engine.metrics.register(registry);
  const text = await registry.metrics();
  assert.match(text, /^berth_policy_last_reload_successful 1$/m);
  assert.match(text, /^berth_policy_rules\{phase="admission"\} 0$/m);
  assert.equal((await engine.admit(await resolved())).warnings.length, 0);
});
