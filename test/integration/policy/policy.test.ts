// Policy against a real agent, real containers and real cgroups (root): admission deny/warn,
// a runtime kill with the policy as exit reason, a throttle that lowers the real CFS quota, a bad
// file rejected while the old rules keep working, and the CLI's policy and events commands.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cgroupFile } from '../../helpers/cgroup-files.js';
import { busyboxRootfs } from '../../helpers/rootfs.js';
import { ROOT, startAgent, type TestAgent } from '../../helpers/agent.js';
import { waitFor } from '../../helpers/wait.js';
import type { ContainerSample } from '../../../agent/sampler/types.js';

const MiB = 1024 * 1024;
let agent: TestAgent;
let rulesDir: string;
let rootfs: string;

const GATE = `apiVersion: berth.dev/v1
kind: Policy
metadata: { name: gate }
spec:
  enforcement: enforce
  admission:
    - name: no-forbidden-label
      expression: '!("forbidden" in container.labels)'
      message: containers labelled forbidden may not run
    - name: memory-cap
      expression: container.resources.memoryBytes <= 512.0 * 1048576
      message: at most 512 MiB of memory
---
apiVersion: berth.dev/v1
kind: Policy
metadata: { name: advice }
spec:
  enforcement: warn
  admission:
    - name: memory-limit
      expression: container.resources.memoryBytes > 0
      message: set a memory limit with -m
`;

const ACCESS = `apiVersion: berth.dev/v1
kind: Policy
metadata: { name: access }
spec:
  match: '"locked" in container.labels && container.labels["locked"] == "yes"'
  exec:
    - name: no-root
      expression: request.uid != 0
      messageExpression: '"no " + request.operation + " as root into " + container.name'
`;

const GUARDS = `apiVersion: berth.dev/v1
kind: Policy
metadata: { name: guards }
spec:
  runtime:
    - name: memory-hog
      condition: 'container.labels["role"] == "hog" && sample.memory.workingSetBytes > 24.0 * 1048576'
      for: 1s
      action: kill
      message: holding more than 24 MiB
    - name: cpu-hog
      condition: 'container.labels["role"] == "spinner" && sample.cpu.cores > 0.5'
      for: 600ms
      action: throttle
      throttleCpus: 0.1
`;

before(async () => {
  rootfs = busyboxRootfs();
  rulesDir = mkdtempSync(join(tmpdir(), 'berth-rules-'));
  writeFileSync(join(rulesDir, 'gate.yaml'), GATE);
  writeFileSync(join(rulesDir, 'guards.yaml'), GUARDS);
  writeFileSync(join(rulesDir, 'access.yaml'), ACCESS);
  agent = await startAgent({ rules: rulesDir, sampleInterval: '200ms' });
});
after(async () => {
  await agent?.stop();
  if (rulesDir) rmSync(rulesDir, { recursive: true, force: true });
});

async function create(body: Record<string, unknown>) {
  return agent.api('POST', '/v1/containers', { rootfs, image: 'busybox:test', start: true, ...body });
}

async function remove(id: string): Promise<void> {
  await agent.api('DELETE', `/v1/containers/${id}?force=true`);
}

function containerDirs(): string[] {
  const dir = join(agent.stateDir, 'containers');
  return existsSync(dir) ? readdirSync(dir) : [];
}

