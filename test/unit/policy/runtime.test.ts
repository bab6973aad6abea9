import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AlertTable, newInstance, step, stepError, type AlertInstance, type AlertState, type Transition } from '../../../agent/policy/runtime.js';

/** Drives one instance through (time, condition) pairs, returning the state after each. */
function run(timing: { forMs: number; keepFiringForMs: number }, inputs: Array<[number, boolean]>): { states: AlertState[]; transitions: string[]; last: AlertInstance } {
  let instance = newInstance();
  const states: AlertState[] = [];
  const transitions: string[] = [];
  for (const [now, holds] of inputs) {
    const out: Transition[] = [];
    instance = step(instance, holds, now, timing, out);
    states.push(instance.state);
    for (const t of out) transitions.push(`${t.from}->${t.to}@${t.at}`);
  }
  return { states, transitions, last: instance };
}

test('pending until `for` has elapsed, then firing once', () => {
  const r = run({ forMs: 5000, keepFiringForMs: 0 }, [[0, true], [1000, true], [4999, true], [5000, true], [6000, true]]);
  assert.deepEqual(r.states, ['pending', 'pending', 'pending', 'firing', 'firing']);
  assert.deepEqual(r.transitions, ['inactive->pending@0', 'pending->firing@5000']);
  assert.equal(r.last.activeAt, 0);
  assert.equal(r.last.firedAt, 5000);
});

test('for: 0 fires on the first true evaluation', () => {
  const r = run({ forMs: 0, keepFiringForMs: 0 }, [[100, false], [200, true]]);
  assert.deepEqual(r.states, ['inactive', 'firing']);
  assert.deepEqual(r.transitions, ['inactive->pending@200', 'pending->firing@200']);
});

test('a pending instance whose condition clears is dropped, and `for` restarts', () => {
  const r = run({ forMs: 3000, keepFiringForMs: 0 }, [[0, true], [2000, true], [2500, false], [3000, true], [5000, true], [6000, true]]);
  assert.deepEqual(r.states, ['pending', 'pending', 'inactive', 'pending', 'pending', 'firing']);
  assert.equal(r.last.activeAt, 3000);
});

test('firing resolves at once without keepFiringFor', () => {
  const r = run({ forMs: 0, keepFiringForMs: 0 }, [[0, true], [1000, false]]);
  assert.deepEqual(r.states, ['firing', 'resolved']);
  assert.equal(r.last.resolvedAt, 1000);
});

test('keepFiringFor holds firing after the condition clears; a true condition resets it', () => {
  const r = run({ forMs: 0, keepFiringForMs: 10_000 }, [
    [0, true], [1000, false], [5000, false], [6000, true], [7000, false], [16_000, false], [17_000, false],
  ]);
  assert.deepEqual(r.states, ['firing', 'firing', 'firing', 'firing', 'firing', 'firing', 'resolved']);
  assert.deepEqual(r.transitions, ['inactive->pending@0', 'pending->firing@0', 'firing->resolved@17000']);
});

test('a resolved instance becomes pending again and fires again after `for`', () => {
  const r = run({ forMs: 1000, keepFiringForMs: 0 }, [[0, true], [1000, true], [2000, false], [3000, true], [4000, true]]);
  assert.deepEqual(r.states, ['pending', 'firing', 'resolved', 'pending', 'firing']);
  assert.equal(r.last.firedAt, 4000);
  assert.equal(r.last.resolvedAt, undefined);
});

test('an evaluation error keeps the state and is recorded until the next good evaluation', () => {
  const timing = { forMs: 1000, keepFiringForMs: 0 };
  let i = step(newInstance(), true, 0, timing);
  i = stepError(i, 'boom');
  assert.equal(i.state, 'pending');
  assert.equal(i.lastError, 'boom');
  i = step(i, true, 1000, timing);
  assert.equal(i.state, 'firing');
  assert.equal(i.lastError, undefined);
});

test('an unchanged instance is returned as is (no allocation per tick)', () => {
  const timing = { forMs: 0, keepFiringForMs: 0 };
  const inactive = newInstance();
  assert.equal(step(inactive, false, 1, timing), inactive);
  const firing = step(inactive, true, 2, timing);
  assert.equal(step(firing, true, 3, timing), firing);
});

test('the table keeps instances per (policy, rule, container) and forgets vanished containers and rules', () => {
  const table = new AlertTable();
  const firing = step(newInstance(), true, 0, { forMs: 0, keepFiringForMs: 0 });
  table.set('p', 'r', 'c1', firing);
  table.set('p', 'r', 'c2', firing);
  table.set('p', 'q', 'c1', firing);
  assert.equal(table.get('p', 'r', 'c1').state, 'firing');
  assert.equal(table.get('p', 'r', 'c3').state, 'inactive');
  assert.equal(table.retain(new Set(['c1'])), true);
  assert.equal(table.retain(new Set(['c1'])), false, 'nothing more to drop');
  assert.equal(table.get('p', 'r', 'c2').state, 'inactive'); // a vanished container resets
  assert.equal(table.forContainer('c1').length, 2);
  table.retainRules(new Set(['p/r']));
  assert.deepEqual(table.all().map((x) => `${x.policy}/${x.rule}/${x.containerId}`), ['p/r/c1']);
});

test('countActive counts pending and firing instances per rule (the alerts gauge)', () => {
  const table = new AlertTable();
  const pending = step(newInstance(), true, 0, { forMs: 10_000, keepFiringForMs: 0 });
  const firing = step(newInstance(), true, 0, { forMs: 0, keepFiringForMs: 0 });
  const resolved = step(firing, false, 1, { forMs: 0, keepFiringForMs: 0 });
  assert.equal(resolved.state, 'resolved');
  table.set('p', 'r', 'c1', firing);
  table.set('p', 'r', 'c2', firing);
  table.set('p', 'r', 'c3', pending);
  table.set('p', 'q/x', 'c1', pending);
  table.set('p', 'q/x', 'c2', resolved);
  const counts = table.countActive().map((c) => `${c.policy}|${c.rule}|${c.state}=${c.count}`).sort();
  assert.deepEqual(counts, ['p|q/x|pending=1', 'p|r|firing=2', 'p|r|pending=1']);
});
