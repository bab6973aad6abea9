// The shipped rules: every file in rules/ and rules/examples/ loads, and every suite in
// rules/tests/ passes (the presets' own test suites, as `berth policy test rules/tests` runs them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createCelEnv, findSuiteFiles, listPolicyFiles, loadPolicyDir, loadPolicyFiles, runSuiteFile } from '../../../agent/policy/index.js';
import { TempDir } from './fixtures.js';

const RULES = resolve(import.meta.dirname, '../../../rules');
const cel = createCelEnv();

test('rules/ loads: baseline enforced, restricted warned, runtime defaults alert only', () => {
  const set = loadPolicyDir(RULES, cel);
  const byName = Object.fromEntries(set.policies.map((p) => [p.name, p]));
  assert.deepEqual(Object.keys(byName).sort(), ['baseline', 'restricted', 'runtime-defaults']);
  assert.equal(byName.baseline.enforcement, 'enforce');
  assert.equal(byName.restricted.enforcement, 'warn');
  assert.ok(byName['runtime-defaults'].runtime.every((r) => r.action === 'alert'));
  assert.deepEqual(byName['runtime-defaults'].runtime.map((r) => r.name),
    ['memory-near-limit', 'cpu-throttled', 'pids-near-limit', 'repeated-oom-kills', 'waiting-for-memory']);
});

test('every example loads (exceptions together with the baseline they refer to)', () => {
  const examples = listPolicyFiles(join(RULES, 'examples'));
  assert.ok(examples.length >= 5);
  const set = loadPolicyFiles([join(RULES, 'baseline.yaml'), ...examples], cel);
  assert.ok(set.exceptions.length >= 2);
});

const suites = findSuiteFiles(join(RULES, 'tests'));
test('each preset has a suite', () => {
  const names = suites.map((f) => f.split('/').pop());
  for (const preset of ['baseline.yaml', 'restricted.yaml', 'defaults-runtime.yaml']) assert.ok(names.includes(preset), preset);
});

for (const file of suites) {
  test(`suite ${file.slice(RULES.length + 1)} passes`, async () => {
    const result = await runSuiteFile(file, cel);
    const failures = result.cases.filter((c) => !c.ok).map((c) => `${c.policy}/${c.rule} on ${c.resource}: expected ${c.expected}, got ${c.actual}`);
    assert.deepEqual(failures, []);
    assert.ok(result.passed > 0);
  });
}

test('every baseline and restricted rule is exercised with a passing and a failing spec', async () => {
  for (const preset of ['baseline', 'restricted']) {
    const result = await runSuiteFile(join(RULES, 'tests', `${preset}.yaml`), cel);
    const set = loadPolicyFiles([join(RULES, `${preset}.yaml`)], cel);
    for (const rule of set.policies[0].admission) {
      const outcomes = new Set(result.cases.filter((c) => c.rule === rule.name).map((c) => c.actual));
      assert.ok(outcomes.has('pass'), `${preset}/${rule.name} has no passing case`);
      assert.ok(outcomes.has('fail') || outcomes.has('warn'), `${preset}/${rule.name} has no failing case`);
    }
  }
});

test('a suite with a wrong expectation fails and says where', async (t) => {
  const dir = new TempDir();
  t.after(() => dir.remove());
  const suite = dir.write('wrong.yaml', [
    'apiVersion: berth.dev/v1', 'kind: PolicyTest', 'metadata: { name: wrong }',
    `policies: [${join(RULES, 'baseline.yaml')}]`, `rootfs: ${join(RULES, 'tests/rootfs')}`,
    'resources:', '  - { name: root-netns, spec: { namespaces: { net: host } } }',
    'results:', '  - { policy: baseline, rule: host-network, resources: [root-netns], result: pass }',
    '  - { policy: baseline, rule: host-pid, resources: [root-netns], result: pass }',
  ].join('\n'));
  const result = await runSuiteFile(suite, cel);
  assert.equal(result.failed, 1);
  assert.deepEqual(result.cases.filter((c) => !c.ok).map((c) => [c.rule, c.expected, c.actual]), [['host-network', 'pass', 'fail']]);
});

test('exec cases: a request with an unknown field, a value of the wrong type or an unknown operation is rejected with file:line', async (t) => {
  const dir = new TempDir();
  t.after(() => dir.remove());
  const suite = dir.write('bad-exec.yaml', [
    'apiVersion: berth.dev/v1', 'kind: PolicyTest', 'metadata: { name: bad-exec }',
    `policies: [${join(RULES, 'examples/exec-access.yaml')}]`, `rootfs: ${join(RULES, 'tests/rootfs')}`,
    'resources: [{ name: a, spec: { labels: { env: prod } } }]',
    'exec:',
    '  - name: x',
    '    resource: a',
    '    request: { cmd: [sh], uid: "0", operation: run, tty: 1 }',
    '    results: [{ policy: exec-access, rule: no-root-shell }]',
  ].join('\n'));
  await assert.rejects(runSuiteFile(suite, cel), (err: Error) => {
    assert.match(err.message, /bad-exec\.yaml:10:\d+: exec\[0\]\.request\.cmd: unknown request field \(known: operation, command,/);
    assert.match(err.message, /bad-exec\.yaml:10:\d+: exec\[0\]\.request\.uid: expected an integer, got "0"/);
    assert.match(err.message, /bad-exec\.yaml:10:\d+: exec\[0\]\.request\.tty: expected true or false, got 1/);
    assert.match(err.message, /bad-exec\.yaml:10:\d+: exec\[0\]\.request\.operation: must be exec or attach, got "run"/);
    assert.match(err.message, /bad-exec\.yaml:11:\d+: exec\[0\]\.results\[0\]\.result: is required/);
    return true;
  });
});

test('a malformed suite is rejected with file:line', async (t) => {
  const dir = new TempDir();
  t.after(() => dir.remove());
  const suite = dir.write('bad.yaml', [
    'apiVersion: berth.dev/v1', 'kind: PolicyTest', 'metadata: { name: bad }',
    `policies: [${join(RULES, 'defaults-runtime.yaml')}]`, `rootfs: ${join(RULES, 'tests/rootfs')}`,
    'resources: [{ name: a, spec: { resources: { memoryBytes: -5 } } }]',
    'runtime:', '  - name: x', '    resource: b', '    samples: [{ at: 5x, memory: { workingSet: 5 } }]',
    '    results: [{ policy: runtime-defaults, rule: pids-near-limit, states: [firing, firing] }]',
  ].join('\n'));
  await assert.rejects(runSuiteFile(suite, cel), (err: Error) => {
    assert.match(err.message, /bad\.yaml:6:\d+: resources\[0\]\.spec: resources\.memoryBytes/);
    assert.match(err.message, /bad\.yaml:9:15: runtime\[0\]\.resource: no resource named "b"/);
    assert.match(err.message, /bad\.yaml:10:\d+: runtime\[0\]\.samples\[0\]\.at: needs a duration/);
    assert.match(err.message, /bad\.yaml:10:\d+: runtime\[0\]\.samples\[0\]\.memory\.workingSet: unknown sample field/);
    assert.match(err.message, /bad\.yaml:11:\d+: runtime\[0\]\.results\[0\]\.states: lists 2 states for 1 samples/);
    return true;
  });
  assert.ok(readdirSync(dir.path).length === 1);
});