test('an enforced rule denies with 403 and leaves nothing behind', async () => {
  const before = containerDirs();
  const r = await create({ name: 'denied', cmd: ['true'], labels: { forbidden: 'yes' }, resources: { memoryBytes: 64 * MiB } });
  assert.equal(r.status, 403, JSON.stringify(r.body));
  assert.equal(r.body.error.code, 'POLICY_DENIED');
  assert.equal(r.body.error.message, 'denied by policy: gate/no-forbidden-label: containers labelled forbidden may not run');
  assert.deepEqual(r.body.error.details.violations, [
    { policy: 'gate', rule: 'no-forbidden-label', message: 'containers labelled forbidden may not run', enforcement: 'enforce' },
  ]);
  assert.deepEqual(agent.leftoverCgroups(), []);
  assert.deepEqual(containerDirs(), before);
  assert.equal((await agent.api('GET', '/v1/containers/denied')).status, 404);
  const events = (await agent.api('GET', '/v1/events?kind=policy.denied')).body;
  assert.ok(events.some((e: { containerName?: string }) => e.containerName === 'denied'), JSON.stringify(events));
  const audit = readFileSync(join(agent.stateDir, 'audit.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(audit.some((l) => l.kind === 'admission' && l.container === 'denied' && l.allowed === false));
  // The CLI exits 125 with the agent's message.
  const cli = await agent.cli(['run', '--rootfs', rootfs, '-l', 'forbidden=yes', '-m', '64m', '--', 'true']);
  assert.equal(cli.code, 125);
  assert.match(cli.stderr, /denied by policy: gate\/no-forbidden-label/);
});

test('a warn rule admits the container with a warning (API and CLI)', async (t) => {
  const r = await create({ name: 'warned', cmd: ['sleep', '100'] });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  t.after(() => remove(r.body.id));
  assert.deepEqual(r.body.warnings, ['advice/memory-limit: set a memory limit with -m']);
  assert.equal((await agent.api('GET', `/v1/containers/${r.body.id}`)).body.status, 'running');
  const cli = await agent.cli(['create', '--rootfs', rootfs, '--name', 'warned-cli', '--', 'true']);
  assert.equal(cli.code, 0, cli.stderr);
  t.after(() => remove('warned-cli'));
  assert.match(cli.stderr, /WARNING: advice\/memory-limit: set a memory limit with -m/);
});

test('an update is judged like a create, on the spec it would make: denied leaves the limits, admitted replaces the warnings', async (t) => {
  const r = await create({ name: 'resizable', cmd: ['sleep', '100'] });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  t.after(() => remove(r.body.id));
  const { cgroup } = (await agent.api('GET', '/v1/containers/resizable')).body;
  const limit = () => cgroupFile(cgroup, 'memory.limit_in_bytes');
  const unlimited = limit();
  const denied = await agent.cli(['update', '-m', '1g', 'resizable']);
  assert.deepEqual({ code: denied.code, out: denied.stdout }, { code: 125, out: '' });
  assert.match(denied.stderr, /^berth: denied by policy: gate\/memory-cap: at most 512 MiB of memory\n/);
  assert.equal(limit(), unlimited);
  assert.equal((await agent.api('GET', '/v1/containers/resizable')).body.spec.resources.memoryBytes, 0);
  const admitted = await agent.cli(['update', '-m', '64m', 'resizable']);
  assert.deepEqual({ code: admitted.code, out: admitted.stdout, err: admitted.stderr }, { code: 0, out: 'resizable\n', err: '' });
  assert.equal(limit(), String(64 * MiB));
  const info = (await agent.api('GET', '/v1/containers/resizable')).body;
  assert.equal(info.warnings, undefined, 'the memory-limit warning no longer applies');
  const audit = readFileSync(join(agent.stateDir, 'audit.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(audit.filter((l) => l.containerId === r.body.id).map((l) => [l.operation, l.allowed]), [['update', false], ['update', true]]);
});

test('exec rules: a root exec or attach into a locked container is denied before anything runs; another user\'s exec runs', async (t) => {
  const run = await agent.cli(['run', '-d', '-i', '--name', 'locked', '-l', 'locked=yes', '-m', '64m', '--rootfs', rootfs, '--', 'cat']);
  assert.equal(run.code, 0, run.stderr);
  t.after(() => remove('locked'));
  const seq = Math.max(...(await agent.api('GET', '/v1/events')).body.map((e: { seq: number }) => e.seq));
  const denied = await agent.cli(['exec', 'locked', 'touch', '/tmp/ran']);
  assert.deepEqual({ code: denied.code, out: denied.stdout }, { code: 125, out: '' });
  assert.match(denied.stderr, /^berth: denied by policy: access\/no-root: no exec as root into locked\n/);
  const piped = await agent.cli(['exec', '-i', 'locked', 'touch', '/tmp/ran'], { input: '' }); // the websocket route
  assert.equal(piped.code, 125, piped.stderr);
  assert.match(piped.stderr, /denied by policy: access\/no-root: no exec as root into locked/);
  const attach = await agent.cli(['attach', 'locked'], { input: 'typed\n' });
  assert.equal(attach.code, 125, attach.stderr);
  assert.match(attach.stderr, /denied by policy: access\/no-root: no attach as root into locked/);
  const allowed = await agent.cli(['exec', '-u', '1000', 'locked', 'id', '-u']);
  assert.deepEqual({ code: allowed.code, out: allowed.stdout }, { code: 0, out: '1000\n' }, allowed.stderr);
  // Nothing ran for the denied ones: no file, no exec event; each denial is an event and an audit line.
  assert.equal((await agent.cli(['exec', '-u', '1000', 'locked', 'ls', '/tmp'])).stdout, '');
  const events = (await agent.api('GET', `/v1/events?after=${seq}&container=locked`)).body as { kind: string; data?: { operation?: string; cmd?: string[] } }[];
  assert.deepEqual(events.filter((e) => e.kind === 'policy.denied').map((e) => e.data?.operation), ['exec', 'exec', 'attach']);
  assert.deepEqual(events.filter((e) => e.kind === 'container.exec').map((e) => e.data?.cmd), [['id', '-u'], ['ls', '/tmp']]);
  assert.ok(!events.some((e) => e.kind === 'container.attached'));
  const audit = readFileSync(join(agent.stateDir, 'audit.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(audit.filter((l) => l.container === 'locked' && l.operation !== 'create').map((l) => [l.operation, l.command, l.allowed]), [
    ['exec', ['touch', '/tmp/ran'], false], ['exec', ['touch', '/tmp/ran'], false], ['attach', [], false], ['exec', ['id', '-u'], true], ['exec', ['ls', '/tmp'], true],
  ]);
});

test('a container holding memory above the threshold for `for` is killed with the policy as reason', async (t) => {
  const r = await create({ name: 'hog', labels: { role: 'hog' }, resources: { memoryBytes: 256 * MiB },
    cmd: ['sh', '-c', 'dd if=/dev/zero of=/dev/shm/blob bs=1M count=32 2>/dev/null; exec sleep 1000'] });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  t.after(() => remove(r.body.id));
  const info = await waitFor('the hog to be killed', async () => {
    const c = (await agent.api('GET', `/v1/containers/${r.body.id}`)).body;
    return c.status === 'exited' ? c : undefined;
  }, { timeoutMs: 20_000, intervalMs: 100 });
  assert.equal(info.exit.signal, 'SIGKILL');
  assert.equal(info.exit.exitCode, 137);
  assert.equal(info.exit.reason.by, 'policy');
  assert.equal(info.exit.reason.policy, 'guards');
  assert.equal(info.exit.reason.rule, 'memory-hog');
  const kinds = (await agent.api('GET', `/v1/events?container=${r.body.id}`)).body.map((e: { kind: string }) => e.kind);
  for (const k of ['policy.pending', 'policy.firing', 'policy.action']) assert.ok(kinds.includes(k), `${k} in ${kinds}`);
  assert.ok(kinds.indexOf('policy.pending') < kinds.indexOf('policy.firing'));
  const metrics = (await agent.http('GET', '/metrics')).body as string;
  assert.match(metrics, /^berth_policy_actions_total\{policy="guards",rule="memory-hog",action="kill",outcome="ok"\} 1$/m);
});

test('autoheal: a runtime rule on sample.health kills an unhealthy container, and its restart policy runs it again', async (t) => {
  const file = join(rulesDir, 'autoheal.yaml');
  t.after(() => rmSync(file, { force: true }));
  writeFileSync(file, readFileSync(join(ROOT, 'rules/examples/autoheal.yaml'), 'utf8').replace('for: 30s', 'for: 1s'));
  await waitFor('the autoheal policy', async () => (await agent.api('GET', '/v1/policies')).body.policies.some((p: { name: string }) => p.name === 'autoheal'),
    { timeoutMs: 10_000, intervalMs: 50 });
  const r = await create({ name: 'sick', labels: { autoheal: 'true' }, cmd: ['sleep', '1000'], restartPolicy: { name: 'on-failure', maxRetries: 1 },
    healthcheck: { cmd: ['false'], intervalSeconds: 0.2, retries: 1 } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  t.after(() => remove(r.body.id));
  const restarted = await waitFor('the unhealthy container killed and run again', async () => {
    const c = (await agent.api('GET', `/v1/containers/${r.body.id}`)).body;
    return c.restartCount >= 1 ? c : undefined;
  }, { timeoutMs: 20_000, intervalMs: 100 });
  assert.equal(restarted.spec.name, 'sick');
  const events = (await agent.api('GET', `/v1/events?container=${r.body.id}`)).body as Array<{ kind: string; message: string }>;
  const action = events.find((e) => e.kind === 'policy.action');
  assert.match(action?.message ?? '', /^autoheal\/unhealthy: kill ok/);
  assert.match(events.find((e) => e.kind === 'policy.firing')?.message ?? '', /unhealthy: \d+ failed checks in a row/);
});

test('a throttle action lowers the CFS quota and the spinner\'s CPU rate drops', async (t) => {
  const r = await create({ name: 'spinner', labels: { role: 'spinner' }, resources: { memoryBytes: 64 * MiB }, cmd: ['sh', '-c', 'while :; do :; done'] });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  t.after(() => remove(r.body.id));
  const id = r.body.id as string;
  await waitFor('the throttle action', async () => (await agent.api('GET', `/v1/events?kind=policy.action&container=${id}`)).body.length > 0,
    { timeoutMs: 15_000, intervalMs: 100 });
  const [action] = (await agent.api('GET', `/v1/events?kind=policy.action&container=${id}`)).body;
  assert.equal(action.data.outcome, 'ok', action.message);
  // The spec and the real cgroup: quota 10 ms per 100 ms period.
  assert.equal((await agent.api('GET', `/v1/containers/${id}`)).body.spec.resources.cpus, 0.1);
  const throttledAt = Date.now();
  const samples = await waitFor('2 s of samples after the throttle', async () => {
    const h: ContainerSample[] = (await agent.api('GET', `/v1/containers/${id}/stats`)).body.samples.filter((s: ContainerSample) => s.time > throttledAt + 300);
    return h.length > 1 && h[h.length - 1].time - h[0].time >= 2000 ? h : undefined;
  }, { timeoutMs: 15_000, intervalMs: 200 });
  const first = samples[0];
  const last = samples[samples.length - 1];
  assert.equal(last.stats.spec.cpuQuotaUs, 10_000);
  const cores = (last.stats.cpu.usageNs - first.stats.cpu.usageNs) / ((last.time - first.time) * 1e6);
  assert.ok(cores < 0.2, `cores after the throttle: ${cores}`);
});

test('a bad file is rejected with file:line and the old rules keep working', async (t) => {
  const bad = join(rulesDir, 'broken.yaml');
  t.after(() => rmSync(bad, { force: true }));
  const seq = Math.max(0, ...(await agent.api('GET', '/v1/events')).body.map((e: { seq: number }) => e.seq));
  writeFileSync(bad, GATE.replace('name: gate', 'name: gate2').replace("'!(\"forbidden\" in container.labels)'", 'container.labels.forbidden.size() > "x"'));
  const rejected = await waitFor('the rejection event', async () =>
    (await agent.api('GET', `/v1/events?kind=policy.rejected&after=${seq}`)).body[0], { timeoutMs: 10_000, intervalMs: 50 });
  assert.match(rejected.message, /broken\.yaml:8:19: spec\.admission\[0\]\.expression: no such overload: int > string/);
  const status = (await agent.api('GET', '/v1/policies')).body;
  assert.deepEqual(status.policies.map((p: { name: string }) => p.name), ['access', 'advice', 'gate', 'guards']);
  assert.match(status.lastError, /broken\.yaml:8:19/);
  const r = await create({ name: 'still-denied', cmd: ['true'], labels: { forbidden: 'yes' } });
  assert.equal(r.status, 403);
  assert.match((await agent.http('GET', '/metrics')).body as string, /^berth_policy_load_errors_total [1-9]/m);
  // Fixing the folder loads the good set again.
  rmSync(bad);
  await waitFor('a clean reload', async () => (await agent.api('GET', '/v1/policies')).body.lastError === undefined, { timeoutMs: 10_000, intervalMs: 50 });
});

test('a match reading a label nothing guards loads with a warning: in the log, /v1/policies and policy ls', async (t) => {
  const file = join(rulesDir, 'unguarded.yaml');
  t.after(() => rmSync(file, { force: true }));
  writeFileSync(file, 'apiVersion: berth.dev/v1\nkind: Policy\nmetadata: { name: unguarded }\nspec:\n'
    + '  match: container.labels["tier"] == "batch"\n  admission:\n    - name: any\n      expression: "true"\n');
  const warnings = await waitFor('the reload with a warning', async () => {
    const status = (await agent.api('GET', '/v1/policies')).body;
    return status.policies.some((p: { name: string }) => p.name === 'unguarded') && status.warnings;
  }, { timeoutMs: 10_000, intervalMs: 50 });
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /unguarded\.yaml:5:10: spec\.match: container\.labels\["tier"\] is an error for a container without the key "tier"/);
  const ls = await agent.cli(['policy', 'ls']);
  assert.equal(ls.code, 0, ls.stderr);
  assert.match(ls.stderr, /^WARNING: .*unguarded\.yaml:5:10: spec\.match: /m);
  rmSync(file);
  await waitFor('a reload without it', async () => (await agent.api('GET', '/v1/policies')).body.warnings.length === 0, { timeoutMs: 10_000, intervalMs: 50 });
});

test('the CLI: policy ls, policy eval (dry run), policy report and events', async () => {
  const ls = await agent.cli(['policy', 'ls']);
  assert.equal(ls.code, 0, ls.stderr);
  assert.match(ls.stdout, /^gate\s+enforce\s+2\s+0\s+0\s+/m);
  assert.match(ls.stdout, /^access\s+enforce\s+0\s+1\s+0\s+/m);
  const denied = await agent.cli(['policy', 'eval', '--rootfs', rootfs, '-l', 'forbidden=1', '--', 'true']);
  assert.equal(denied.code, 1);
  assert.match(denied.stdout, /gate\s+no-forbidden-label\s+fail/);
  assert.match(denied.stdout, /denied: gate\/no-forbidden-label/);
  assert.match(denied.stderr, /WARNING: advice\/memory-limit/);
  const allowed = await agent.cli(['policy', 'eval', '--format', 'json', '--rootfs', rootfs, '-m', '64m', '--', 'true']);
  assert.equal(allowed.code, 0, allowed.stderr);
  assert.equal(JSON.parse(allowed.stdout).allowed, true);
  const report = await agent.cli(['policy', 'report', '--format', 'json']);
  assert.equal(report.code, 0, report.stderr);
  assert.equal(JSON.parse(report.stdout).kind, 'PolicyReport');
  const events = await agent.cli(['events', '--kind', 'policy.denied']);
  assert.equal(events.code, 0, events.stderr);
  assert.match(events.stdout, /policy\.denied denied: denied by policy: gate\/no-forbidden-label/);
  const templated = await agent.cli(['events', '--kind', 'policy.denied', '--format', '{{.kind}}|{{.containerName}}|{{.nope}}']);
  assert.equal(templated.code, 0, templated.stderr);
  assert.match(templated.stdout, /^policy\.denied\|denied\|<no value>$/m);
});

test('GET /v1/events?follow=true streams new events as NDJSON', async () => {
  const { request } = await import('node:http');
  const seq = Math.max(0, ...(await agent.api('GET', '/v1/events')).body.map((e: { seq: number }) => e.seq));
  const lines: string[] = [];
  const req = request({ socketPath: agent.socket, path: `/v1/events?follow=true&kind=policy&after=${seq}` });
  const done = new Promise<void>((resolve) => {
    req.on('response', (res) => {
      assert.equal(res.headers['content-type'], 'application/x-ndjson');
      res.on('data', (d) => lines.push(...String(d).split('\n').filter(Boolean)));
      res.on('close', resolve);
    });
    req.on('error', () => resolve());
  });
  req.end();
  try {
    await create({ name: 'stream-denied', cmd: ['true'], labels: { forbidden: 'yes' } });
    const event = await waitFor('the denial on the stream', () => lines.map((l) => JSON.parse(l)).find((e) => e.containerName === 'stream-denied'));
    assert.equal(event.kind, 'policy.denied');
  } finally {
    req.destroy();
    await done;
  }
});
