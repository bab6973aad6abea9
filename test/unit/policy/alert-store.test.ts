// Pending and firing alerts across an agent restart (alert-store.ts): the saved file, Prometheus'
// restore semantics, and the engine that restores them without running a firing rule's action again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { ALERTS_FILE, AlertStore, OUTAGE_TOLERANCE_MS, restoreAlerts, snapshotAlerts } from '../../../agent/policy/alert-store.js';
import { createPolicyEngine } from '../../../agent/policy/index.js';
import { AlertTable, newInstance, step } from '../../../agent/policy/runtime.js';
import { EventBus, type BerthEvent } from '../../../agent/events/index.js';
import type { ContainerInfo, Runtime } from '../../../agent/runtime/types.js';
import { FakeStore, fakeHost, fakeSample, fakeStats } from '../../helpers/samples.js';
import { waitFor } from '../../helpers/wait.js';
import { policyYaml, resolved, TempDir } from './fixtures.js';

const silent = pino({ level: 'silent' });

function tableWith(): AlertTable {
  const table = new AlertTable();
  const slow = { forMs: 60_000, keepFiringForMs: 0 };
  table.set('p', 'slow', 'c1', step(newInstance(), true, 1000, slow)); // pending since 1000
  table.set('p', 'fast', 'c1', step(newInstance(), true, 2000, { forMs: 0, keepFiringForMs: 0 })); // firing since 2000
  table.set('p', 'fast', 'c2', step(step(newInstance(), true, 0, { forMs: 0, keepFiringForMs: 0 }), false, 1, { forMs: 0, keepFiringForMs: 0 })); // resolved
  return table;
}

test('a snapshot holds pending and firing instances; restore moves pending activeAt past the outage and keeps firing as it was', () => {
  const saved = snapshotAlerts(tableWith(), 5000);
  assert.deepEqual(saved, { version: 1, savedAt: 5000, alerts: [
    { containerId: 'c1', policy: 'p', rule: 'slow', state: 'pending', activeAt: 1000 },
    { containerId: 'c1', policy: 'p', rule: 'fast', state: 'firing', activeAt: 2000, firedAt: 2000 },
  ] });
  const table = new AlertTable();
  assert.equal(restoreAlerts(table, saved, 65_000, new Set(['p/slow', 'p/fast'])), 2);
  // down 60 s: the 4 s the condition was seen to hold count, the outage does not
  assert.deepEqual([table.get('p', 'slow', 'c1').state, table.get('p', 'slow', 'c1').activeAt], ['pending', 61_000]);
  assert.deepEqual([table.get('p', 'fast', 'c1').state, table.get('p', 'fast', 'c1').firedAt], ['firing', 2000]);
  // the first evaluation after it: holds → no transition for the firing one (its action ran already)
  assert.equal(step(table.get('p', 'fast', 'c1'), true, 66_000, { forMs: 0, keepFiringForMs: 0 }), table.get('p', 'fast', 'c1'));
});

test('restore skips rules that are gone and everything after an outage past the tolerance', () => {
  const saved = snapshotAlerts(tableWith(), 5000);
  const some = new AlertTable();
  assert.equal(restoreAlerts(some, saved, 6000, new Set(['p/fast'])), 1);
  assert.equal(some.get('p', 'slow', 'c1').state, 'inactive');
  const none = new AlertTable();
  assert.equal(restoreAlerts(none, saved, 5000 + OUTAGE_TOLERANCE_MS + 1, new Set(['p/slow', 'p/fast'])), 0);
  assert.deepEqual(none.all(), []);
});

test('the store: saves the latest state, reads it back, and starts over from a missing or unreadable file', async (t) => {
  const dir = new TempDir();
  t.after(() => dir.remove());
  const warnings: string[] = [];
  const logger = { warn: (_: unknown, m: string) => warnings.push(m), error: (_: unknown, m: string) => warnings.push(m) };
  const store = new AlertStore(dir.path, logger as never);
  assert.equal(store.load(), undefined);
  store.maybeSave(tableWith(), 0, false, false);
  await store.flush();
  assert.equal(store.load(), undefined, 'nothing changed, nothing active: no write');
  store.maybeSave(new AlertTable(), 100, true, false);
  store.maybeSave(tableWith(), 200, true, true); // while the first write runs: the latest wins
  await store.flush();
  assert.deepEqual(store.load(), snapshotAlerts(tableWith(), 200));
  store.maybeSave(new AlertTable(), 5000, false, true);
  await store.flush();
  assert.equal(store.load()?.savedAt, 200, 'active but saved less than SAVE_EVERY_MS ago');
  writeFileSync(join(dir.path, ALERTS_FILE), '{"version":7}');
  assert.equal(store.load(), undefined);
  assert.match(warnings.join('\n'), /alerts\.json is not readable as saved alerts; alerts start over/);
});

