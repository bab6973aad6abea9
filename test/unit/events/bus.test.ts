// The event bus with a journal: what a restarted agent starts from.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBus, fileJournal, type BerthEvent } from '../../../agent/events/index.js';

function setup(t: { after(fn: () => void): void }) {
  const dir = mkdtempSync(join(tmpdir(), 'berth-events-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const warnings: string[] = [];
  const logger = { warn: (m: string) => warnings.push(m), error: () => assert.fail('no append should fail') };
  const path = join(dir, 'events.log');
  return { path, warnings, journal: () => fileJournal(path, logger as never) };
}

test('a bus on the journal of an earlier one has its history, and its seq goes on from there', (t) => {
  const { journal } = setup(t);
  const first = new EventBus({ journal: journal() });
  first.emit('container.created', 'created a', { containerId: 'a1', containerName: 'a' });
  first.emit('container.exited', 'a exited', { containerId: 'a1', data: { exitCode: 3 } });
  const second = new EventBus({ journal: journal() });
  assert.deepEqual(second.since(), first.since());
  const next = second.emit('agent.started', 'again');
  assert.equal(next.seq, 3);
  assert.deepEqual(second.since(2), [next]);
  assert.deepEqual(new EventBus({ journal: journal() }).since().map((e) => e.seq), [1, 2, 3]);
});

test('the restored history keeps only the newest historySize events', (t) => {
  const { journal } = setup(t);
  const first = new EventBus({ journal: journal() });
  for (let i = 0; i < 5; i++) first.emit('agent.started', `run ${i}`);
  const second = new EventBus({ historySize: 2, journal: journal() });
  assert.deepEqual(second.since().map((e) => e.message), ['run 3', 'run 4']);
  assert.equal(second.emit('agent.started', 'run 5').seq, 6);
});

test('records that are not events are left out with a warning, one out of order is left out', (t) => {
  const { path, warnings, journal } = setup(t);
  const first = new EventBus({ journal: journal() });
  first.emit('agent.started', 'one');
  appendFileSync(path, `${JSON.stringify({ seq: 'x', time: 'now' })}\n`);
  appendFileSync(path, `${JSON.stringify({ seq: 1, time: new Date().toISOString(), kind: 'agent.started', message: 'a replay' } satisfies BerthEvent)}\n`);
  first.emit('agent.started', 'two');
  const second = new EventBus({ journal: journal() });
  assert.deepEqual(second.since().map((e) => [e.seq, e.message]), [[1, 'one'], [2, 'two']]);
  assert.deepEqual(warnings, [`${path}: 1 record(s) that are not events skipped`]);
});
