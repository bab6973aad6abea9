import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildServer } from '../../../agent/api/index.js';
import { BerthError } from '../../../agent/errors.js';
import { FakeRuntime, fakeDeps } from './fake-runtime.js';

function setup(t: { after: (fn: () => Promise<void>) => void }, runtime = new FakeRuntime()) {
  const app = buildServer(fakeDeps(runtime));
  t.after(() => app.close());
  return { app, runtime };
}

test('POST /v1/containers creates and answers 201 with id, name and warnings', async (t) => {
  const { app, runtime } = setup(t);
  const res = await app.inject({ method: 'POST', url: '/v1/containers', payload: { name: 'web', rootfs: '/r', cmd: ['/bin/true'] } });
  assert.equal(res.statusCode, 201);
  const body = res.json();
  assert.match(body.id, /^[0-9a-f]{64}$/);
  assert.equal(body.name, 'web');
  assert.deepEqual(body.warnings, ['w1']);
  assert.deepEqual(runtime.calls.map((c) => c.method), ['create']);
  assert.deepEqual(runtime.calls[0]!.args[0], { name: 'web', rootfs: '/r', cmd: ['/bin/true'] });
});

test('POST /v1/containers with start:true creates then starts, and the start flag is not part of the spec', async (t) => {
  const { app, runtime } = setup(t);
  const res = await app.inject({ method: 'POST', url: '/v1/containers', payload: { rootfs: '/r', start: true } });
  assert.equal(res.statusCode, 201);
  assert.deepEqual(runtime.calls.map((c) => c.method), ['create', 'start']);
  assert.equal('start' in (runtime.calls[0]!.args[0] as object), false);
  assert.equal(runtime.get(res.json().id).status, 'running');
});

test('a container that cannot start is removed again and the start error is returned', async (t) => {
  const runtime = new FakeRuntime();
  runtime.failStart = new BerthError('LAUNCH_FAILED', 'mount /proc: EPERM');
  const { app } = setup(t, runtime);
  const res = await app.inject({ method: 'POST', url: '/v1/containers', payload: { rootfs: '/r', start: true } });
  assert.equal(res.statusCode, 500);
  assert.deepEqual(res.json().error, { code: 'LAUNCH_FAILED', message: 'mount /proc: EPERM' });
  assert.deepEqual(runtime.calls.map((c) => c.method), ['create', 'start', 'remove']);
  assert.equal(runtime.containers.size, 0);
});

test('schema errors name the field: wrong type, unknown field, missing field, bad enum', async (t) => {
  const { app, runtime } = setup(t);
  const cases: [unknown, string, string][] = [
    [{ rootfs: '/r', resources: { memoryBytes: 'lots' } }, 'resources.memoryBytes', 'must be integer'],
    [{ rootfs: '/r', memory: 5 }, 'memory', 'unknown field memory'],
    [{ rootfs: '/r', mounts: [{ type: 'bind', source: '/a' }] }, 'mounts[0].target', 'missing field mounts[0].target'],
    [{ rootfs: '/r', namespaces: { net: 'shared' } }, 'namespaces.net', 'must match pattern "^(private|host|container:.+)$"'],
    [{ rootfs: '/r', cmd: [1] }, 'cmd[0]', 'cmd[0] must be string'],
  ];
  for (const [payload, field, text] of cases) {
    const res = await app.inject({ method: 'POST', url: '/v1/containers', payload: payload as object });
    assert.equal(res.statusCode, 400, JSON.stringify(payload));
    const { error } = res.json();
    assert.equal(error.code, 'INVALID_SPEC');
    assert.equal(error.details.field, field);
    assert.ok(error.message.includes(text), `${error.message} should include ${text}`);
  }
  assert.equal(runtime.calls.length, 0, 'the runtime never sees a spec that fails the schema');
});

test('BerthErrors map to their catalogue status and JSON body', async (t) => {
  const runtime = new FakeRuntime();
  runtime.failCreate = new BerthError('POLICY_DENIED', 'denied by baseline/no-privileged', { violations: [{ policy: 'baseline' }] });
  const { app } = setup(t, runtime);
  const denied = await app.inject({ method: 'POST', url: '/v1/containers', payload: { rootfs: '/r' } });
  assert.equal(denied.statusCode, 403);
  assert.deepEqual(denied.json(), { error: { code: 'POLICY_DENIED', message: 'denied by baseline/no-privileged', details: { violations: [{ policy: 'baseline' }] } } });
  const missing = await app.inject({ method: 'GET', url: '/v1/containers/nope' });
  assert.equal(missing.statusCode, 404);
  assert.equal(missing.json().error.code, 'NOT_FOUND');
});

