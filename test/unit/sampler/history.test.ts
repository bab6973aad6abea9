import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SampleHistory } from '../../../agent/sampler/history.js';
import type { ContainerSample } from '../../../agent/sampler/types.js';
import { fakeSample, fakeStats } from '../../helpers/samples.js';

/** A sample with every optional part present and no two figures alike, so a mixed-up column shows. */
function fullSample(time: number): ContainerSample {
  const s = fakeSample('c1', time, {
    network: [{ name: 'eth0', rxBytes: 1, rxPackets: 2, rxErrors: 3, rxDropped: 4, txBytes: 5, txPackets: 6, txErrors: 7, txDropped: 8 }],
    namespaces: [{ type: 'net', inode: 4026531840, hostShared: false }],
    processes: 3, threads: 5, cpu: { cores: 0.5, percent: 50, throttledRatio: 0.25 },
  });
  let n = 100;
  const distinct = (o: Record<string, number>): void => { for (const k of Object.keys(o)) o[k] = n++ * 1e9 + 0.5; };
  Object.assign(s.stats.memory, { pgscan: 0, pgsteal: 0, highEvents: 0, maxEvents: 0 }); // the v2-only figures
  const { devices: _, ...ioSums } = s.stats.io;
  for (const part of [s.stats.cpu, s.stats.memory, s.stats.pids, ioSums, s.stats.spec]) distinct(part as Record<string, number>);
  s.stats.io = { ...ioSums, devices: [{ major: 8, minor: 0, name: '/dev/sda', readBytes: 13e9, writeBytes: 14e9, reads: 15, writes: 16 }] };
  s.stats.cpu.perCpuNs = [11e9, 12e9];
  s.stats.pressure = { cpu: { someTotalUs: 1, fullTotalUs: 2 }, memory: { someTotalUs: 3, fullTotalUs: 4 }, io: { someTotalUs: 5, fullTotalUs: 6 } };
  return s;
}

/** Paths to every number, string and boolean in `value`. */
function leaves(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [path];
  return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, Array.isArray(value) ? Number(k) : k]));
}

function changed(s: ContainerSample, path: (string | number)[]): ContainerSample {
  const copy = structuredClone(s);
  let at = copy as unknown as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  const key = path[path.length - 1];
  const v = at[key];
  at[key] = typeof v === 'number' ? v + 1 : typeof v === 'boolean' ? !v : `${String(v)}x`;
  return copy;
}

test('history: every figure of a sample comes back, also when it alone changed since the row before', () => {
  const first = fullSample(1000);
  const paths = leaves(first);
  assert.ok(paths.length > 60, `expected every figure to be enumerated, got ${paths.length}`);
  for (const path of paths) {
    const h = new SampleHistory(4);
    const second = changed(first, path);
    h.push(first);
    h.push(second);
    assert.deepEqual(h.toArray(), [first, second], `after a change of ${path.join('.')}`);
  }
});

test('history: a ring of the newest rows, oldest first; latest is the sample pushed', () => {
  const h = new SampleHistory(3);
  assert.deepEqual(h.toArray(), []);
  assert.equal(h.latest(), undefined);
  const pushed = [1, 2, 3, 4, 5].map((i) => fakeSample('c1', i * 1000, { stats: fakeStats({ cpuUsageNs: i * 1e9, memoryBytes: i << 20 }) }));
  for (const s of pushed) h.push(s);
  assert.deepEqual(h.toArray(), pushed.slice(2));
  assert.deepEqual(h.toArray(2), pushed.slice(3));
  assert.deepEqual(h.toArray(0), []);
  assert.equal(h.latest(), pushed[4]);
});

test('history: rows that differ only in figures that move every tick share the rest of the sample', () => {
  const h = new SampleHistory(5);
  const a = fullSample(1000);
  const b = structuredClone(a);
  b.time = 2000;
  b.stats.cpu.usageNs += 1e6;
  b.stats.memory.usageBytes += 4096;
  b.network = structuredClone(a.network); // re-read, no packet moved
  b.stats.io.devices = a.stats.io.devices; // a read whose counters did not move keeps the array (cgroups/stats.ts)
  const c = structuredClone(b);
  c.time = 3000;
  c.stats.io.readBytes += 512; // a full read saw I/O
  for (const s of [a, b, c]) h.push(s);
  const [ra, rb, rc] = h.toArray();
  assert.equal(rb.stats.io, ra.stats.io);
  assert.equal(rb.namespaces, ra.namespaces);
  assert.equal(rb.network, ra.network);
  assert.notEqual(rc.stats.io, rb.stats.io);
  assert.deepEqual([ra, rb, rc], [a, b, c]);
});

test('history: samples carried over idle ticks (the same stats) keep their figures, also across the ring\'s end', () => {
  const h = new SampleHistory(2);
  const first = fullSample(1000);
  const pushed = [first];
  for (let i = 1; i < 5; i++) pushed.push({ ...first, time: 1000 + i * 1000, cpu: { cores: 0, percent: 0, throttledRatio: 0 } });
  for (const s of pushed) h.push(s);
  assert.deepEqual(h.toArray(), pushed.slice(3));
  const moved = { ...first, time: 9000, stats: structuredClone(first.stats) };
  moved.stats.pids.current += 1;
  h.push(moved);
  assert.deepEqual(h.toArray(), [pushed[4], moved]);
});
