// Sampler and /metrics cost on real cgroups: `node --import tsx test/bench/sampler.ts [N…]` (root).
// Creates N cgroups under a random parent (a tiny process in every tenth), then measures
//  - CPU seconds per 1000 container-samples of the real sampler path (createSampler().tickNow()),
//  - the floor: a bare loop that only re-reads, with pread into one buffer, exactly the files the
//    sampler holds open (found through /proc/self/fd), no parsing, no objects,
//  - /metrics: render time of a fresh tick, time of a cached scrape, size and series count,
// prints one table and removes everything it made, also on failure.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, readlinkSync, readSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { createCgroupManager, type CgroupManager } from '../../agent/cgroups/index.js';
import { createMetricsRegistry } from '../../agent/metrics/index.js';
import { createSampler } from '../../agent/sampler/index.js';
import type { ContainerInfo } from '../../agent/runtime/types.js';
import { removeCgroupTree } from '../helpers/agent.js';

const TICKS = 20;
const logger = pino({ level: 'warn' });

interface Row { n: number; realMs: number; floorMs: number; files: number; renderMs: number; cachedMs: number; kib: number; series: number; tickWallMs: number }

function cpuMs(fn: () => void): number {
  const before = process.cpuUsage();
  fn();
  const d = process.cpuUsage(before);
  return (d.user + d.system) / 1000;
}

async function cpuMsAsync(fn: () => Promise<void>): Promise<number> {
  const before = process.cpuUsage();
  await fn();
  const d = process.cpuUsage(before);
  return (d.user + d.system) / 1000;
}

/** Paths of the files this process holds open that belong to the sampler (cgroup and /proc/<pid>/net). */
function sampledFiles(parent: string): string[] {
  const out: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    let target: string;
    try { target = readlinkSync(`/proc/self/fd/${fd}`); } catch { continue; }
    if (target.includes(`/${parent}/`) || /^\/proc\/\d+\/net\/dev$/.test(target) || /^\/proc\/(stat|meminfo|loadavg)$/.test(target)) out.push(target);
  }
  return out;
}

function bareLoop(paths: string[], ticks: number): number {
  const fds = paths.map((p) => openSync(p, 'r'));
  const buf = Buffer.allocUnsafe(64 * 1024);
  try {
    return cpuMs(() => {
      for (let t = 0; t < ticks; t++) for (const fd of fds) readSync(fd, buf, 0, buf.length, 0);
    });
  } finally {
    for (const fd of fds) closeSync(fd);
  }
}

async function measure(cgroups: CgroupManager, parent: string, n: number, procs: ChildProcess[]): Promise<Row> {
  const names = Array.from({ length: n }, (_, i) => `c${String(i).padStart(5, '0')}`);
  for (const name of names) await cgroups.create(name, { memoryBytes: 256 << 20, cpuQuotaUs: 50000, cpuPeriodUs: 100000, pidsLimit: 100 });
  const infos: ContainerInfo[] = [];
  for (let i = 0; i < n; i++) {
    let pid = process.pid;
    if (i % 10 === 0) {
      const child = spawn('sleep', ['3600'], { stdio: 'ignore' });
      procs.push(child);
      pid = child.pid!;
      await movePid(cgroups, names[i], pid);
    }
    infos.push({ id: names[i], name: names[i], status: 'running', pid, shimPid: 0, createdAt: new Date().toISOString(),
      startedAt: new Date().toISOString(), cgroup: cgroups.path(names[i]), stateDir: '', spec: { image: 'bench' } as ContainerInfo['spec'] });
  }
  const sampler = createSampler({ runtime: { list: () => infos }, cgroups, intervalMs: 1000, logger, historySize: 300 });
  const registry = createMetricsRegistry({ store: sampler.store, runtime: { list: () => infos } });
  try {
    // Steady state: every reader open and the hot path compiled by the JIT (a few thousand
    // container-samples), as in an agent that has been running for a while.
    for (let t = 0; t < Math.max(2, Math.ceil(5000 / n)); t++) await sampler.tickNow();
    const wallStart = performance.now();
    const realMs = await cpuMsAsync(async () => { for (let t = 0; t < TICKS; t++) await sampler.tickNow(); });
    const tickWallMs = (performance.now() - wallStart) / TICKS;
    const files = sampledFiles(parent);
    await sampler.tickNow();
    let t0 = performance.now();
    const text = await registry.metrics();
    const renderMs = performance.now() - t0;
    t0 = performance.now();
    for (let i = 0; i < 5; i++) await registry.metrics();
    const cachedMs = (performance.now() - t0) / 5;
    const series = text.split('\n').filter((l) => l && !l.startsWith('#')).length;
    registry.close();
    sampler.stop(); // the floor opens its own fds on the same paths: the fd limit holds one set at a time
    const floorMs = bareLoop(files, TICKS);
    return { n, realMs: (realMs / (TICKS * n)) * 1000, floorMs: (floorMs / (TICKS * n)) * 1000, files: files.length, renderMs, cachedMs,
      kib: Buffer.byteLength(text) / 1024, series, tickWallMs };
  } finally {
    registry.close();
    sampler.stop();
    for (const p of procs.splice(0)) p.kill('SIGKILL');
    for (const name of names) await cgroups.destroy(name).catch(() => undefined);
  }
}