test('lifecycle routes call the runtime with the query parameters and a user stop reason', async (t) => {
  const { app, runtime } = setup(t);
  const { id } = (await app.inject({ method: 'POST', url: '/v1/containers', payload: { rootfs: '/r', start: true } })).json();
  const short = id.slice(0, 12);
  assert.equal((await app.inject({ method: 'POST', url: `/v1/containers/${short}/stop?t=3` })).json().status, 'exited');
  assert.deepEqual(runtime.calls.at(-1), { method: 'stop', args: [short, { timeoutSeconds: 3, signal: undefined }, { by: 'user' }] });
  await app.inject({ method: 'POST', url: `/v1/containers/${short}/stop?signal=SIGINT` });
  assert.deepEqual(runtime.calls.at(-1), { method: 'stop', args: [short, { timeoutSeconds: undefined, signal: 'SIGINT' }, { by: 'user' }] });
  assert.equal((await app.inject({ method: 'POST', url: `/v1/containers/${short}/restart?t=2&signal=HUP` })).json().status, 'running');
  assert.deepEqual(runtime.calls.at(-1), { method: 'restart', args: [short, { timeoutSeconds: 2, signal: 'HUP' }, { by: 'user' }] });
  assert.equal((await app.inject({ method: 'POST', url: `/v1/containers/${short}/rename?name=renamed` })).json().name, 'renamed');
  assert.deepEqual(runtime.calls.at(-1), { method: 'rename', args: [short, 'renamed'] });
  assert.equal((await app.inject({ method: 'POST', url: `/v1/containers/${short}/rename` })).json().error.details.field, 'name');
  await app.inject({ method: 'POST', url: `/v1/containers/${short}/kill?signal=SIGINT` });
  assert.deepEqual(runtime.calls.at(-1), { method: 'kill', args: [short, 'SIGINT', { by: 'user' }] });
  assert.equal((await app.inject({ method: 'POST', url: `/v1/containers/${short}/pause` })).json().status, 'paused');
  assert.equal((await app.inject({ method: 'POST', url: `/v1/containers/${short}/resume` })).json().status, 'running');
  const bad = await app.inject({ method: 'POST', url: `/v1/containers/${short}/stop?t=soon` });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().error.code, 'INVALID_REQUEST');
  assert.equal(bad.json().error.details.field, 't');
});

test('POST /v1/containers/:id/update passes the limits as a user update; the body is checked strictly', async (t) => {
  const { app, runtime } = setup(t);
  const { id } = (await app.inject({ method: 'POST', url: '/v1/containers', payload: { rootfs: '/r', name: 'u', start: true } })).json();
  const res = await app.inject({ method: 'POST', url: '/v1/containers/u/update', payload: { resources: { memoryBytes: 1 << 26, cpus: 0.5 } } });
  assert.equal(res.statusCode, 200);
  assert.equal(res.json().id, id);
  assert.equal(res.json().spec.resources.memoryBytes, 1 << 26);
  assert.deepEqual(runtime.calls.at(-1), { method: 'update', args: ['u', { memoryBytes: 1 << 26, cpus: 0.5 }, 'user'] });
  const calls = runtime.calls.length;
  const cases: [unknown, string, string][] = [
    [{ resources: { memoryBytes: '64m' } }, 'resources.memoryBytes', 'must be integer'],
    [{ resources: { memory: 1 } }, 'resources.memory', 'unknown field resources.memory'],
    [{ cpus: 1 }, 'cpus', 'unknown field cpus'],
    [{}, 'resources', 'give resources, a restartPolicy or both'],
    [{ restartPolicy: { name: 'always', maxRetries: 2 } }, 'restartPolicy.maxRetries', 'goes only with "on-failure"'],
  ];
  for (const [payload, field, text] of cases) {
    const bad = await app.inject({ method: 'POST', url: '/v1/containers/u/update', payload: payload as object });
    assert.equal(bad.statusCode, 400, JSON.stringify(payload));
    assert.equal(bad.json().error.code, 'INVALID_SPEC');
    assert.equal(bad.json().error.details.field, field);
    assert.ok(bad.json().error.message.includes(text), bad.json().error.message);
  }
  assert.equal(runtime.calls.length, calls, 'the runtime never sees a body that fails the schema');
  assert.equal((await app.inject({ method: 'POST', url: '/v1/containers/nope/update', payload: { resources: { cpus: 1 } } })).statusCode, 404);
});

