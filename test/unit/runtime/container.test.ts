import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertAllowed, isAllowed, toInfo, type ContainerRecord } from '../../../agent/runtime/container.js';
import { BerthError } from '../../../agent/errors.js';
import type { ContainerStatus, ResolvedSpec } from '../../../agent/runtime/types.js';

function record(status: ContainerStatus): ContainerRecord {
  return {
    id: 'a'.repeat(64), name: 'web', phase: 'created', status, pid: 42, shimPid: 41, createdAt: '2026-01-01T00:00:00Z',
    spec: {} as ResolvedSpec, cgroupName: 'a'.repeat(64), cgroup: '/berth/x', stateDir: '/s', warnings: [],
    files: { log: '/s/log', exit: '/s/exit', startFifo: '/s/fifo' },
  };
}

test('verbs are allowed only in their statuses', () => {
  assert.ok(isAllowed(record('created'), 'start'));
  assert.ok(!isAllowed(record('running'), 'start'));
  assert.ok(isAllowed(record('running'), 'pause'));
  assert.ok(!isAllowed(record('paused'), 'pause'));
  assert.ok(isAllowed(record('paused'), 'resume'));
  assert.ok(!isAllowed(record('exited'), 'kill'));
  assert.ok(!isAllowed(record('running'), 'remove'));
  assert.ok(isAllowed(record('exited'), 'remove'));
  assert.ok(!isAllowed(record('paused'), 'exec'));
});

test('a refused verb is INVALID_STATE naming the container, the status and what to do', () => {
  assert.throws(() => assertAllowed(record('running'), 'remove'), (err: unknown) => {
    assert.ok(err instanceof BerthError);
    assert.equal(err.code, 'INVALID_STATE');
    assert.match(err.message, /cannot remove container web \(aaaaaaaaaaaa\): it is running \(stop it first or use force\)/);
    return true;
  });
});

test('an exited container reports no pids', () => {
  const info = toInfo({ ...record('exited'), exit: { exitCode: 0, oomKilled: false, finishedAt: 'x' } });
  assert.equal(info.pid, 0);
  assert.equal(info.shimPid, 0);
  assert.equal(toInfo(record('running')).pid, 42);
});
