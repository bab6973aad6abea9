import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStatusLine, shimError } from '../../../agent/runtime/shim.js';

test('status lines of the shim protocol are parsed; unknown ones are kept as other', () => {
  assert.deepEqual(parseStatusLine('shim 1234'), { kind: 'shim', pid: 1234 });
  assert.deepEqual(parseStatusLine('init 99'), { kind: 'init', pid: 99 });
  assert.deepEqual(parseStatusLine('created'), { kind: 'created' });
  assert.deepEqual(parseStatusLine('error mount 1 mount proc on /proc: EPERM'),
    { kind: 'error', error: { step: 'mount', errno: 1, message: 'mount proc on /proc: EPERM' } });
  assert.deepEqual(parseStatusLine('init abc'), { kind: 'other', line: 'init abc' });
  assert.deepEqual(parseStatusLine('created now'), { kind: 'other', line: 'created now' });
});

test('exec errors map to docker exit codes 127/126; other steps to LAUNCH_FAILED naming the step', () => {
  const notFound = shimError({ step: 'exec', errno: 2, message: 'execvp nope: ENOENT' }, 'create container x');
  assert.equal(notFound.code, 'COMMAND_NOT_FOUND');
  assert.equal(notFound.exitCode, 127);
  const notExec = shimError({ step: 'exec', errno: 13, message: 'execvp /etc/passwd: EACCES' }, 'create container x');
  assert.equal(notExec.code, 'COMMAND_NOT_EXECUTABLE');
  assert.equal(notExec.exitCode, 126);
  const mount = shimError({ step: 'mount', errno: 1, message: 'mount proc on /proc: EPERM' }, 'create container x');
  assert.equal(mount.code, 'LAUNCH_FAILED');
  assert.match(mount.message, /create container x: step mount: mount proc on \/proc: EPERM/);
});
