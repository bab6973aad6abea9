import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventCategory, eventSeverity, matchesEventFilter } from '../../../dashboard/src/events-model.js';
import { isolationOf, sharedWithHost } from '../../../dashboard/src/namespaces.js';
import { event } from './fixtures.js';

test('events fall into the feed filters', () => {
  assert.equal(eventCategory('policy.denied'), 'denials');
  assert.equal(eventCategory('policy.warned'), 'warnings');
  assert.equal(eventCategory('policy.firing'), 'alerts');
  assert.equal(eventCategory('policy.action'), 'actions');
  assert.equal(eventCategory('container.oom'), 'lifecycle');
  const denial = event('policy.denied', 'no');
  assert.ok(matchesEventFilter(denial, 'all'));
  assert.ok(matchesEventFilter(denial, 'denials'));
  assert.ok(!matchesEventFilter(denial, 'lifecycle'));
});

test('severity: denials and firings are bad, a non-zero exit a warning', () => {
  assert.equal(eventSeverity(event('policy.denied', '')), 'bad');
  assert.equal(eventSeverity(event('policy.firing', '')), 'bad');
  assert.equal(eventSeverity(event('container.exited', '', { data: { exitCode: 137 } })), 'warn');
  assert.equal(eventSeverity(event('container.exited', '', { data: { exitCode: 0 } })), 'info');
});

test('namespace isolation per type, unknown when not sampled', () => {
  const ns = [{ type: 'net' as const, inode: 1, hostShared: true }, { type: 'pid' as const, inode: 2, hostShared: false }];
  assert.deepEqual(isolationOf(ns, 'net'), { isolation: 'host', inode: 1 });
  assert.deepEqual(isolationOf(ns, 'pid'), { isolation: 'private', inode: 2 });
  assert.deepEqual(isolationOf(ns, 'time'), { isolation: 'unknown' });
  assert.deepEqual(sharedWithHost(ns), ['net']);
});
