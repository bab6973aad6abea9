// Log rotation (--log-opt max-size / max-file) with the real shim: the files on disk, what `logs`
// reads back across them, and a follow that carries on through rotations.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { LogLine } from '../../../agent/runtime/types.js';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
before(async () => { h = await startHarness(); });
after(async () => { await h?.cleanup(); });

const MAX = 4096;
const numbers = (lines: LogLine[]) => lines.map((l) => Number(l.line));

test('past max-size the log rotates, keeping max-file files; logs reads the newest lines in order across them', async () => {
  const info = await h.runtime.create({ rootfs: h.rootfs, cmd: ['seq', '1', '5000'], logRotate: { maxSizeBytes: MAX, maxFiles: 3 } });
  try {
    await h.runtime.start(info.id);
    await h.runtime.wait(info.id);
    const files = readdirSync(info.stateDir).filter((f) => f.startsWith('container.log')).sort();
    assert.deepEqual(files, ['container.log', 'container.log.1', 'container.log.2']);
    for (const f of files) assert.ok(statSync(join(info.stateDir, f)).size < MAX + 100, `${f}: ${statSync(join(info.stateDir, f)).size} bytes`);
    const lines: LogLine[] = [];
    for await (const batch of h.runtime.logs(info.id, {})) lines.push(...batch);
    const got = numbers(lines);
    assert.equal(got.at(-1), 5000);
    assert.ok(got[0]! > 1, 'the oldest lines were rotated away');
    assert.deepEqual(got, Array.from({ length: got.length }, (_, i) => got[0]! + i), 'contiguous: nothing lost or repeated between the files');
    const tail: LogLine[] = [];
    for await (const batch of h.runtime.logs(info.id, { tail: 3 })) tail.push(...batch);
    assert.deepEqual(numbers(tail), [4998, 4999, 5000]);
  } finally {
    await h.runtime.remove(info.id, true);
  }
});

test('a follow goes on through rotations without losing or repeating a line; max-file 1 truncates', async () => {
  const info = await h.runtime.create({
    rootfs: h.rootfs, cmd: ['sh', '-c', 'i=1; while [ $i -le 3000 ]; do echo $i; i=$((i+1)); [ $((i % 20)) -eq 0 ] && sleep 0.01; done'],
    logRotate: { maxSizeBytes: MAX, maxFiles: 3 },
  });
  try {
    const lines: LogLine[] = [];
    const following = (async () => { for await (const batch of h.runtime.logs(info.id, { follow: true })) lines.push(...batch); })();
    await h.runtime.start(info.id);
    await following;
    assert.deepEqual(numbers(lines), Array.from({ length: 3000 }, (_, i) => i + 1));
  } finally {
    await h.runtime.remove(info.id, true);
  }
  const one = await h.runtime.create({ rootfs: h.rootfs, cmd: ['seq', '1', '3000'], logRotate: { maxSizeBytes: MAX, maxFiles: 1 } });
  try {
    await h.runtime.start(one.id);
    await h.runtime.wait(one.id);
    assert.deepEqual(readdirSync(one.stateDir).filter((f) => f.startsWith('container.log')), ['container.log']);
    assert.ok(statSync(join(one.stateDir, 'container.log')).size < MAX + 100);
  } finally {
    await h.runtime.remove(one.id, true);
  }
});
