import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DashboardState, HISTORY_POINTS, LIST_POINTS } from '../../../dashboard/src/state.js';
import { event, host, ID_A, ID_B, sample, summary } from './fixtures.js';

function loaded(): DashboardState {
  const s = new DashboardState();
  s.apply({ type: 'hello', version: '1.2.3', intervalMs: 500, channels: [] });
  s.apply({ type: 'snapshot', channel: 'host', host: host(1000), history: [host(500), host(1000)] });
  s.apply({ type: 'snapshot', channel: 'containers', containers: [summary(ID_A, 'web')], samples: { [ID_A]: [sample(ID_A, 1000)] } });
  s.apply({ type: 'snapshot', channel: 'events', events: [] });
  return s;
}

test('snapshots fill the state; ticks append to the host and container rings', () => {
  const s = loaded();
  assert.equal(s.intervalMs, 500);
  assert.equal(s.agentVersion, '1.2.3');
  assert.equal(s.host.length, 2);
  assert.equal(s.containers.get(ID_A)!.samples.length, 1);
  const before = { ...s.revisions };
  s.apply({ type: 'tick', time: 1500, host: host(1500), samples: [sample(ID_A, 1500), sample(ID_B, 1500)] });
  assert.equal(s.host.length, 3);
  assert.equal(s.containers.get(ID_A)!.samples.length, 2);
  assert.equal(s.containers.has(ID_B), false, 'a sample of an unknown container creates nothing');
  assert.ok(s.revisions.host > before.host && s.revisions.samples > before.samples);
});

test('a repeated or older tick is not appended twice (snapshot and tick may overlap)', () => {
  const s = loaded();
  s.apply({ type: 'tick', time: 1000, host: host(1000), samples: [sample(ID_A, 1000)] });
  assert.equal(s.host.length, 2);
  assert.equal(s.containers.get(ID_A)!.samples.length, 1);
});

function tickFor(s: DashboardState, ticks: number, from: number): number {
  for (let i = 1; i <= ticks; i++) s.apply({ type: 'tick', time: from + i * 500, host: host(from + i * 500), samples: [sample(ID_A, from + i * 500), sample(ID_B, from + i * 500)] });
  return from + ticks * 500;
}

test('rings stay bounded however many ticks arrive: the host\'s and an open detail\'s at HISTORY_POINTS, a list row\'s at LIST_POINTS', () => {
  const s = loaded();
  s.apply({ type: 'container', change: 'created', container: summary(ID_B, 'db') });
  s.apply({ type: 'snapshot', channel: `container:${ID_A}`, container: summary(ID_A, 'web'), history: [sample(ID_A, 500), sample(ID_A, 1000)] });
  assert.equal(s.containers.get(ID_A)!.samples.length, 2, 'the detail snapshot\'s history');
  tickFor(s, HISTORY_POINTS + 50, 1000);
  assert.equal(s.host.length, HISTORY_POINTS);
  assert.equal(s.containers.get(ID_A)!.samples.length, HISTORY_POINTS);
  assert.equal(s.containers.get(ID_B)!.samples.length, LIST_POINTS);
  assert.equal(s.containers.get(ID_B)!.samples.last()!.t, 1000 + (HISTORY_POINTS + 50) * 500, 'the newest sample is kept');
});

test('a closed detail view leaves its container with the newest LIST_POINTS samples; opening it again brings the history back', () => {
  const s = loaded();
  const history = Array.from({ length: 10 }, (_, i) => sample(ID_A, 1000 + i * 500));
  s.apply({ type: 'snapshot', channel: `container:${ID_A}`, container: summary(ID_A, 'web'), history });
  let t = tickFor(s, 5, 1000 + 9 * 500);
  assert.equal(s.containers.get(ID_A)!.samples.length, 15);
  s.detailClosed('web'); // the route's key may be a name or an id prefix
  const kept = s.containers.get(ID_A)!.samples.toArray();
  assert.deepEqual(kept.map((x) => x.t), [t - 500, t]);
  t = tickFor(s, 3, t);
  assert.equal(s.containers.get(ID_A)!.samples.length, LIST_POINTS);
  s.apply({ type: 'snapshot', channel: `container:${ID_A}`, container: summary(ID_A, 'web'), history });
  assert.equal(s.containers.get(ID_A)!.samples.length, 10);
  tickFor(s, 3, t);
  assert.equal(s.containers.get(ID_A)!.samples.length, 13);
});

test('a detail opened before its container has samples keeps the history that arrives after', () => {
  const s = loaded();
  s.apply({ type: 'container', change: 'created', container: summary(ID_B, 'db', { status: 'created' }) });
  s.apply({ type: 'snapshot', channel: `container:${ID_B}`, container: summary(ID_B, 'db', { status: 'created' }), history: [] });
  s.apply({ type: 'container', change: 'started', container: summary(ID_B, 'db') });
  tickFor(s, 5, 1000);
  assert.equal(s.containers.get(ID_B)!.samples.length, 5);
});

test('container frames add, update and remove containers; a removed detail is known as gone', () => {
  const s = loaded();
  s.apply({ type: 'container', change: 'created', container: summary(ID_B, 'db', { status: 'created' }) });
  assert.equal(s.containers.get(ID_B)!.summary.status, 'created');
  s.apply({ type: 'container', change: 'removed', container: { id: ID_B } });
  assert.equal(s.containers.has(ID_B), false);
  assert.equal(s.detailSnapshots.get(ID_B), false);
});

test('namespaces known for a run survive a summary without them, but not a restart', () => {
  const s = loaded();
  const ns = [{ type: 'net' as const, inode: 7, hostShared: false }];
  s.apply({ type: 'snapshot', channel: `container:${ID_A}`, container: summary(ID_A, 'web', { namespaces: ns }), history: [] });
  s.apply({ type: 'container', change: 'paused', container: summary(ID_A, 'web', { status: 'paused' }) });
  assert.deepEqual(s.containers.get(ID_A)!.summary.namespaces, ns);
  s.apply({ type: 'container', change: 'started', container: summary(ID_A, 'web', { startedAt: '2024-01-01T01:00:00.000Z' }) });
  assert.deepEqual(s.containers.get(ID_A)!.summary.namespaces, []);
});

test('find takes a full id, a unique prefix or a name', () => {
  const s = loaded();
  s.apply({ type: 'container', change: 'created', container: summary('ab' + 'c'.repeat(62), 'db') });
  assert.equal(s.find('web')!.summary.id, ID_A);
  assert.equal(s.find('aaaa')!.summary.id, ID_A);
  assert.equal(s.find('a'), undefined, 'ambiguous prefix');
  assert.equal(s.find('zzz'), undefined);
});

test('events are kept, feed the policy tracker, and a new events snapshot starts a new epoch', () => {
  const s = loaded();
  const epoch = s.eventsEpoch;
  s.apply({ type: 'event', event: event('policy.firing', 'p/r firing: hot', { containerId: ID_A, data: { policy: 'p', rule: 'r' } }) });
  assert.equal(s.events.length, 1);
  assert.equal(s.policy.statusOf(ID_A, 'web').level, 'firing');
  s.apply({ type: 'snapshot', channel: 'events', events: [] });
  assert.equal(s.eventsEpoch, epoch + 1);
  assert.equal(s.policy.statusOf(ID_A, 'web').level, 'ok');
});

test('an error frame is kept for display', () => {
  const s = loaded();
  s.apply({ type: 'error', message: 'channels[0]: expected host' });
  assert.equal(s.lastError, 'channels[0]: expected host');
});
