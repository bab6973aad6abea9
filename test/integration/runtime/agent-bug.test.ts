// A bug that escapes every handler (here an unhandled rejection injected by a preloaded module)
// ends the agent with exit 1 and a fatal JSON line in its log naming the error; the container it
// ran goes on and the next agent adopts it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { busyboxRootfs } from '../../helpers/rootfs.js';
import { BERTH_MAIN, freePort, ROOT, START_TIMEOUT_MS, TestAgent } from '../../helpers/agent.js';
import { waitFor } from '../../helpers/wait.js';
import { ensureShim } from './harness.js';

const INJECT = join(ROOT, 'test/fixtures/agent/bug-on-sigusr2.mjs');

test('an unhandled rejection ends the agent with a fatal JSON log line; its container runs on and is adopted', async (t) => {
  ensureShim();
  const agent = new TestAgent();
  t.after(() => agent.stop());
  agent.port = await freePort();
  const proc = spawn(process.execPath, ['--import', INJECT, ...BERTH_MAIN, ...agent.args()],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => { if (proc.exitCode === null) proc.kill('SIGKILL'); });
  let stdout = '';
  proc.stdout!.on('data', (d) => { stdout += d; });
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  await waitFor('the agent to answer', async () => (await agent.api('GET', '/healthz').catch(() => ({ status: 0 }))).status === 200,
    { timeoutMs: START_TIMEOUT_MS });
  const created = await agent.api('POST', '/v1/containers', { name: 'survivor', rootfs: busyboxRootfs(), cmd: ['sleep', '300'], start: true });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const pid = (await agent.api('GET', `/v1/containers/${created.body.id}`)).body.pid as number;

  proc.kill('SIGUSR2');
  assert.equal(await exited, 1);
  const fatal = stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((l) => l.level === 60);
  assert.ok(fatal, `a fatal line in: ${stdout}`);
  assert.match(fatal.msg, /^unhandled rejection: the agent stops/);
  assert.equal(fatal.err.message, 'injected bug');
  assert.match(fatal.err.stack, /injected bug/);

  process.kill(pid, 0); // throws if the container died with the agent
  await agent.start();
  const adopted = (await agent.api('GET', `/v1/containers/${created.body.id}`)).body;
  assert.deepEqual([adopted.status, adopted.pid], ['running', pid]);
});
