import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BerthError } from '../../../agent/errors.js';
import { forEach } from '../../../agent/cli/each.js';
import type { CliContext } from '../../../agent/cli/command.js';

function sink(): { ctx: CliContext; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const ctx = { out: (d: string) => out.push(d), err: (d: string) => err.push(d) } as unknown as CliContext;
  return { ctx, out, err };
}

/** An action whose calls finish when the test says, recording how many run at once. */
function gated() {
  const gates = new Map<string, (fail?: Error) => void>();
  let running = 0;
  let most = 0;
  const act = (name: string) => new Promise<string>((resolve, reject) => {
    running++;
    most = Math.max(most, running);
    gates.set(name, (fail) => { running--; if (fail) reject(fail); else resolve(name); });
  });
  return { act, gates, most: () => most, started: () => [...gates.keys()] };
}

const turn = () => new Promise((r) => setImmediate(r));

test('at most N at once, output in the order the containers were named whatever order they finish in', async () => {
  const { ctx, out } = sink();
  const g = gated();
  const names = ['a', 'b', 'c', 'd', 'e'];
  const done = forEach(ctx, names, g.act, 2);
  await turn();
  assert.deepEqual(g.started(), ['a', 'b'], 'two at once');
  g.gates.get('b')!();
  await turn();
  assert.deepEqual(g.started(), ['a', 'b', 'c']);
  assert.deepEqual(out, [], 'b is printed only after a');
  for (const n of ['c', 'a']) { g.gates.get(n)!(); await turn(); }
  assert.deepEqual(out, ['a\n', 'b\n', 'c\n']);
  for (const n of ['e', 'd']) { await turn(); g.gates.get(n)!(); }
  assert.equal(await done, 0);
  assert.deepEqual(out, ['a\n', 'b\n', 'c\n', 'd\n', 'e\n']);
  assert.equal(g.most(), 2);
});

test('a failure is reported in its place and the rest still run; the exit code is the first failure\'s', async () => {
  const { ctx, out, err } = sink();
  const g = gated();
  const done = forEach(ctx, ['a', 'b', 'c'], g.act, 50);
  await turn();
  assert.deepEqual(g.started(), ['a', 'b', 'c'], 'all at once under the limit');
  g.gates.get('c')!(new BerthError('INVALID_STATE', 'c is not running'));
  g.gates.get('b')!(new BerthError('NOT_FOUND', 'no such container: b'));
  g.gates.get('a')!();
  const code = await done;
  assert.deepEqual(out, ['a\n']);
  assert.deepEqual(err, ['berth: no such container: b\n', 'berth: c is not running\n']);
  assert.equal(code, new BerthError('NOT_FOUND', 'x').exitCode);
});

test('one at a time by default; an unreachable agent ends the command with its error', async () => {
  const { ctx } = sink();
  const g = gated();
  const done = forEach(ctx, ['a', 'b'], g.act);
  await turn();
  assert.deepEqual(g.started(), ['a']);
  g.gates.get('a')!(new BerthError('AGENT_UNREACHABLE', 'cannot reach the agent'));
  await assert.rejects(done, /cannot reach the agent/);
});