test('GET /v1/containers/:id/top passes ps_args split at spaces and answers titles and rows', async (t) => {
  const { app, runtime } = setup(t);
  await app.inject({ method: 'POST', url: '/v1/containers', payload: { rootfs: '/r', name: 'p', start: true } });
  const res = await app.inject({ url: '/v1/containers/p/top?ps_args=-o%20pid,rss,args' });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), { titles: ['UID', 'PID', 'CMD'], processes: [['root', '4242', 'sleep 100']] });
  assert.deepEqual(runtime.calls.at(-1), { method: 'top', args: ['p', ['-o', 'pid,rss,args']] });
  await app.inject({ url: '/v1/containers/p/top' });
  assert.deepEqual(runtime.calls.at(-1), { method: 'top', args: ['p', []] });
});

test('GET /v1/containers lists running containers, ?all=true every one', async (t) => {
  const { app } = setup(t);
  await app.inject({ method: 'POST', url: '/v1/containers', payload: { rootfs: '/r', name: 'a', start: true } });
  await app.inject({ method: 'POST', url: '/v1/containers', payload: { rootfs: '/r', name: 'b' } });
  assert.deepEqual((await app.inject({ url: '/v1/containers' })).json().map((c: { name: string }) => c.name), ['a']);
  assert.deepEqual((await app.inject({ url: '/v1/containers?all=true' })).json().map((c: { name: string }) => c.name).sort(), ['a', 'b']);
  const one = (await app.inject({ url: '/v1/containers/b' })).json();
  assert.equal(one.name, 'b');
  assert.equal(one.status, 'created');
  assert.equal(one.spec.rootfs, '/r', 'the resolved spec passes through the response schema');
});

test('wait answers with the exit info; DELETE refuses a running container unless forced', async (t) => {
  const { app, runtime } = setup(t);
  await app.inject({ method: 'POST', url: '/v1/containers', payload: { rootfs: '/r', name: 'a', start: true } });
  assert.deepEqual((await app.inject({ method: 'POST', url: '/v1/containers/a/wait' })).json(),
    { exitCode: 3, oomKilled: false, finishedAt: '2024-01-01T00:00:00.000Z' });
  const refused = await app.inject({ method: 'DELETE', url: '/v1/containers/a' });
  assert.equal(refused.statusCode, 409);
  assert.equal(refused.json().error.code, 'INVALID_STATE');
  assert.equal((await app.inject({ method: 'DELETE', url: '/v1/containers/a?force=true' })).statusCode, 204);
  assert.equal(runtime.containers.size, 0);
});

test('unknown routes answer 404 JSON naming the route; bad JSON answers 400 JSON', async (t) => {
  const { app } = setup(t);
  const res = await app.inject({ method: 'GET', url: '/v1/nothing?x=1' });
  assert.equal(res.statusCode, 404);
  assert.deepEqual(res.json(), { error: { code: 'NOT_FOUND', message: 'no route GET /v1/nothing' } });
  const bad = await app.inject({ method: 'POST', url: '/v1/containers', payload: '{"rootfs":', headers: { 'content-type': 'application/json' } });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().error.code, 'INVALID_REQUEST');
});

test('/healthz, /v1/version and /v1/info answer', async (t) => {
  const { app } = setup(t);
  await app.inject({ method: 'POST', url: '/v1/containers', payload: { rootfs: '/r', start: true } });
  assert.deepEqual((await app.inject({ url: '/healthz' })).json(), { status: 'ok' });
  const version = (await app.inject({ url: '/v1/version' })).json();
  assert.equal(version.version, '0.0.0-test');
  assert.equal(version.apiVersion, 'v1');
  const info = (await app.inject({ url: '/v1/info' })).json();
  assert.equal(info.cgroupVersion, 'hybrid');
  assert.deepEqual(info.containers, { total: 1, created: 0, running: 1, paused: 0, stopping: 0, exited: 0, removing: 0 });
});