async function movePid(cgroups: CgroupManager, name: string, pid: number): Promise<void> {
  for (const f of cgroups.procsFiles(name)) writeFileSync(f, String(pid));
}

function fdLimit(): number {
  return Number(/Max open files\s+(\d+)/.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1] ?? 0);
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('the sampler bench creates real cgroups: run it as root');
  const sizes = process.argv.slice(2).map(Number).filter((x) => x > 0);
  const parent = `berth-bench-${randomBytes(4).toString('hex')}`;
  const cgroups = await createCgroupManager({ parent });
  const procs: ChildProcess[] = [];
  const rows: Row[] = [];
  const skipped: string[] = [];
  try {
    for (const n of sizes.length ? sizes : [100, 1000]) {
      // Every container holds ~20-30 files open; a size that cannot fit under the fd limit is
      // reported instead of failing half-way (raising the hard limit needs CAP_SYS_RESOURCE).
      const perContainer = rows.length ? rows[0].files / rows[0].n : 30;
      const need = Math.ceil(perContainer * n) + 200;
      if (need > fdLimit()) {
        skipped.push(`N=${n}: needs ~${need} open files (${perContainer.toFixed(1)} per container), fd limit is ${fdLimit()}`);
        continue;
      }
      rows.push(await measure(cgroups, parent, n, procs));
    }
  } finally {
    for (const p of procs) p.kill('SIGKILL');
    await removeCgroupTree(parent);
  }
  const pad = (v: string | number, w: number) => String(v).padStart(w);
  process.stdout.write(`cgroup ${cgroups.version}, ${TICKS} ticks per size, CPU ms per 1000 container-samples (= % of one core at 1000 containers/s ÷ 10)\n`);
  process.stdout.write(`${pad('N', 6)} ${pad('sampler', 9)} ${pad('floor', 8)} ${pad('ratio', 6)} ${pad('files', 6)} ${pad('tick ms', 8)} ${pad('render ms', 10)} ${pad('cached ms', 10)} ${pad('KiB', 8)} ${pad('series', 7)}\n`);
  for (const r of rows) {
    process.stdout.write(`${pad(r.n, 6)} ${pad(r.realMs.toFixed(1), 9)} ${pad(r.floorMs.toFixed(1), 8)} ${pad((r.realMs / r.floorMs).toFixed(2), 6)} ${pad(r.files, 6)} ${pad(r.tickWallMs.toFixed(1), 8)} ${pad(r.renderMs.toFixed(1), 10)} ${pad(r.cachedMs.toFixed(2), 10)} ${pad(r.kib.toFixed(0), 8)} ${pad(r.series, 7)}\n`);
  }
  for (const line of skipped) process.stdout.write(`skipped ${line}\n`);
}

main().catch((err) => { process.stderr.write(`bench failed: ${(err as Error).stack}\n`); process.exitCode = 1; });
