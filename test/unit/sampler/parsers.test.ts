import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseNetDev } from '../../../agent/sampler/network.js';
import { parseLoadavg, parseMeminfo, parseProcStat, hostCpuPercent } from '../../../agent/sampler/host.js';
import { compareWithHost, parseNamespaceLink, readNamespaceInodes } from '../../../agent/sampler/namespaces.js';
import { countLines, ProcessCounter } from '../../../agent/sampler/processes.js';
import { ScratchBuffer } from '../../../agent/sampler/open-file.js';

const PROC = join(import.meta.dirname, '../../fixtures/proc');

test('parseNetDev reads every interface with its 8 counters, lo included', () => {
  const ifs = parseNetDev(readFileSync(join(PROC, '4242/net/dev'), 'latin1'));
  assert.deepEqual(ifs.map((i) => i.name), ['lo', 'eth0']);
  assert.deepEqual(ifs[1], {
    name: 'eth0', rxBytes: 1048576, rxPackets: 800, rxErrors: 2, rxDropped: 1,
    txBytes: 524288, txPackets: 400, txErrors: 0, txDropped: 4,
  });
});

test('parseNetDev handles a number glued to the colon and ignores malformed lines', () => {
  const text = 'h1\nh2\nveth0:12345678901 5 0 0 0 0 0 0 7 8 0 0 0 0 0 0\ngarbage line\n  short: 1 2 3\n';
  const ifs = parseNetDev(text);
  assert.equal(ifs.length, 1);
  assert.equal(ifs[0].name, 'veth0');
  assert.equal(ifs[0].rxBytes, 12345678901);
  assert.equal(ifs[0].txPackets, 8);
});

test('parseProcStat counts online cores and busy/total ticks', () => {
  const s = parseProcStat(readFileSync(join(PROC, 'stat'), 'latin1'));
  assert.equal(s.cpuCores, 2);
  assert.equal(s.totalTicks, 10628 + 8284 + 108237 + 613 + 277);
  assert.equal(s.busyTicks, 10628 + 8284 + 277);
  assert.throws(() => parseProcStat('intr 1\n'), /no aggregate "cpu " line/);
});

test('hostCpuPercent is the busy share between two readings', () => {
  const a = { cpuCores: 2, busyTicks: 100, totalTicks: 1000 };
  const b = { cpuCores: 2, busyTicks: 150, totalTicks: 1200 };
  assert.equal(hostCpuPercent(undefined, b), 0);
  assert.equal(hostCpuPercent(a, b), 25);
});

test('parseMeminfo converts kB to bytes and falls back to MemFree; no SwapTotal line is no swap', () => {
  assert.deepEqual(parseMeminfo(readFileSync(join(PROC, 'meminfo'), 'latin1')),
    { totalBytes: 24683620 * 1024, availableBytes: 23253808 * 1024, swapTotalBytes: 2097148 * 1024 });
  assert.deepEqual(parseMeminfo('MemTotal: 4 kB\nMemFree: 2 kB\n'), { totalBytes: 4096, availableBytes: 2048, swapTotalBytes: 0 });
  assert.throws(() => parseMeminfo('Cached: 1 kB\n'), /no MemTotal/);
});

test('parseLoadavg reads the three averages and rejects junk', () => {
  assert.deepEqual(parseLoadavg('1.62 0.82 0.38 9/131 9936\n'), { load1: 1.62, load5: 0.82, load15: 0.38 });
  assert.throws(() => parseLoadavg('x'), /unexpected content "x"/);
});

test('namespace links: inode parsing, fixture /proc read, host comparison', () => {
  assert.equal(parseNamespaceLink('net:[4026531840]'), 4026531840);
  assert.ok(Number.isNaN(parseNamespaceLink('/some/path')));
  const host = readNamespaceInodes(PROC, 1)!;
  const c = readNamespaceInodes(PROC, 4242)!;
  const shared = compareWithHost(c, host).filter((n) => n.hostShared).map((n) => n.type);
  assert.deepEqual(shared, ['user', 'time']);
  assert.equal(c.get('net'), 4026532204);
  assert.equal(readNamespaceInodes(PROC, 999999), null, 'a gone pid is null, not an error');
});

test('countLines counts newline bytes only within the read length', () => {
  const buf = Buffer.from('1\n22\n333\nXX\n');
  assert.equal(countLines(buf, 9), 3);
  assert.equal(countLines(buf, 0), 0);
});

test('ProcessCounter keeps the list open on v2 but reopens it per read on v1 (whose open list is a cached snapshot)', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-procs-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const procs = join(dir, 'cgroup.procs');
  writeFileSync(procs, '1\n2\n');
  const v1 = new ProcessCounter(procs, true);
  const v2 = new ProcessCounter(procs, false);
  t.after(() => { v1.close(); v2.close(); });
  const scratch = new ScratchBuffer(64);
  assert.equal(v1.processes(scratch), 2);
  assert.equal(v2.processes(scratch), 2);
  // A new file behind the same path stands in for v1's refreshed list: only a reopen sees it.
  writeFileSync(`${procs}.new`, '1\n');
  renameSync(`${procs}.new`, procs);
  assert.equal(v1.processes(scratch), 1);
  assert.equal(v2.processes(scratch), 2, 'a kept-open file keeps what it first saw');
  rmSync(procs);
  assert.equal(v1.processes(scratch), -1, 'gone');
});
