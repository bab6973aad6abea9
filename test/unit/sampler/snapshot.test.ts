import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSnapshotStore, Ring } from '../../../agent/sampler/snapshot.js';
import type { HostSample, SampleTick } from '../../../agent/sampler/types.js';
import { FAKE_MACHINE, fakeSample } from '../../helpers/samples.js';

const host = (time: number): HostSample => ({
  time, cpuCores: 2, cpuPercent: 0, memoryTotalBytes: 1, memoryAvailableBytes: 1, swapTotalBytes: 0, machine: FAKE_MACHINE, load1: 0, load5: 0, load15: 0,
  containersRunning: 0, containersFailed: 0, agent: { cpuSecondsTotal: 0, rssBytes: 0, sampleDurationSeconds: 0, sampleStride: 1 },
});
const tick = (time: number, ids: string[]): SampleTick => ({ time, samples: ids.map((id) => fakeSample(id, time)), host: host(time) });

test('Ring keeps the newest items, oldest first', () => {
  const r = new Ring<number>(3);
  assert.deepEqual(r.toArray(), []);
  assert.equal(r.latest(), undefined);
  for (let i = 1; i <= 5; i++) r.push(i);
  assert.deepEqual(r.toArray(), [3, 4, 5]);
  assert.deepEqual(r.toArray(2), [4, 5]);
  assert.equal(r.latest(), 5);
});

test('store: latest, bounded history, removed containers dropped, alive ones kept', () => {
  const store = createSnapshotStore(2);
  store.record(tick(1, ['a', 'b']));
  store.record(tick(2, ['a', 'b']));
  store.record(tick(3, ['a']), new Set(['a', 'b'])); // b's read failed this tick but it still runs
  assert.deepEqual(store.history('a').map((s) => s.time), [2, 3]);
  assert.equal(store.latest('b')?.time, 2);
  store.record(tick(4, ['a']));                      // b is gone
  assert.equal(store.latest('b'), undefined);
  assert.deepEqual(store.history('b'), []);
  assert.deepEqual(store.all().map((s) => s.id), ['a']);
  assert.deepEqual(store.hostHistory().map((h) => h.time), [3, 4]);
  assert.equal(store.host()?.time, 4);
  assert.deepEqual(store.history('a', 1).map((s) => s.time), [4]);
});

test('store: listeners run per tick, a throwing one is reported and does not stop the others', () => {
  const errors: unknown[] = [];
  const store = createSnapshotStore(5, (e) => errors.push(e));
  const seen: number[] = [];
  store.subscribe(() => { throw new Error('boom'); });
  const off = store.subscribe((t) => seen.push(t.time));
  store.record(tick(1, []));
  off();
  store.record(tick(2, []));
  assert.deepEqual(seen, [1]);
  assert.equal(errors.length, 2);
  assert.throws(() => createSnapshotStore(0), /positive integer, got 0/);
});
