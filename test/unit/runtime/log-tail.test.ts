// `logs --tail N` reads backwards from the end (log-tail.ts), then forward through the parser.
// Checked against the plain answer, every line parsed then the last N kept, over random logs with
// both streams, partial records, rotated files and a final partial record.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContainerRecord } from '../../../agent/runtime/container.js';
import type { RuntimeContext } from '../../../agent/runtime/context.js';
import { CriLogParser } from '../../../agent/runtime/cri-log.js';
import { tailStart } from '../../../agent/runtime/log-tail.js';
import { readLogs } from '../../../agent/runtime/logs.js';
import type { LogLine, LogOptions } from '../../../agent/runtime/types.js';

const dir = mkdtempSync(join(tmpdir(), 'berth-log-tail-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A pseudo-random but repeatable sequence (mulberry32). */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Records as the shim writes them: a stream's P records are followed by an F of that stream, except
 * at the end, where each stream may stop mid-line (the shim writes an unfinished line at exit).
 */
function randomRecords(rand: () => number, count: number, unfinishedAtEnd: number): string[] {
  const records: { stream: string; tag: string; text: string }[] = [];
  for (let i = 0; i < count; i++) {
    const text = rand() < 0.1 ? '' : `line ${i} with spaces ${'x'.repeat(Math.floor(rand() * 40))}`;
    records.push({ stream: rand() < 0.7 ? 'stdout' : 'stderr', tag: rand() < 0.25 ? 'P' : 'F', text });
  }
  for (const stream of ['stdout', 'stderr']) {
    const last = records.findLastIndex((r) => r.stream === stream);
    if (last >= 0 && last < count - unfinishedAtEnd) records[last]!.tag = 'F';
  }
  return records.map((r, i) => `2026-01-01T00:00:${String(i % 60).padStart(2, '0')}.${String(i).padStart(9, '0')}Z ${r.stream} ${r.tag} ${r.text}\n`);
}

/** Writes the records as the shim would with rotation: path.2, path.1 (older), then path. */
function writeLog(name: string, records: string[], cuts: number[]): string {
  const path = join(dir, name);
  const bounds = [0, ...cuts, records.length];
  const files = [`${path}.${cuts.length}`, ...cuts.map((_, i) => `${path}.${cuts.length - 1 - i}`)].map((f) => f.replace(/\.0$/, ''));
  for (let i = 0; i < files.length; i++) writeFileSync(files[i]!, records.slice(bounds[i], bounds[i + 1]).join(''));
  return path;
}

async function read(path: string, files: number, opts: LogOptions): Promise<LogLine[]> {
  const record = { id: 'x', status: 'exited', files: { log: path, exit: `${path}.exit` }, spec: { logRotate: { maxFiles: files } } } as unknown as ContainerRecord;
  const out: LogLine[] = [];
  for await (const batch of readLogs({} as RuntimeContext, record, opts)) out.push(...batch);
  return out;
}

function plainAnswer(records: string[], opts: LogOptions): LogLine[] {
  const parser = new CriLogParser();
  const all = [...parser.push(records.join('')), ...parser.flush()]
    .filter((l) => (l.stream === 'stdout' ? opts.stdout !== false : opts.stderr !== false));
  return opts.tail === undefined ? all : opts.tail === 0 ? [] : all.slice(-opts.tail);
}

test('the last N lines, read from where the backward scan says they begin, are those of a whole read', async () => {
  const rand = random(7);
  const covered = { unfinishedAtEnd: 0, joinedLines: 0, rotated: 0 }; // what the random logs put the scan through
  for (let round = 0; round < 40; round++) {
    const count = 1 + Math.floor(rand() * 300);
    const records = randomRecords(rand, count, round % 3);
    const cuts = round % 2 === 0 ? [] : [Math.floor(count / 3), Math.floor((2 * count) / 3)].filter((c, i, a) => c > 0 && a.indexOf(c) === i);
    const path = writeLog(`log${round}`, records, cuts);
    const partial = (r: string | undefined) => / (stdout|stderr) P /.test(r ?? '');
    if (partial(records.at(-1))) covered.unfinishedAtEnd++;
    if (records.slice(0, -1).some(partial)) covered.joinedLines++;
    if (cuts.length) covered.rotated++;
    for (const tail of [1, 2, 3, 7, 20, 100, 1000]) {
      for (const streams of [{}, { stderr: false }, { stdout: false }]) {
        const opts = { tail, ...streams };
        assert.deepEqual(await read(path, 3, opts), plainAnswer(records, opts), `round ${round}, ${JSON.stringify(opts)}`);
      }
    }
  }
  assert.ok(Object.values(covered).every((n) => n > 0), `the random logs missed a case: ${JSON.stringify(covered)}`);
});

test('the scan stops right before the last N lines: a tail of a big log reads only its end', async () => {
  const records = Array.from({ length: 20_000 }, (_, i) => `2026-01-01T00:00:00.${String(i).padStart(9, '0')}Z stdout F line ${i}\n`);
  const path = writeLog('big', records, []);
  const handle = await open(path, 'r');
  try {
    const size = (await handle.stat()).size;
    const position = await tailStart([{ handle, size }], { lines: 10, streams: new Set(['stdout']), partialIsLine: true });
    const lastTen = records.slice(-10).join('').length;
    assert.deepEqual(position, { segment: 0, offset: size - lastTen });
  } finally {
    await handle.close();
  }
  const lines = await read(path, 1, { tail: 3 });
  assert.deepEqual(lines.map((l) => l.line), ['line 19997', 'line 19998', 'line 19999']);
});

test('a line made of partial records is not cut where the scan starts, also when another stream interleaves', async () => {
  const records = [
    '2026-01-01T00:00:01Z stderr P first part ',
    '2026-01-01T00:00:02Z stdout F a',
    '2026-01-01T00:00:03Z stdout F b',
    '2026-01-01T00:00:04Z stderr F last part',
    '2026-01-01T00:00:05Z stdout F c',
  ].map((r) => `${r}\n`);
  const path = writeLog('interleaved', records, []);
  assert.deepEqual((await read(path, 1, { tail: 2 })).map((l) => l.line), ['first part last part', 'c']);
  assert.deepEqual((await read(path, 1, { tail: 1, stdout: false })).map((l) => l.line), ['first part last part']);
  assert.deepEqual(await read(path, 1, { tail: 0 }), []);
});
