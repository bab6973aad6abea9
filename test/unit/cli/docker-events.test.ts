// events for scripts written for docker: its --filter keys and its template fields.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dockerEventView, eventFilter } from '../../../agent/cli/docker-events.js';
import type { BerthEvent } from '../../../agent/events/index.js';

const ID = 'b'.repeat(64);
const ev = (kind: BerthEvent['kind'], over: Partial<BerthEvent> = {}): BerthEvent =>
  ({ seq: 1, time: '2026-12-05T10:00:00.250Z', kind, containerId: ID, containerName: 'web', message: '', ...over });

test('a berth event in docker\'s shape: Type, Action (docker\'s names), Actor with the name and a die\'s exit code, Time in seconds', () => {
  assert.deepEqual(dockerEventView(ev('container.exited', { data: { exitCode: 3 } })), {
    Type: 'container', Action: 'die', Status: 'die', ID, Scope: 'local', Actor: { ID, Attributes: { name: 'web', exitCode: '3' } },
    Time: 1796464800, TimeNano: 1796464800250e6,
  });
  const policy = dockerEventView(ev('policy.denied', { containerId: undefined, containerName: undefined }));
  assert.deepEqual([policy.Type, policy.Action, policy.Actor], ['policy', 'policy.denied', { ID: '', Attributes: {} }]);
});

test('--filter: type, event (docker\'s action or berth\'s kind), container by name or id prefix; a key\'s values are alternatives, keys all apply', () => {
  const events = [ev('container.started'), ev('container.exited'), ev('container.removed', { containerName: 'db', containerId: 'c'.repeat(64) }),
    ev('policy.firing')];
  const kinds = (filters: string[]) => events.filter(eventFilter(filters)).map((e) => e.kind);
  assert.deepEqual(kinds(['event=die', 'event=destroy']), ['container.exited', 'container.removed']);
  assert.deepEqual(kinds(['type=container', 'container=web']), ['container.started', 'container.exited']);
  assert.deepEqual(kinds(['container=ccc', 'event=container.removed']), ['container.removed']);
  assert.deepEqual(kinds(['type=policy']), ['policy.firing']);
  assert.deepEqual(kinds([]), events.map((e) => e.kind));
  assert.throws(() => eventFilter(['label=a=b']), /--filter "label=a=b": use type=container, event=ACTION/);
});
