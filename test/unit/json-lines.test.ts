// The append-only JSON lines file behind the audit log and the event journal, on a real temp dir.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonLinesFile } from '../../agent/json-lines.js';

function setup(t: { after(fn: () => void): void }, maxBytes = 1 << 20) {
  const dir = mkdtempSync(join(tmpdir(), 'berth-json-lines-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const logged: string[] = [];
  const logger = { warn: (m: string) => logged.push(`warn ${m}`), error: (_: unknown, m: string) => logged.push(`error ${m}`) };
  const path = join(dir, 'sub', 'x.log');
  return { dir, path, logged, file: new JsonLinesFile(path, maxBytes, logger as never) };
}

test('records come back in order, across the rotation; the two files hold at most 2 × maxBytes', (t) => {
  const { path, file } = setup(t, 100);
  const records = Array.from({ length: 12 }, (_, i) => ({ n: i, pad: 'xxxxxxxxxx' })); // 27-28 bytes a line
  for (const r of records) file.append(r);
  // Three lines fit in 100 bytes: rotations after records 2, 5 and 8 leave 6-8 in .1, 9-11 in the file.
  assert.deepEqual(file.readAll(), records.slice(6));
  assert.equal(readFileSync(`${path}.1`, 'utf8').split('\n').length - 1, 3);
  // A new writer (the next agent) measures the file it finds rather than starting from 0.
  const next = new JsonLinesFile(path, 100, { warn() {}, error() {} } as never);
  next.append({ n: 12, pad: 'xxxxxxxxxx' });
  assert.ok(readFileSync(path).length <= 100);
});

test('an unfinished last line is cut off with a warning, and the next record starts on its own line', (t) => {
  const { path, file, logged } = setup(t);
  file.append({ n: 1 });
  appendFileSync(path, '{"n":2,"cut'); // a write torn by a power loss
  assert.deepEqual(file.readAll(), [{ n: 1 }]);
  assert.deepEqual(logged, [`warn ${path}:2: unfinished last line cut off`]);
  file.append({ n: 3 });
  assert.equal(readFileSync(path, 'utf8'), '{"n":1}\n{"n":3}\n');
});

test('a line that is not JSON is skipped, naming file:line; a missing file is no records', (t) => {
  const { path, file, logged } = setup(t);
  assert.deepEqual(file.readAll(), []);
  file.append({ n: 1 });
  appendFileSync(path, 'garbage\n');
  file.append({ n: 2 });
  assert.deepEqual(file.readAll(), [{ n: 1 }, { n: 2 }]);
  assert.equal(logged.length, 1);
  assert.match(logged[0], new RegExp(`^warn ${path}:2: not a JSON record, skipped`));
});

test('a failing append is logged once per streak and never thrown', (t) => {
  const { dir, path, file, logged } = setup(t);
  writeFileSync(join(dir, 'sub'), 'a file where the directory should be');
  file.append({ n: 1 });
  file.append({ n: 2 });
  assert.equal(logged.length, 1);
  assert.match(logged[0], new RegExp(`^error append ${path}: `));
  rmSync(join(dir, 'sub'));
  file.append({ n: 3 }); // the directory is made again once the way is clear
  assert.deepEqual(file.readAll(), [{ n: 3 }]);
  assert.equal(logged.length, 1);
});
