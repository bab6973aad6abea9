import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { ShimSpawner } from '../../../agent/runtime/shim-spawner.js';

const logger = pino({ level: 'silent' });

test('a spawner binary that cannot be started fails the launch naming the path and errno, every time', async () => {
  const spawner = new ShimSpawner('/nonexistent/berth-shim', logger);
  for (let i = 0; i < 2; i++) { // the second create tries again rather than reusing the failed process
    await assert.rejects(spawner.launch('abc', Buffer.from('plan'), 'create container x'), (err: { code: string; message: string }) => {
      assert.equal(err.code, 'LAUNCH_FAILED');
      assert.equal(err.message, 'create container x: spawn /nonexistent/berth-shim spawner: ENOENT');
      return true;
    });
  }
  assert.equal(spawner.pid, undefined);
  spawner.close();
});

test('after close, launches are refused and an invalid id never reaches a process', async () => {
  const spawner = new ShimSpawner('/nonexistent/berth-shim', logger);
  await assert.rejects(spawner.launch('a b', Buffer.from('plan'), 'create container x'), /spawner request: id "a b" is not a status-line id/);
  spawner.close();
  await assert.rejects(spawner.launch('abc', Buffer.from('plan'), 'create container x'),
    (err: { code: string; message: string }) => err.code === 'INVALID_STATE' && /create container x: the runtime is shutting down/.test(err.message));
});
