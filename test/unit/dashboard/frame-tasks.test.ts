import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameTasks } from '../../../dashboard/src/frame-tasks.js';

test('tasks run in queue order within the budget, the rest in later frames', () => {
  const q = new FrameTasks();
  const ran: string[] = [];
  let clock = 0;
  for (const k of ['a', 'b', 'c']) q.enqueue(k, () => { ran.push(k); clock += 5; });
  assert.equal(q.run(8, () => clock), true, 'c is left for the next frame');
  assert.deepEqual(ran, ['a', 'b']);
  assert.equal(q.run(8, () => clock), false);
  assert.deepEqual(ran, ['a', 'b', 'c']);
});

test('at least one task runs even over budget; a re-queued key runs once with its newest task', () => {
  const q = new FrameTasks();
  const ran: string[] = [];
  let clock = 0;
  q.enqueue('chart', () => ran.push('old'));
  q.enqueue('other', () => { ran.push('other'); clock += 100; });
  q.enqueue('chart', () => ran.push('new'));
  assert.equal(q.pending, 2);
  q.run(0, () => clock);
  assert.deepEqual(ran, ['other'], 'the re-queued key moved behind');
  q.run(0, () => clock);
  assert.deepEqual(ran, ['other', 'new']);
  q.enqueue('x', () => ran.push('x'));
  q.clear();
  assert.equal(q.run(8, () => clock), false);
  assert.deepEqual(ran, ['other', 'new']);
});
