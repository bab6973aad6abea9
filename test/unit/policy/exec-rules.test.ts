// Exec rules: admission of an exec into, or an attach to, a running container (`container` + `request`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateAdmission, type ExecRequest } from '../../../agent/policy/admission.js';
import { createCelEnv } from '../../../agent/policy/cel.js';
import { parsePolicyText } from '../../../agent/policy/load.js';
import { policySetOf, policyYaml, resolved } from './fixtures.js';

const cel = createCelEnv();

const setOf = (text: string) => policySetOf(text, cel);

const POLICY = `
apiVersion: berth.dev/v1
kind: Policy
metadata: { name: prod-access }
spec:
  match: '"env" in container.labels && container.labels["env"] == "prod"'
  admission:
    - name: has-owner
      expression: '"owner" in container.labels'
  exec:
    - name: no-root-shell
      expression: '!(request.uid == 0 && request.command.exists(c, c.endsWith("sh")))'
      messageExpression: '"no root shell in " + container.name + " (" + request.operation + ")"'
    - name: no-attach
      expression: request.operation != "attach"
      enforcement: warn
    - name: no-preload
      expression: '!request.env.exists(e, e.startsWith("LD_PRELOAD="))'
      enforcement: audit
`;

function request(overrides: Partial<ExecRequest> = {}): ExecRequest {
  return { operation: 'exec', command: ['sh'], user: '', uid: 0, gid: 0, tty: true, stdin: true, workdir: '/', env: ['PATH=/bin'], privileged: false, ...overrides };
}

test('an exec is judged by the exec rules alone, with the container and the request', async () => {
  const prod = await resolved({ name: 'db', labels: { env: 'prod' } });
  const out = evaluateAdmission(setOf(POLICY), cel, prod, 0, request());
  assert.deepEqual(out.results.map((r) => [r.rule, r.result]), [['no-root-shell', 'fail'], ['no-attach', 'pass'], ['no-preload', 'pass']]);
  assert.equal(out.denied, true);
  assert.equal(out.violations[0].message, 'no root shell in db (exec)');
  // The same container's creation is judged by the admission rules alone.
  assert.deepEqual(evaluateAdmission(setOf(POLICY), cel, prod, 0).results.map((r) => r.rule), ['has-owner']);
});

test('each field of the request reaches the rules: uid, command, operation, env', async () => {
  const prod = await resolved({ name: 'db', labels: { env: 'prod' } });
  const set = setOf(POLICY);
  assert.equal(evaluateAdmission(set, cel, prod, 0, request({ uid: 1000 })).denied, false);
  assert.equal(evaluateAdmission(set, cel, prod, 0, request({ command: ['ls', '/'] })).denied, false);
  const attach = evaluateAdmission(set, cel, prod, 0, request({ operation: 'attach', command: [], uid: 1000 }));
  assert.deepEqual(attach.warnings, ['prod-access/no-attach: failed expression: request.operation != "attach"']);
  const preload = evaluateAdmission(set, cel, prod, 0, request({ uid: 1000, env: ['LD_PRELOAD=/x.so'] }));
  assert.deepEqual(preload.violations.map((v) => [v.rule, v.enforcement]), [['no-preload', 'audit']]);
});

test('match and exceptions apply to exec rules as to admission rules', async () => {
  const dev = await resolved({ name: 'dev', labels: { env: 'dev' } });
  assert.deepEqual(evaluateAdmission(setOf(POLICY), cel, dev, 0, request()).results.map((r) => r.result), ['skip', 'skip', 'skip']);
  const exempt = setOf(`${POLICY}---
apiVersion: berth.dev/v1
kind: PolicyException
metadata: { name: oncall }
spec: { policy: prod-access, rules: [no-root-shell], containers: [db], reason: on-call debugging }
`);
  const out = evaluateAdmission(exempt, cel, await resolved({ name: 'db', labels: { env: 'prod' } }), 0, request());
  assert.equal(out.denied, false);
  assert.equal(out.results[0].exception, 'oncall');
});

test('`request` exists only in exec rules, and exec rules are checked like admission rules at load', () => {
  const parsed = parsePolicyText(policyYaml('p', `  admission:
    - name: a
      expression: request.uid != 0
  exec:
    - name: b
      expression: request.cmd.size() > 0
    - name: c
      expression: request.uid
`), 'p.yaml', cel);
  assert.deepEqual(parsed.issues.map((i) => `${i.line}: ${i.path}: ${i.message.split(' (')[0]}`.replace(/\s+/g, ' ')), [
    '7: spec.admission[0].expression: Unknown variable: request',
    '10: spec.exec[0].expression: No such key: cmd',
    '12: spec.exec[1].expression: expression must evaluate to bool, not int',
  ]);
  assert.match(parsed.issues[0].message, /`request` exists only in exec rules/);
});

test('a policy with only exec rules loads; one with none of the three is refused', () => {
  const only = parsePolicyText(policyYaml('p', '  exec: [{ name: e, expression: request.operation == "exec" }]\n'), 'p.yaml', cel);
  assert.deepEqual(only.issues, []);
  assert.equal(only.policies[0].exec.length, 1);
  const none = parsePolicyText(policyYaml('p', '  enforcement: warn\n'), 'p.yaml', cel);
  assert.match(none.issues.map((i) => i.message).join('\n'), /needs admission, exec or runtime rules/);
});