const RULES = policyYaml('guard', `  enforcement: enforce
  runtime:
    - name: hog
      condition: sample.memory.workingSetBytes > 0.8 * container.resources.memoryBytes
      action: kill
    - name: slow
      condition: sample.memory.workingSetBytes > 0.5 * container.resources.memoryBytes
      for: 10s
`);

async function harness(t: { after(fn: () => void): void }) {
  const rules = new TempDir();
  const state = new TempDir();
  t.after(() => { rules.remove(); state.remove(); });
  rules.write('guard.yaml', RULES);
  const spec = await resolved({ resources: { memoryBytes: 100 << 20 } });
  const container: ContainerInfo = { id: 'c1', name: 'hog', status: 'running', pid: 1, shimPid: 1, createdAt: '', spec, cgroup: '/b/c1', stateDir: '' };
  const kills: string[] = [];
  const runtime = { list: () => [container], kill: async (id: string) => { kills.push(id); return container; } } as unknown as Runtime;
  const clock = { now: 0 };
  const start = async () => {
    const events = new EventBus();
    const seen: BerthEvent[] = [];
    events.subscribe((e) => seen.push(e));
    const store = new FakeStore();
    const engine = createPolicyEngine({ rulesDir: rules.path, events, store, runtime, stateDir: state.path, logger: silent, watch: false, clock: () => clock.now });
    await engine.start();
    const tick = (workingSet: number) => store.push({ time: clock.now, host: fakeHost(clock.now), samples: [
      fakeSample('c1', clock.now, { name: 'hog', stats: fakeStats({ memoryBytes: workingSet, limitBytes: 100 << 20 }) })] });
    const transitions = () => seen.filter((e) => ['policy.pending', 'policy.firing', 'policy.resolved', 'policy.action'].includes(e.kind))
      .map((e) => `${e.kind}:${(e.data as { rule: string }).rule}`);
    return { engine, tick, transitions };
  };
  const saved = () => JSON.parse(readFileSync(join(state.path, ALERTS_FILE), 'utf8')) as { savedAt: number; alerts: Array<{ rule: string; state: string }> };
  return { start, clock, kills, saved };
}

test('an agent restart keeps a firing alert firing without running its action again, and a pending one\'s progress', async (t) => {
  const { start, clock, kills, saved } = await harness(t);
  const first = await start();
  first.tick(90 << 20); // hog fires (kill), slow turns pending at 0
  await waitFor('the kill', () => kills.length === 1);
  clock.now = 4000;
  first.tick(90 << 20);
  await first.engine.stop(); // saved at 4000
  assert.deepEqual(saved().alerts.map((a) => `${a.rule}:${a.state}`), ['hog:firing', 'slow:pending']);

  clock.now = 9000; // down 5 s
  const second = await start();
  t.after(() => second.engine.stop());
  const registry = new Registry();
  second.engine.metrics.register(registry);
  assert.match(await registry.metrics(), /^berth_policy_alerts\{policy="guard",rule="hog",state="firing"\} 1$/m, 'restored before the first sample');
  second.tick(90 << 20);
  clock.now = 10_000;
  second.tick(90 << 20); // 10 s after it first held, but 5 of them the agent was down: still pending
  assert.deepEqual(second.transitions(), [], 'no new transition, no action');
  clock.now = 15_000;
  second.tick(90 << 20);
  assert.deepEqual(second.transitions(), ['policy.firing:slow']);
  assert.equal(kills.length, 1, 'the firing rule\'s kill ran once, before the restart');
});

test('after a crash (no stop) the state saved at the last change is restored, the outage measured from then', async (t) => {
  const { start, clock, kills, saved } = await harness(t);
  const first = await start();
  first.tick(90 << 20);
  await waitFor('the change saved', () => { try { return saved().alerts.length === 2; } catch { return false; } });
  clock.now = 4000;
  first.tick(90 << 20); // no change, and the last save is < 10 s old: nothing written
  // (the first engine is never stopped: it "crashed"; it holds no timer or watcher)
  assert.equal(saved().savedAt, 0);
  clock.now = 9000;
  const second = await start();
  t.after(() => second.engine.stop());
  clock.now = 17_000;
  second.tick(90 << 20); // 9 s down counted as not holding: pending since 9000, due at 19000
  assert.deepEqual(second.transitions(), []);
  clock.now = 19_000;
  second.tick(90 << 20);
  assert.deepEqual(second.transitions(), ['policy.firing:slow']);
  assert.equal(kills.length, 1);
});
