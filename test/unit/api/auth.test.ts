import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildServer } from '../../../agent/api/index.js';
import { FakeRuntime, fakeDeps } from './fake-runtime.js';

const TOKEN = 'a-test-token-of-some-length';

function tcpServer(t: { after: (fn: () => Promise<void>) => void }, token?: string) {
  const runtime = new FakeRuntime();
  const app = buildServer(fakeDeps(runtime, { listener: 'tcp', token }));
  t.after(() => app.close());
  return { app, runtime };
}

test('TCP without a configured token: reads are open, mutating calls are forbidden', async (t) => {
  const { app, runtime } = tcpServer(t);
  assert.equal((await app.inject({ url: '/healthz' })).statusCode, 200);
  assert.equal((await app.inject({ url: '/v1/containers' })).statusCode, 200);
  const res = await app.inject({ method: 'POST', url: '/v1/containers', payload: { rootfs: '/r' } });
  assert.equal(res.statusCode, 403);
  assert.equal(res.json().error.code, 'FORBIDDEN');
  assert.match(res.json().error.message, /unix socket/);
  const withToken = await app.inject({ method: 'POST', url: '/v1/containers', payload: { rootfs: '/r' }, headers: { authorization: `Bearer ${TOKEN}` } });
  assert.equal(withToken.statusCode, 403, 'no token configured: even a bearer header does not help');
  assert.equal(runtime.calls.length, 0);
});

test('TCP with a token: mutating calls need exactly that bearer token', async (t) => {
  const { app, runtime } = tcpServer(t, TOKEN);
  const none = await app.inject({ method: 'POST', url: '/v1/containers', payload: { rootfs: '/r' } });
  assert.equal(none.statusCode, 401);
  assert.equal(none.headers['www-authenticate'], 'Bearer realm="berth"');
  const wrong = await app.inject({ method: 'DELETE', url: '/v1/containers/x', headers: { authorization: `Bearer ${TOKEN}x` } });
  assert.equal(wrong.statusCode, 401);
  assert.match(wrong.json().error.message, /wrong/);
  const basic = await app.inject({ method: 'POST', url: '/v1/containers', payload: { rootfs: '/r' }, headers: { authorization: `Basic ${TOKEN}` } });
  assert.equal(basic.statusCode, 401);
  assert.equal(runtime.calls.length, 0);
  const ok = await app.inject({ method: 'POST', url: '/v1/containers', payload: { rootfs: '/r' }, headers: { authorization: `Bearer ${TOKEN}` } });
  assert.equal(ok.statusCode, 201);
});

test('the unix socket server needs no token', async (t) => {
  const runtime = new FakeRuntime();
  const app = buildServer(fakeDeps(runtime, { listener: 'unix', token: TOKEN }));
  t.after(() => app.close());
  assert.equal((await app.inject({ method: 'POST', url: '/v1/containers', payload: { rootfs: '/r' } })).statusCode, 201);
});
