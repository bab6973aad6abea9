import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateName, isFullId, newContainerId } from '../../../agent/runtime/ids.js';
import { parseSignal } from '../../../agent/runtime/signals.js';
import { KeyedLock } from '../../../agent/runtime/lock.js';

test('ids are 64 hex characters and distinct', () => {
  const a = newContainerId();
  assert.ok(isFullId(a));
  assert.notEqual(a, newContainerId());
  assert.ok(!isFullId(a.slice(1)));
});

test('generated names avoid names in use', () => {
  const used = new Set<string>();
  for (let i = 0; i < 3000; i++) {
    const name = generateName((n) => used.has(n));
    assert.match(name, /^[a-z]+_[a-z]+\d*$/);
    assert.ok(!used.has(name));
    used.add(name);
  }
});

test('signals by name, short name or number; unknown ones are an error naming the field', () => {
  assert.deepEqual(parseSignal('TERM'), { name: 'SIGTERM', number: 15 });
  assert.deepEqual(parseSignal('sigkill'), { name: 'SIGKILL', number: 9 });
  assert.deepEqual(parseSignal('2'), { name: 'SIGINT', number: 2 });
  assert.throws(() => parseSignal('SIGNOPE', 'stopSignal'), /stopSignal: unknown signal "SIGNOPE"/);
  assert.throws(() => parseSignal('999'), /unknown signal/);
});

test('the keyed lock serializes one key and lets others run in parallel', async () => {
  const lock = new KeyedLock();
  const order: string[] = [];
  let releaseA!: () => void;
  const gate = new Promise<void>((r) => { releaseA = r; });
  const a1 = lock.run('a', async () => { order.push('a1 start'); await gate; order.push('a1 end'); });
  const a2 = lock.run('a', async () => { order.push('a2'); });
  const b = lock.run('b', async () => { order.push('b'); });
  await b;
  assert.deepEqual(order, ['a1 start', 'b']);
  releaseA();
  await Promise.all([a1, a2]);
  assert.deepEqual(order, ['a1 start', 'b', 'a1 end', 'a2']);
  await assert.rejects(lock.run('a', async () => { throw new Error('boom'); }), /boom/);
  assert.equal(await lock.run('a', async () => 7), 7); // a failure does not block the key
});
