import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContainerStore } from '../../../agent/runtime/store.js';

test('state files are written atomically; concurrent writers leave no temp files and the last write wins', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-store-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const store = new ContainerStore(dir);
  await store.init();
  await store.createDir('c1');
  await Promise.all(Array.from({ length: 20 }, (_, i) => store.writeJson('c1', 'state.json', { i })));
  assert.deepEqual(readdirSync(store.dir('c1')), ['state.json']);
  const final = await store.readJson<{ i: number }>('c1', 'state.json');
  assert.ok(final && final.i >= 0 && final.i < 20);
  await store.writeJson('c1', 'state.json', { i: 99 });
  assert.deepEqual(await store.readJson('c1', 'state.json'), { i: 99 });
  assert.deepEqual(await store.listIds(), ['c1']);
});

test('a missing file reads as undefined; a torn one is an error naming the path', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-store-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const store = new ContainerStore(dir);
  await store.init();
  await store.createDir('c2');
  assert.equal(await store.readJson('c2', 'state.json'), undefined);
  writeFileSync(join(store.dir('c2'), 'state.json'), '{"half":');
  await assert.rejects(store.readJson('c2', 'state.json'), (err: Error & { code?: string }) =>
    err.code === 'STATE_FAILED' && err.message.includes(join(store.dir('c2'), 'state.json')));
  await assert.rejects(store.createDir('c2'), /mkdir .*c2: EEXIST/);
  await store.removeDir('c2');
  assert.deepEqual(await store.listIds(), []);
});
