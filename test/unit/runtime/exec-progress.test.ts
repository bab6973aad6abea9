import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BerthError } from '../../../agent/errors.js';
import { ExecProgress } from '../../../agent/runtime/exec-progress.js';

const WHAT = 'exec in container web (0123456789ab)';

test('exec progress: pid starts it, exit ends it with the code', async () => {
  const p = new ExecProgress(WHAT);
  assert.equal(p.feed('pid 4242'), true);
  assert.equal(await p.started, 4242);
  assert.equal(p.done, false);
  assert.equal(p.feed('exit 3'), true);
  assert.equal(p.done, true);
  assert.deepEqual(await p.ended, { exitCode: 3 });
});

test('exec progress: a killed exec shim ends with 128 + the signal and its name', async () => {
  const p = new ExecProgress(WHAT);
  p.feed('pid 7');
  p.feed('signal 9');
  assert.deepEqual(await p.ended, { exitCode: 137, signal: 'SIGKILL' });
  const q = new ExecProgress(WHAT);
  q.feed('pid 8');
  q.feed('signal 40'); // a real-time signal Node has no name for
  assert.deepEqual(await q.ended, { exitCode: 168, signal: 'SIG40' });
});

test('exec progress: a command not found after the start is the failure of a started exec (exit 127)', async () => {
  const p = new ExecProgress(WHAT);
  p.feed('pid 9');
  p.feed('error exec 2 execvp nope (PATH=/bin): No such file or directory');
  p.feed('exit 127');
  const end = await p.ended;
  assert.equal(end.exitCode, 127);
  assert.equal(end.failure?.code, 'COMMAND_NOT_FOUND');
  assert.equal(end.failure?.message, `${WHAT}: execvp nope (PATH=/bin): No such file or directory`);
});

test('exec progress: an error before the pid rejects the start with the mapped error', async () => {
  const p = new ExecProgress(WHAT);
  p.feed('error stdio 111 connect /state/exec.sock: Connection refused');
  p.feed('exit 125');
  await assert.rejects(p.started, (err: BerthError) => err.code === 'LAUNCH_FAILED'
    && err.message === `${WHAT}: step stdio: connect /state/exec.sock: Connection refused`);
  const q = new ExecProgress(WHAT);
  q.feed('signal 9');
  await assert.rejects(q.started, /the exec shim ended \(exit code 137\) before it reported its pid/);
});

test('exec progress: lines outside the protocol are refused; once ended, later lines change nothing', async () => {
  const p = new ExecProgress(WHAT);
  for (const line of ['pid', 'pid x', 'pid 1 2', 'exit', 'exit -1', 'created', 'shim 3']) assert.equal(p.feed(line), false, line);
  p.feed('pid 5');
  p.feed('exit 0');
  p.feed('exit 1');
  p.abandon('the berth-shim spawner (pid 1) was killed by SIGKILL');
  assert.deepEqual(await p.ended, { exitCode: 0 });
});

test('exec progress: a spawner gone before the exit gives 255 and says why', async () => {
  const p = new ExecProgress(WHAT);
  p.feed('pid 5');
  p.abandon('the berth-shim spawner (pid 1) was killed by SIGKILL');
  const end = await p.ended;
  assert.equal(end.exitCode, 255);
  assert.equal(end.failure?.message, `${WHAT}: the berth-shim spawner (pid 1) was killed by SIGKILL before it reported the exit status`);
});
