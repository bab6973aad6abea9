import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PolicyTracker } from '../../../dashboard/src/policy-state.js';
import { event, ID_A, ID_B } from './fixtures.js';

const rule = { policy: 'memory-guard', rule: 'memory-hog', action: 'kill' };

test('runtime rules go pending → firing → resolved per container, with the last action', () => {
  const p = new PolicyTracker();
  p.apply(event('policy.pending', 'memory-guard/memory-hog pending: 90% of the limit', { containerId: ID_A, data: rule }));
  assert.deepEqual(p.statusOf(ID_A, 'a'), { level: 'pending', text: 'pending: memory-guard/memory-hog' });
  assert.equal(p.rulesOf(ID_A)[0]!.message, '90% of the limit', 'the policy/rule prefix is dropped');
  p.apply(event('policy.firing', 'memory-guard/memory-hog firing: 95%', { containerId: ID_A, data: rule }));
  p.apply(event('policy.action', 'memory-guard/memory-hog: kill ok: killed', { containerId: ID_A, data: rule }));
  const [state] = p.rulesOf(ID_A);
  assert.equal(state!.state, 'firing');
  assert.equal(state!.action, 'kill');
  assert.equal(state!.lastAction, 'memory-guard/memory-hog: kill ok: killed');
  assert.equal(p.statusOf(ID_B, 'b').level, 'ok', 'other containers are unaffected');
  p.apply(event('policy.resolved', 'memory-guard/memory-hog resolved: ok', { containerId: ID_A, data: rule }));
  assert.equal(p.rulesOf(ID_A)[0]!.state, 'resolved');
  assert.equal(p.rulesOf(ID_A)[0]!.lastAction, 'memory-guard/memory-hog: kill ok: killed', 'kept across transitions');
  assert.equal(p.statusOf(ID_A, 'a').level, 'ok');
});

test('status order: firing over pending over stopped-by-policy over admission warnings', () => {
  const p = new PolicyTracker();
  p.apply(event('policy.warned', 'no pids limit', { containerName: 'a' }));
  assert.deepEqual(p.statusOf(ID_A, 'a'), { level: 'warned', text: 'warned: no pids limit' });
  // A warned exec or attach is about that request, not the container's spec: its warnings stay.
  p.apply(event('policy.warned', 'exec-access/attach: attaching', { containerName: 'a', data: { operation: 'attach' } }));
  assert.deepEqual(p.statusOf(ID_A, 'a'), { level: 'warned', text: 'warned: no pids limit' });
  assert.equal(p.statusOf(ID_A, 'a', 'policy memory-guard/memory-hog').level, 'stopped');
  p.apply(event('policy.pending', 'x', { containerId: ID_A, data: { policy: 'p', rule: 'slow' } }));
  assert.equal(p.statusOf(ID_A, 'a', 'policy memory-guard/memory-hog').level, 'pending');
  p.apply(event('policy.firing', 'y', { containerId: ID_A, data: { policy: 'p', rule: 'fast' } }));
  assert.deepEqual(p.statusOf(ID_A, 'a'), { level: 'firing', text: 'firing: p/fast' });
});

test('a removed container forgets its rules and warnings; reset replays events', () => {
  const p = new PolicyTracker();
  const events = [
    event('policy.warned', 'w', { containerName: 'a' }),
    event('policy.firing', 'f', { containerId: ID_A, data: rule }),
  ];
  p.reset(events);
  assert.equal(p.statusOf(ID_A, 'a').level, 'firing');
  p.apply(event('container.removed', 'removed', { containerId: ID_A, containerName: 'a' }));
  assert.deepEqual(p.rulesOf(ID_A), []);
  assert.deepEqual(p.warningsOf('a'), []);
});
