// The policy and events routes through buildServer + app.inject: a real policy engine over a
// temp rules folder, berth's real spec resolver, and the API's in-memory fake runtime.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { buildServer } from '../../../agent/api/index.js';
import { EventBus } from '../../../agent/events/index.js';
import { createPolicyEngine } from '../../../agent/policy/index.js';
import { resolveSpec, validateSpec, type ContainerSpec } from '../../../agent/runtime/index.js';
import { FakeRuntime, fakeDeps } from './fake-runtime.js';
import { policyYaml, SUITE_ROOTFS, TempDir } from '../policy/fixtures.js';
import { waitFor } from '../../helpers/wait.js';

class ResolvingRuntime extends FakeRuntime {
  override async resolve(spec: ContainerSpec) { return resolveSpec(validateSpec(spec, { hostCpus: 2 }), { hostCpus: 2 }); }
}

async function setup(t: { after(fn: () => unknown): void }) {
  const dir = new TempDir();
  t.after(() => dir.remove());
  dir.write('gate.yaml', policyYaml('gate', '  admission:\n    - name: limit\n      expression: container.resources.memoryBytes > 0\n      message: set -m\n'));
  const events = new EventBus();
  const runtime = new ResolvingRuntime();
  const policy = createPolicyEngine({ rulesDir: dir.path, events, runtime, logger: pino({ level: 'silent' }), watch: false });
  await policy.start();
  const app = buildServer(fakeDeps(runtime, { events, policy }));
  t.after(() => app.close());
  return { app, events, runtime };
}

test('GET /v1/policies lists the rules in force', async (t) => {
  const { app } = await setup(t);
  const r = await app.inject({ method: 'GET', url: '/v1/policies' });
  assert.equal(r.statusCode, 200);
  const body = r.json();
  assert.deepEqual(body.policies.map((p: { name: string; admission: Array<{ expression: string }> }) => [p.name, p.admission[0].expression]),
    [['gate', 'container.resources.memoryBytes > 0']]);
  assert.equal(body.lastError, undefined);
});

test('POST /v1/policies/evaluate resolves the spec and returns the decision without creating anything', async (t) => {
  const { app, runtime } = await setup(t);
  const denied = await app.inject({ method: 'POST', url: '/v1/policies/evaluate', payload: { rootfs: SUITE_ROOTFS, cmd: ['/bin/sh'] } });
  assert.equal(denied.statusCode, 200, denied.body);
  assert.equal(denied.json().allowed, false);
  assert.deepEqual(denied.json().violations, [{ policy: 'gate', rule: 'limit', message: 'set -m', enforcement: 'enforce' }]);
  assert.equal(denied.json().container.user.uid, 0);
  const allowed = await app.inject({ method: 'POST', url: '/v1/policies/evaluate', payload: { rootfs: SUITE_ROOTFS, cmd: ['/bin/sh'], resources: { memoryBytes: 64 << 20 } } });
  assert.equal(allowed.json().allowed, true);
  assert.equal(runtime.calls.filter((c) => c.method === 'create').length, 0);
  const bad = await app.inject({ method: 'POST', url: '/v1/policies/evaluate', payload: { rootfs: SUITE_ROOTFS, cmd: ['/bin/sh'], memory: 5 } });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().error.code, 'INVALID_SPEC');
});

test('GET /v1/policies/report has one entry per container', async (t) => {
  const { app, runtime } = await setup(t);
  await runtime.create({ name: 'one', rootfs: SUITE_ROOTFS, cmd: ['/bin/sh'] });
  const r = await app.inject({ method: 'GET', url: '/v1/policies/report' });
  assert.equal(r.statusCode, 200);
  assert.equal(r.json().kind, 'PolicyReport');
  assert.deepEqual(r.json().containers.map((c: { name: string; summary: object }) => c.name), ['one']);
});

test('GET /v1/events filters by after, kind and container', async (t) => {
  const { app, events } = await setup(t);
  const base = events.since().at(-1)?.seq ?? 0;
  events.emit('container.created', 'created a', { containerId: 'aaaa1111', containerName: 'a' });
  events.emit('policy.denied', 'denied b', { containerName: 'b' });
  events.emit('policy.warned', 'warned a', { containerId: 'aaaa1111', containerName: 'a' });
  const get = async (q: string) => (await app.inject({ method: 'GET', url: `/v1/events?after=${base}${q}` })).json().map((e: { message: string }) => e.message);
  assert.deepEqual(await get(''), ['created a', 'denied b', 'warned a']);
  assert.deepEqual(await get('&kind=policy'), ['denied b', 'warned a']);
  assert.deepEqual(await get('&kind=policy.denied'), ['denied b']);
  assert.deepEqual(await get('&container=aaaa'), ['created a', 'warned a']);
  assert.deepEqual(await get('&container=b'), ['denied b']);
  assert.deepEqual(await get('&kind=pol'), []); // a prefix is a whole segment
  const bad = await app.inject({ method: 'GET', url: '/v1/events?after=-1' });
  assert.equal(bad.statusCode, 400);
});

test('GET /v1/events filters by since and until (docker\'s time forms), to the millisecond', async (t) => {
  const { app, events } = await setup(t);
  const base = events.since().at(-1)?.seq ?? 0;
  events.emit('container.created', 'first', { containerName: 'a' });
  const first = events.since().at(-1)!.time;
  await waitFor('the clock to pass the first event', () => new Date().toISOString() > first, { intervalMs: 1 });
  events.emit('container.started', 'second', { containerName: 'a' });
  const second = events.since().at(-1)!.time;
  const get = async (q: string) => (await app.inject({ method: 'GET', url: `/v1/events?after=${base}${q}` })).json().map((e: { message: string }) => e.message);
  assert.deepEqual(await get(`&since=${second}`), ['second']);
  assert.deepEqual(await get(`&until=${first}`), ['first']);
  assert.deepEqual(await get(`&since=${Math.floor(Date.parse(first) / 1000)}`), ['first', 'second'], 'unix seconds');
  assert.deepEqual(await get('&since=1h'), ['first', 'second'], 'a duration back from now');
  assert.deepEqual(await get('&until=1h'), []);
  const bad = await app.inject({ method: 'GET', url: '/v1/events?since=yesterday' });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.json().error.message, /since "yesterday" is not a time/);
});
