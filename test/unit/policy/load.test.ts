import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCelEnv } from '../../../agent/policy/cel.js';
import { loadPolicyDir, loadPolicyFiles, PolicyLoadError } from '../../../agent/policy/load.js';
import { parseDuration } from '../../../agent/policy/schema.js';
import { policyYaml, TempDir } from './fixtures.js';

const cel = createCelEnv();

function loadErrors(dir: TempDir, files: Record<string, string>): string[] {
  const paths = Object.entries(files).map(([name, text]) => dir.write(name, text));
  try {
    loadPolicyFiles(paths, cel);
  } catch (err) {
    assert.ok(err instanceof PolicyLoadError, String(err));
    assert.equal(err.code, 'INVALID_POLICY');
    return err.message.split('\n').map((l) => l.replace(`${dir.path}/`, ''));
  }
  assert.fail('expected the load to fail');
}

test('durations', () => {
  assert.equal(parseDuration('5s'), 5000);
  assert.equal(parseDuration('1m30s'), 90_000);
  assert.equal(parseDuration('250ms'), 250);
  assert.equal(parseDuration('2h'), 7_200_000);
  assert.equal(parseDuration('0'), 0);
  for (const bad of ['5x', '5', 's', '1.5s', '5s ', '']) assert.equal(parseDuration(bad), undefined, bad);
});

test('errors name file:line:col and the field path', (t) => {
  const dir = new TempDir();
  t.after(() => dir.remove());
  const errors = loadErrors(dir, {
    'foo.yaml': policyYaml('foo', [
      '  runtime:',
      '    - name: hog',
      '      condition: sample.memory.usageBytes > 0',
      '      for: 5x',
      '      action: explode',
      '      keepFiringFor: 1m',
      '      colour: red',
    ].join('\n')),
  });
  assert.deepEqual(errors, [
    'foo.yaml:8:12: spec.runtime[0].for: invalid duration "5x" (use e.g. 500ms, 5s, 1m30s, 2h)',
    'foo.yaml:9:15: spec.runtime[0].action: must be one of alert | throttle | pause | kill, got string "explode"',
    'foo.yaml:11:7: spec.runtime[0].colour: unknown field (allowed: name, condition, for, keepFiringFor, action, throttleCpus, message, messageExpression, severity)',
  ]);
});

test('CEL errors point into the expression, in plain, quoted and block scalars', (t) => {
  const dir = new TempDir();
  t.after(() => dir.remove());
  const errors = loadErrors(dir, {
    'cel.yaml': policyYaml('cel', [
      '  admission:',
      '    - name: plain',
      '      expression: container.resources.nope > 0',
      '    - name: quoted',
      '      expression: "container.resources.memoryBytes > container.name"',
      '    - name: block',
      '      expression: |',
      '        container.resources.memoryBytes > 0 &&',
      '          container.mounts.all(m, m.sauce != "")',
      '    - name: sample-in-admission',
      '      expression: sample.cpu.cores > 1',
    ].join('\n')),
  });
  assert.equal(errors.length, 4, errors.join('\n'));
  assert.equal(errors[0], 'cel.yaml:7:39: spec.admission[0].expression: No such key: nope');
  assert.match(errors[1], /^cel\.yaml:9:20: spec\.admission\[1\]\.expression: no such overload: double > string$/);
  assert.match(errors[2], /^cel\.yaml:13:37: spec\.admission\[2\]\.expression: No such key: sauce$/);
  assert.equal(errors[3], 'cel.yaml:15:19: spec.admission[3].expression: Unknown variable: sample (`sample` exists only in runtime rules)');
});

test('YAML syntax errors, wrong kinds, missing fields, duplicates', (t) => {
  const dir = new TempDir();
  t.after(() => dir.remove());
  const errors = loadErrors(dir, {
    'a.yaml': 'apiVersion: berth.dev/v1\nkind: Policy\nmetadata: { name: a }\nspec:\n  admission: [\n',
    'b.yaml': 'apiVersion: berth.dev/v2\nkind: Polcy\nmetadata: { name: b }\nspec: {}\n',
    'c.yaml': policyYaml('c', '  admission:\n    - name: r\n      expression: "true"\n    - name: r\n      expression: "false"\n    - message: x\n'),
    'd.yaml': policyYaml('c', '  throttle: true\n'),
    'e.yaml': 'apiVersion: berth.dev/v1\nkind: PolicyException\nmetadata: { name: e }\nspec: { policy: c, rules: [nope], containers: [x], reason: testing }\n',
  });
  const text = errors.join('\n');
  assert.match(text, /^a\.yaml:\d+:\d+: YAML: /m);
  assert.match(text, /^b\.yaml:1:13: apiVersion: must be berth\.dev\/v1, got "berth\.dev\/v2"$/m);
  assert.match(text, /^b\.yaml:2:7: kind: must be Policy or PolicyException, got "Polcy"$/m);
  assert.match(text, /^c\.yaml:\d+:\d+: spec: duplicate rule name "r"$/m);
  assert.match(text, /^c\.yaml:10:7: spec\.admission\[2\]\.name: is required$/m);
  assert.match(text, /^d\.yaml:5:3: spec\.throttle: unknown field/m);
  assert.match(text, /^d\.yaml:\d+:\d+: metadata\.name: policy "c" is already defined at .*c\.yaml:3$/m);
  assert.match(text, /^e\.yaml:4:7: spec\.rules: policy "c" has no rule "nope"$/m);
});

