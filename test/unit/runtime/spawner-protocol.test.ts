import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BerthError } from '../../../agent/errors.js';
import { CreateProgress, pidsOf } from '../../../agent/runtime/shim.js';
import { LineSplitter, MAX_REQUEST_BYTES, frameRequest, splitReply } from '../../../agent/runtime/spawner-protocol.js';

test('a request is the plan behind its type (L launch, X exec) and its length as u32 little-endian', () => {
  const plan = Buffer.from('BERTHPLAN\u00001\u0000id\u00001\u0000abc\u0000');
  const framed = frameRequest('launch', 'abc', plan);
  assert.equal(framed.length, 5 + plan.length);
  assert.equal(framed.toString('latin1', 0, 1), 'L');
  assert.equal(framed.readUInt32LE(1), plan.length);
  assert.deepEqual(framed.subarray(5), plan);
  assert.deepEqual([...frameRequest('exec', 'x', Buffer.alloc(0))], [0x58, 0, 0, 0, 0]);
  assert.deepEqual([...frameRequest('launch', 'x', Buffer.alloc(0x0102)).subarray(0, 5)], [0x4c, 0x02, 0x01, 0, 0]);
});

test('ids that cannot prefix a status line and plans over the limit are refused, naming the id', () => {
  for (const id of ['', 'a b', 'a\nb', 'x'.repeat(129), 'ä']) {
    assert.throws(() => frameRequest('exec', id, Buffer.alloc(1)), (err: BerthError) => err.code === 'INTERNAL' && err.message.includes(JSON.stringify(id)));
  }
  assert.throws(() => frameRequest('launch', 'big', Buffer.alloc(MAX_REQUEST_BYTES + 1)), /spawner request for big: plan of 16777217 bytes is over/);
  assert.equal(frameRequest('launch', 'ok', Buffer.alloc(MAX_REQUEST_BYTES)).length, MAX_REQUEST_BYTES + 5);
});

test('replies split into id and status line; a line without an id is not a reply', () => {
  assert.deepEqual(splitReply('abc shim 12'), { id: 'abc', status: 'shim 12' });
  assert.deepEqual(splitReply('abc error mount 1 mount proc on /proc: EPERM'), { id: 'abc', status: 'error mount 1 mount proc on /proc: EPERM' });
  assert.deepEqual(splitReply('* error spawner 27 read request'), { id: '*', status: 'error spawner 27 read request' });
  assert.equal(splitReply('created'), undefined);
  assert.equal(splitReply(' created'), undefined);
});

test('the line splitter keeps a partial line until its newline arrives', () => {
  const s = new LineSplitter();
  assert.deepEqual(s.push('a shim 1\nb sh'), ['a shim 1']);
  assert.deepEqual(s.push('im 2'), []);
  assert.deepEqual(s.push('\n\na created\n'), ['b shim 2', '', 'a created']);
});

test('create progress: shim, init, created give the pids', () => {
  const p = new CreateProgress();
  assert.equal(p.feed('shim 10'), true);
  assert.equal(p.done, false);
  assert.equal(p.feed('init 11'), true);
  assert.equal(p.feed('nonsense'), false);
  assert.equal(p.feed('created'), true);
  assert.equal(p.done, true);
  assert.deepEqual(p.result('create container x'), { shimPid: 10, initPid: 11 });
});

test('create progress: an error maps to the BerthError and carries the pids seen so far', () => {
  const p = new CreateProgress();
  p.feed('shim 10');
  p.feed('error exec 2 execvp nope (PATH=/bin): No such file or directory');
  assert.equal(p.done, true);
  assert.throws(() => p.result('create container x'), (err: BerthError) => {
    assert.equal(err.code, 'COMMAND_NOT_FOUND');
    assert.match(err.message, /^create container x: execvp nope/);
    assert.deepEqual(pidsOf(err), { shimPid: 10, initPid: 0 });
    return true;
  });
});

test('create progress: `created` without pids is a failure; abandon keeps the pids', () => {
  const p = new CreateProgress();
  p.feed('created');
  assert.throws(() => p.result('create container x'), /create container x: berth-shim reported `created` without its pids/);
  const q = new CreateProgress();
  q.feed('shim 7');
  const err = q.abandon(new BerthError('LAUNCH_FAILED', 'gone'));
  assert.deepEqual(pidsOf(err), { shimPid: 7, initPid: 0 });
});
