import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateAdmission, denialMessage } from '../../../agent/policy/admission.js';
import { createCelEnv } from '../../../agent/policy/cel.js';
import { policySetOf, resolved } from './fixtures.js';

const cel = createCelEnv();

const setOf = (text: string) => policySetOf(text, cel);

const POLICIES = `
apiVersion: berth.dev/v1
kind: Policy
metadata: { name: limits }
spec:
  enforcement: enforce
  match: '!("exempt" in container.labels)'
  admission:
    - name: memory
      expression: container.resources.memoryBytes > 0
      message: set a memory limit with -m
    - name: pids
      expression: container.resources.pidsLimit > 0
      messageExpression: '"pids limit is " + string(int(container.resources.pidsLimit))'
      enforcement: warn
    - name: owner
      expression: '"owner" in container.labels'
      enforcement: audit
---
apiVersion: berth.dev/v1
kind: Policy
metadata: { name: fragile }
spec:
  failurePolicy: Ignore
  admission:
    - name: needs-tier
      expression: container.labels["tier"] == "web"
---
apiVersion: berth.dev/v1
kind: Policy
metadata: { name: strict-fragile }
spec:
  admission:
    - name: needs-tier
      expression: container.labels["tier"] == "web"
`;

test('enforce denies, warn warns, audit records; each rule has a result', async () => {
  const out = evaluateAdmission(setOf(POLICIES), cel, await resolved({ labels: { tier: 'db' } }), 0);
  const byRule = Object.fromEntries(out.results.map((r) => [`${r.policy}/${r.rule}`, r]));
  assert.equal(byRule['limits/memory'].result, 'fail');
  assert.equal(byRule['limits/memory'].message, 'set a memory limit with -m');
  assert.equal(byRule['limits/pids'].result, 'warn');
  assert.equal(byRule['limits/pids'].message, 'pids limit is 0');
  assert.equal(byRule['limits/owner'].result, 'fail'); // audit: admitted, recorded as fail (Kyverno)
  assert.equal(byRule['limits/owner'].message, 'failed expression: "owner" in container.labels');
  assert.equal(out.denied, true);
  assert.deepEqual(out.warnings, ['limits/pids: pids limit is 0']);
  assert.equal(denialMessage(out.violations),
    'denied by policy: limits/memory: set a memory limit with -m; fragile/needs-tier: failed expression: container.labels["tier"] == "web"; '
    + 'strict-fragile/needs-tier: failed expression: container.labels["tier"] == "web"');
});

test('a compliant spec passes every rule and is admitted', async () => {
  const out = evaluateAdmission(setOf(POLICIES), cel, await resolved({ labels: { owner: 'me', tier: 'web' }, resources: { memoryBytes: 64 << 20, pidsLimit: 100 } }), 0);
  assert.deepEqual(out.results.map((r) => r.result), ['pass', 'pass', 'pass', 'pass', 'pass']);
  assert.equal(out.denied, false);
  assert.deepEqual(out.violations, []);
});

test('match false skips the policy', async () => {
  const out = evaluateAdmission(setOf(POLICIES), cel, await resolved({ labels: { exempt: 'yes', tier: 'web' } }), 0);
  assert.deepEqual(out.results.filter((r) => r.policy === 'limits').map((r) => [r.result, r.message]),
    [['skip', 'match is false'], ['skip', 'match is false'], ['skip', 'match is false']]);
  assert.equal(out.denied, false);
});

test('an evaluation error follows failurePolicy: Fail denies, Ignore skips', async () => {
  // No "tier" label: the map lookup fails at evaluation time.
  const out = evaluateAdmission(setOf(POLICIES), cel, await resolved({ labels: { owner: 'x' }, resources: { memoryBytes: 1 << 30, pidsLimit: 5 } }), 0);
  const fragile = out.results.find((r) => r.policy === 'fragile')!;
  const strict = out.results.find((r) => r.policy === 'strict-fragile')!;
  assert.equal(fragile.result, 'skip');
  assert.equal(strict.result, 'error');
  assert.match(strict.message, /^expression failed: .*tier/);
  assert.equal(out.denied, true);
});

test('exceptions exempt named containers or label selectors from named rules until they expire', async () => {
  const set = setOf(`${POLICIES}
---
apiVersion: berth.dev/v1
kind: PolicyException
metadata: { name: legacy-db }
spec: { policy: limits, rules: [memory], containers: [legacy-db], reason: sized by hand }
---
apiVersion: berth.dev/v1
kind: PolicyException
metadata: { name: batch-window }
spec: { policy: strict-fragile, labels: { team: batch }, reason: migration, expiresAt: "2030-01-01T00:00:00Z" }
`);
  const named = evaluateAdmission(set, cel, await resolved({ name: 'legacy-db', labels: { tier: 'web' } }), 0);
  const memory = named.results.find((r) => r.rule === 'memory')!;
  assert.equal(memory.result, 'skip');
  assert.equal(memory.exception, 'legacy-db');
  assert.equal(memory.message, 'exempt by legacy-db: sized by hand');
  assert.equal(named.denied, false);
  const other = evaluateAdmission(set, cel, await resolved({ name: 'other-db', labels: { tier: 'web' } }), 0);
  assert.equal(other.results.find((r) => r.rule === 'memory')!.result, 'fail');
  const spec = await resolved({ labels: { team: 'batch', owner: 'x' }, resources: { memoryBytes: 1 << 30, pidsLimit: 5 } });
  const before = evaluateAdmission(set, cel, spec, Date.parse('2029-12-31T00:00:00Z'));
  assert.equal(before.results.find((r) => r.policy === 'strict-fragile')!.result, 'skip');
  const after = evaluateAdmission(set, cel, spec, Date.parse('2030-01-01T00:00:00Z'));
  assert.equal(after.results.find((r) => r.policy === 'strict-fragile')!.result, 'error');
});