test('throttle needs throttleCpus; exceptions need a selector and a valid expiry', (t) => {
  const dir = new TempDir();
  t.after(() => dir.remove());
  const errors = loadErrors(dir, {
    'p.yaml': policyYaml('p', '  runtime:\n    - name: t\n      condition: "true"\n      action: throttle\n    - name: k\n      condition: "true"\n      action: kill\n      throttleCpus: 0.5\n'),
    'x.yaml': 'apiVersion: berth.dev/v1\nkind: PolicyException\nmetadata: { name: x }\nspec: { policy: p, reason: r, expiresAt: tomorrow }\n',
  });
  const text = errors.join('\n');
  assert.match(text, /spec\.runtime\[0\]\.throttleCpus: is required with action: throttle/);
  assert.match(text, /spec\.runtime\[1\]\.throttleCpus: only applies to action: throttle, not kill/);
  assert.match(text, /x\.yaml:4:\d+: spec\.expiresAt: invalid time "tomorrow"/);
  assert.match(text, /x\.yaml:4:7: spec: needs containers \(names\) or labels/);
});

test('a folder loads its top-level YAML files, sorted by policy name, with typed rules', (t) => {
  const dir = new TempDir();
  t.after(() => dir.remove());
  dir.write('z.yaml', policyYaml('zeta', '  enforcement: warn\n  admission:\n    - name: r\n      expression: "true"\n'));
  dir.write('a.yml', policyYaml('alpha', '  runtime:\n    - name: r\n      condition: "sample.cpu.cores > 1.5"\n      for: 1m30s\n      keepFiringFor: 10s\n      action: throttle\n      throttleCpus: 0.1\n'));
  dir.write('notes.txt', 'not a policy');
  const set = loadPolicyDir(dir.path, cel, 1234);
  assert.deepEqual(set.policies.map((p) => p.name), ['alpha', 'zeta']);
  assert.equal(set.loadedAt, 1234);
  const [alpha, zeta] = set.policies;
  assert.deepEqual({ ...alpha.runtime[0], condition: alpha.runtime[0].condition.source, pos: undefined }, {
    name: 'r', condition: 'sample.cpu.cores > 1.5', forMs: 90_000, keepFiringForMs: 10_000, action: 'throttle', throttleCpus: 0.1,
    message: undefined, messageExpression: undefined, severity: 'medium', pos: undefined,
  });
  assert.equal(zeta.admission[0].enforcement, 'warn'); // inherited from the policy
});

test('a missing folder is a clear error', () => {
  assert.throws(() => loadPolicyDir('/nonexistent/rules', cel), /read rules folder \/nonexistent\/rules: no such directory/);
});

test('a match reading a label or sysctl key nothing guards is a warning naming where; guarded ones and failurePolicy Ignore are not', (t) => {
  const dir = new TempDir();
  t.after(() => dir.remove());
  const rule = ['  admission:', '    - name: r', '      expression: "true"'];
  const policy = (name: string, lines: string[]) => dir.write(`${name}.yaml`, policyYaml(name, [...lines, ...rule].join('\n')));
  const set = loadPolicyFiles([
    policy('bare', ['  match: container.labels["tier"] == "batch" || container.sysctls.foo == "1"']),
    policy('guarded', ['  match: \'"tier" in container.labels && container.labels.tier == "batch" && (has(container.sysctls.foo) && container.sysctls["foo"] == "1")\'']),
    policy('half', ['  match: \'"tier" in container.labels && container.labels.tier == "batch" && container.labels.team == "x"\'']),
    policy('ignored', ['  failurePolicy: Ignore', '  match: container.labels["tier"] == "batch"']),
  ], cel);
  assert.equal(set.policies.length, 4, 'warnings never reject a policy');
  const text = (w: string) => w.replace(`${dir.path}/`, '');
  assert.deepEqual(set.warnings.map(text), [
    'bare.yaml:5:10: spec.match: container.labels["tier"] is an error for a container without the key "tier", and with failurePolicy Fail '
      + 'an erring match applies this policy to that container; guard it ("tier" in container.labels && …) or set failurePolicy: Ignore',
    'bare.yaml:5:49: spec.match: container.sysctls["foo"] is an error for a container without the key "foo", and with failurePolicy Fail '
      + 'an erring match applies this policy to that container; guard it ("foo" in container.sysctls && …) or set failurePolicy: Ignore',
    'half.yaml:5:77: spec.match: container.labels["team"] is an error for a container without the key "team", and with failurePolicy Fail '
      + 'an erring match applies this policy to that container; guard it ("team" in container.labels && …) or set failurePolicy: Ignore',
  ]);
});
