// 50 launches at once: every one succeeds with a unique name, or fails cleanly.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { eachLine, startHarness, type Harness } from './harness.js';

let h: Harness;
before(async () => { h = await startHarness(); });
after(async () => { await h?.cleanup(); });

test('50 concurrent creates + starts all succeed, with unique generated names, and all are removed', async () => {
  const results = await Promise.allSettled(Array.from({ length: 50 }, async () => {
    const c = await h.runtime.create({ rootfs: h.rootfs, cmd: ['sh', '-c', 'echo $HOSTNAME'] });
    await h.runtime.start(c.id);
    return c;
  }));
  const failed = results.filter((r) => r.status === 'rejected');
  assert.deepEqual(failed.map((f) => String((f as PromiseRejectedResult).reason)), []);
  const infos = results.map((r) => (r as PromiseFulfilledResult<{ id: string; name: string }>).value);
  assert.equal(new Set(infos.map((i) => i.name)).size, 50);
  assert.equal(new Set(infos.map((i) => i.id)).size, 50);
  const exits = await Promise.all(infos.map((i) => h.runtime.wait(i.id)));
  assert.ok(exits.every((e) => e.exitCode === 0));
  for (const i of infos) {
    const lines = [];
    for await (const l of eachLine(h.runtime.logs(i.id, {}))) lines.push(l.line);
    assert.deepEqual(lines, [i.id.slice(0, 12)]);
  }
  await Promise.all(infos.map((i) => h.runtime.remove(i.id)));
  assert.deepEqual(readdirSync(join(h.stateDir, 'containers')), []);
  assert.deepEqual(await h.cgroups.list(), []);
});

test('concurrent creates with one name: exactly one wins, the others get NAME_IN_USE and leave nothing', async () => {
  const results = await Promise.allSettled(Array.from({ length: 10 }, () =>
    h.runtime.create({ rootfs: h.rootfs, cmd: ['true'], name: 'only-one' })));
  const ok = results.filter((r) => r.status === 'fulfilled');
  assert.equal(ok.length, 1);
  for (const r of results) {
    if (r.status === 'rejected') assert.equal((r.reason as { code: string }).code, 'NAME_IN_USE');
  }
  assert.equal(readdirSync(join(h.stateDir, 'containers')).length, 1);
  await h.runtime.remove('only-one', true);
});
