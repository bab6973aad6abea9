// Sampler and /metrics cost on real cgroups: `node --import tsx test/bench/sampler.ts [N…] [--only=idle]` (root).
// Creates N cgroups under a random parent, puts one stand-in workload process in each
// (test/bench/ticker.c: idle, active or memory-churning), and for each scenario measures
//  - CPU ms per 1000 container-samples of the real sampler path (createSampler().tickNow()), with
//    a pause of 250 ms before each tick (and a floor tick between two) so that active workloads
//    run between them, as they would at 1 Hz,
//  - file reads per container-sample (the sampler's read cadence, agent/sampler/cadence.ts),
//  - the floor: the same reads replayed as a bare loop (pread into one buffer, no parsing, no
//    objects); the reads are recorded, tick by tick, in an unmeasured run of one whole cadence
//    cycle. Its ticks alternate with the sampler's, each after the same pause, so both are measured
//    on the same machine at the same time (the ratio's noise on this shared VM was ±30 % when the
//    floor ran minutes after the sampler). Also replayed back to back with no pause (hot), for
//    reference: a cgroup file read once per tick finds its data out of the CPU caches (up to ~1.5×
//    the cost of the same read repeated at once, here), which no sampler reading at 1 Hz can avoid,
//  - the same reads replayed by a C program (replay.c), a third tick after each floor tick: the
//    least a native reader, with no JavaScript between the reads, could cost for them,
//  - how much of the sampler's figure went to V8's garbage collection pauses within its ticks,
//  - for reference, the same workload read the way a sampler without cadence would: every file of
//    every container on every tick (fullEveryTicks 1): the cost without cadence,
//  - for idle and all-active fleets, the same once every container's history is full (300 samples,
//    the agent's default): the sampler's CPU over the last ticks and the heap it holds then,
//  - the cost of a null system call on this machine (syscall-cost.c), which every read of the
//    floor pays once: a virtual machine that traps system calls makes the floor many times a
//    bare-metal machine's, so figures from two machines compare only with it,
//  - /metrics: the bytes of a scrape after a fresh tick (render + encode; the process's first and the
//    median of the next five) and of a cached one, size, series; the same gzip-compressed after a
//    fresh tick, as Prometheus asks for it (median of five), and its size; and ticks with a scraper asking
//    every 50 ms against the same ticks without (measureContention),
// prints one table and removes everything it made, also on failure.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs, { closeSync, mkdtempSync, openSync, readFileSync, readlinkSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { PerformanceObserver } from 'node:perf_hooks';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { createCgroupManager, type CgroupManager } from '../../agent/cgroups/index.js';
import { createMetricsRegistry } from '../../agent/metrics/index.js';
import { createSampler, type SamplerHandle } from '../../agent/sampler/index.js';
import type { ContainerInfo } from '../../agent/runtime/types.js';
import { removeCgroupTree } from '../helpers/agent.js';
import { compile, liveTickers, startWorkloads, type Mode } from './workloads.js';

// One whole cycle of the slowest cadence (an idle container's full read: 6 × FULL_EVERY ticks), so
// every row contains the full reads it would have in the long run.
const TICKS = 60;
const TICK_SPACING_MS = 250;
const FULL_EVERY = 10;
const HISTORY_SIZE = 300; // the agent's default
const logger = pino({ level: 'warn' });

/**
 * `active`: share of workloads that run between ticks; `churn`: share (of all) that also move their memory by > 1 MiB.
 * `budget`: the sampler keeps to its default CPU budget (agent/sampler/budget.ts); the other rows read exactly what the
 * cadence says at every tick (`--sample-budget none`), which is also what the budget lets through whenever it can.
 */
interface Scenario { name: string; active: number; churn: number; fullEvery: number; render?: boolean; hostNetwork?: boolean; fullHistory?: boolean; budget?: boolean }

const SCENARIOS: Scenario[] = [
  // The render is timed in wall-clock ms: on the quiet machine, not under 1000 busy workloads on 2 cores.
  { name: 'idle', active: 0, churn: 0, fullEvery: FULL_EVERY, render: true, fullHistory: true },
  { name: '10% active', active: 0.1, churn: 0, fullEvery: FULL_EVERY },
  { name: 'all active', active: 1, churn: 0, fullEvery: FULL_EVERY, fullHistory: true },
  // --network host: every container sees the host's interfaces (lo + 3 on this VM).
  { name: 'all active, host network', active: 1, churn: 0, fullEvery: FULL_EVERY, hostNetwork: true },
  // More churn than this saturates 2 cores with page faults at N=1000 (the workloads, not berth).
  { name: 'all active, 10% memory churn', active: 1, churn: 0.1, fullEvery: FULL_EVERY },
  { name: 'same, every file every tick', active: 1, churn: 0.1, fullEvery: 1 },
  { name: 'budget 3 %, all active', active: 1, churn: 0, fullEvery: FULL_EVERY, budget: true },
];

interface Row {
  n: number; scenario: string; realMs: number; floorMs: number; hotFloorMs: number; readsPerSample: number; tickWallMs: number; gcMs: number;
  /** Of realMs and floorMs: the kernel's part (system time); the rest is user time (JS, V8, Node's own). */
  realSystemMs: number; floorSystemMs: number;
  /** The floor replayed in C (replay.c), and of it the kernel's part. */
  nativeMs: number; nativeSystemMs: number;
  render?: { firstMs: number; ms: number; cachedMs: number; kib: number; series: number; gzipMs: number; gzipKib: number };
  contention?: { scrapeMaxMs: number; tickLateMs: number; quietTickLateMs: number; tickMs: number; quietTickMs: number };
  fullHistory?: { ms: number; heapMiB: number; arrayBuffersMiB: number };
  /** The stride of each measured tick (budget.ts). */
  strides: number[];
}

/** CPU ms since `from` (a process.cpuUsage() snapshot): all of it, and the kernel's part. */
function cpuSince(from: NodeJS.CpuUsage): { cpu: number; system: number } {
  const d = process.cpuUsage(from);
  return { cpu: (d.user + d.system) / 1000, system: d.system / 1000 };
}

/**
 * Ticks spaced in time so the workloads run in between; returns the CPU ms and wall ms spent in
 * ticks, and how late the latest tick started after its pause. `beforeTick` runs after each
 * pause, outside the measurement.
 */
async function spacedTicks(sampler: SamplerHandle, ticks: number, beforeTick?: () => void): Promise<{ cpu: number; system: number; wall: number; lateMs: number; windows: TickWindow[] }> {
  let cpu = 0;
  let system = 0;
  let wall = 0;
  let lateMs = 0;
  const windows: TickWindow[] = [];
  for (let i = 0; i < ticks; i++) {
    const due = performance.now() + TICK_SPACING_MS;
    await sleep(TICK_SPACING_MS);
    lateMs = Math.max(lateMs, performance.now() - due);
    beforeTick?.();
    const u0 = process.cpuUsage();
    const w0 = performance.now();
    await sampler.tickNow();
    windows.push({ from: w0, to: performance.now() });
    wall += performance.now() - w0;
    const spent = cpuSince(u0);
    cpu += spent.cpu;
    system += spent.system;
  }
  return { cpu, system, wall, lateMs, windows };
}

/** When a tick ran, in performance.now() ms. */
interface TickWindow { from: number; to: number }

/**
 * V8's garbage collection pauses of the main thread, as the 'gc' performance entries report them
 * (pause time, not the helper threads' share), so a row can say how much of a tick went to them.
 */
class GcPauses {
  private readonly pauses: TickWindow[] = [];
  private readonly observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) this.pauses.push({ from: e.startTime, to: e.startTime + e.duration });
  });

  constructor() { this.observer.observe({ entryTypes: ['gc'] }); }

  /** Ms of pauses inside `windows`; waits a turn first, as entries arrive asynchronously. */
  async within(windows: TickWindow[]): Promise<number> {
    await new Promise((resolve) => setImmediate(resolve));
    this.observer.disconnect();
    let ms = 0;
    for (const p of this.pauses) for (const w of windows) ms += Math.max(0, Math.min(p.to, w.to) - Math.max(p.from, w.from));
    return ms;
  }
}

/** A read the sampler made: the descriptor and what it was open on. */
interface RecordedRead { fd: number; path: string }

/**
 * The reads the sampler makes, tick by tick, over `ticks` ticks: fs.readSync and fs.openSync wrapped
 * for the run. A descriptor's path is looked up once, when it is opened or first read, not at every
 * read: a readlink per read would double the run's CPU, and with it push the budget's stride up.
 */
async function recordReads(sampler: SamplerHandle, ticks: number): Promise<RecordedRead[][]> {
  const { readSync: originalRead, openSync: originalOpen } = fs;
  const paths = new Map<number, string>();
  const pathOf = (fd: number): string => {
    let path = paths.get(fd);
    if (path === undefined) paths.set(fd, (path = readlinkSync(`/proc/self/fd/${fd}`)));
    return path;
  };
  const perTick: RecordedRead[][] = [];
  let trace: RecordedRead[] = [];
  fs.openSync = ((...args: unknown[]) => {
    const fd = (originalOpen as (...a: unknown[]) => number)(...args);
    paths.delete(fd); // a number closed and handed out again
    pathOf(fd);
    return fd;
  }) as typeof fs.openSync;
  fs.readSync = ((fd: number, ...rest: unknown[]) => {
    trace.push({ fd, path: pathOf(fd) });
    return (originalRead as (...a: unknown[]) => number)(fd, ...rest);
  }) as typeof fs.readSync;
  syncBuiltinESMExports();
  try {
    await spacedTicks(sampler, ticks, () => perTick.push((trace = [])));
  } finally {
    fs.readSync = originalRead;
    fs.openSync = originalOpen;
    syncBuiltinESMExports();
  }
  return perTick;
}

/**
 * A recorded read as the floors make it: through a descriptor the sampler holds open, or by
 * opening the file, reading and closing it, for a file the sampler opens per read (settings, v1
 * cgroup.procs, whose open list is a snapshot): a floor must make the same syscalls.
 */
interface ReplayRead extends RecordedRead { held: boolean }

function replayReads(perTick: RecordedRead[][]): ReplayRead[][] {
  const held = new Map<string, boolean>();
  return perTick.map((reads) => reads.map(({ fd, path }) => {
    const key = `${fd} ${path}`;
    if (!held.has(key)) held.set(key, stillOpenOn(fd, path));
    return { fd, path, held: held.get(key)! };
  }));
}

/**
 * The floor: recorded reads replayed with pread at offset 0 into one buffer, through the sampler's
 * own descriptors (the fd limit could not hold a second set of them in this process).
 */
class FloorReplay {
  private readonly ticks: (number | string)[][];
  private readonly buf = Buffer.allocUnsafe(64 * 1024);

  constructor(perTick: ReplayRead[][]) {
    this.ticks = perTick.map((reads) => reads.map((read) => (read.held ? read.fd : read.path)));
  }

  /** CPU ms of tick `i`'s reads, and of it the kernel's. */
  tick(i: number): { cpu: number; system: number } {
    const u0 = process.cpuUsage();
    for (const file of this.ticks[i % this.ticks.length]) {
      if (typeof file === 'number') readSync(file, this.buf, 0, this.buf.length, 0);
      else this.readOnce(file);
    }
    return cpuSince(u0);
  }

  private readOnce(path: string): void {
    let fd: number;
    try { fd = openSync(path, 'r'); } catch { return; } // gone since
    try { readSync(fd, this.buf, 0, this.buf.length, 0); } finally { closeSync(fd); }
  }
}

/**
 * The same reads replayed by test/bench/replay.c, a process of its own with its own descriptors:
 * no JavaScript runtime between the reads, i.e. what the best native (batched) reader would cost.
 */
class NativeReplay {
  private readonly waiting: { resolve: (line: string) => void; reject: (err: Error) => void }[] = [];

  private constructor(private readonly proc: ChildProcess, private readonly ticks: number) {
    createInterface({ input: proc.stdout! }).on('line', (line) => this.waiting.shift()?.resolve(line));
    proc.once('exit', (code) => { for (const w of this.waiting.splice(0)) w.reject(new Error(`replay exited with ${code}`)); });
  }

  static start(program: string, dir: string, perTick: ReplayRead[][]): NativeReplay {
    const held = new Map<string, number>();
    for (const read of perTick.flat()) if (read.held && !held.has(read.path)) held.set(read.path, held.size);
    const plan = [held.size, ...held.keys(), perTick.length];
    for (const reads of perTick) plan.push(reads.length, ...reads.map((r) => (r.held ? `h ${held.get(r.path)}` : `o ${r.path}`)));
    const planFile = join(dir, 'replay-plan');
    writeFileSync(planFile, `${plan.join('\n')}\n`);
    return new NativeReplay(spawn(program, [planFile], { stdio: ['pipe', 'pipe', 'inherit'] }), perTick.length);
  }

  /** CPU ms of tick `i`'s reads in replay.c, and of it the kernel's. */
  async tick(i: number): Promise<{ cpu: number; system: number }> {
    const line = await new Promise<string>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.proc.stdin!.write(`${i % this.ticks}\n`);
    });
    const [user, system] = line.split(' ').map(Number);
    return { cpu: (user + system) / 1000, system: system / 1000 };
  }

  stop(): void {
    this.proc.kill('SIGKILL');
  }
}

function stillOpenOn(fd: number, path: string): boolean {
  try {
    return readlinkSync(`/proc/self/fd/${fd}`) === path;
  } catch {
    return false;
  }
}

/**
 * The sampler's ticks, the floor's and the native floor's, alternating, each after a pause of the
 * same length, so that all see the same machine (see the header).
 */
async function interleaved(sampler: SamplerHandle, floor: FloorReplay, native: NativeReplay, ticks: number): Promise<{
  cpu: number; wall: number; floor: number; gc: number; system: number; floorSystem: number; native: number; nativeSystem: number; strides: number[];
}> {
  const total = { cpu: 0, wall: 0, floor: 0, gc: 0, system: 0, floorSystem: 0, native: 0, nativeSystem: 0, strides: [] as number[] };
  const gc = new GcPauses();
  const windows: TickWindow[] = [];
  for (let i = 0; i < ticks; i++) {
    const real = await spacedTicks(sampler, 1);
    total.strides.push(sampler.store.host()!.agent.sampleStride);
    total.system += real.system;
    total.cpu += real.cpu;
    total.wall += real.wall;
    windows.push(...real.windows);
    await sleep(TICK_SPACING_MS);
    const bare = floor.tick(i);
    total.floor += bare.cpu;
    total.floorSystem += bare.system;
    await sleep(TICK_SPACING_MS);
    const inC = await native.tick(i);
    total.native += inC.cpu;
    total.nativeSystem += inC.system;
  }
  total.gc = await gc.within(windows);
  return total;
}

/** The bench's C programs, compiled into its work directory. */
interface Programs { dir: string; ticker: string; replay: string }

async function measure(cgroups: CgroupManager, names: string[], programs: Programs, s: Scenario): Promise<Row> {
  const n = names.length;
  const modes = names.map((_, i): Mode => (i < n * s.churn ? 'churn' : i < n * s.active ? 'active' : 'idle'));
  const { proc, pids } = await startWorkloads(programs.ticker, modes, s.hostNetwork ?? false);
  try {
    for (let i = 0; i < n; i++) for (const f of cgroups.procsFiles(names[i])) writeFileSync(f, String(pids[i]));
    const now = new Date().toISOString();
    const infos: ContainerInfo[] = names.map((name, i) => ({
      id: name, name, status: 'running', pid: pids[i], shimPid: 0, createdAt: now, startedAt: now,
      cgroup: cgroups.path(name), stateDir: '', spec: { image: 'bench' } as ContainerInfo['spec'],
    }));
    // As Runtime.list() answers: fresh objects on every call, newest first (~0.2 ms at N=1000).
    const list = () => infos.map((info) => ({ ...info })).sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
    const sampler = createSampler({
      runtime: { list }, cgroups, intervalMs: 1000, logger, historySize: HISTORY_SIZE, fullEveryTicks: s.fullEvery, cpuBudget: s.budget ? undefined : null,
    });
    const registry = createMetricsRegistry({ store: sampler.store, runtime: { list } });
    try {
      // Steady state: every reader open, the phases of the full reads spread, the JIT warm.
      for (let t = 0; t < Math.max(3, Math.ceil(5000 / n)); t++) await sampler.tickNow();
      await spacedTicks(sampler, s.fullEvery + 2);
      // TICKS is one whole cadence cycle: tick i of the measurement reads what tick i of the recording did.
      const reads = await recordReads(sampler, TICKS);
      const replayed = replayReads(reads);
      const floor = new FloorReplay(replayed);
      const native = NativeReplay.start(programs.replay, programs.dir, replayed);
      let real;
      try {
        real = await interleaved(sampler, floor, native, TICKS);
      } finally {
        native.stop();
      }
      let hotFloor = 0;
      for (let i = 0; i < TICKS; i++) hotFloor += floor.tick(i).cpu;
      let render: Row['render'];
      let contention: Row['contention'];
      if (s.render) {
        render = await measureRender(sampler, registry);
        contention = await measureContention(sampler, registry);
      }
      const fullHistory = s.fullHistory ? await measureFullHistory(sampler, n) : undefined;
      const samples = TICKS * n;
      return {
        n, scenario: s.name, realMs: (real.cpu / samples) * 1000, floorMs: (real.floor / samples) * 1000, hotFloorMs: (hotFloor / samples) * 1000,
        readsPerSample: reads.flat().length / samples, tickWallMs: real.wall / TICKS, gcMs: (real.gc / samples) * 1000, render, contention, fullHistory,
        realSystemMs: (real.system / samples) * 1000, floorSystemMs: (real.floorSystem / samples) * 1000,
        nativeMs: (real.native / samples) * 1000, nativeSystemMs: (real.nativeSystem / samples) * 1000, strides: real.strides,
      };
    } finally {
      registry.close();
      sampler.stop();
    }
  } finally {
    proc.kill('SIGKILL');
    for (const name of names) await cgroups.killAll(name); // the children too, before the next scenario moves its own in
  }
}

/**
 * A scrape as the HTTP route serves it (scrape(): the bytes it sends) after each of 6 fresh
 * ticks: the first in the process and the median of the others; then a cached scrape within one
 * tick; then 5 fresh ticks scraped asking for gzip, as Prometheus does. (The process's very first render, with cold code and fresh memory, is not a scrape's: the
 * registry makes it by itself after the first tick with containers, in the warm-up ticks here.)
 */
async function measureRender(sampler: SamplerHandle, registry: ReturnType<typeof createMetricsRegistry>): Promise<Row['render']> {
  const times: number[] = [];
  let parts: Buffer[] = [];
  for (let i = 0; i < 6; i++) {
    await sampler.tickNow();
    const t0 = performance.now();
    const scrape = await registry.scrape();
    times.push(performance.now() - t0);
    parts = scrape.parts;
    scrape.sent(); // as the route does once the response is over: the next render reuses the pieces
  }
  const t0 = performance.now();
  for (let i = 0; i < 5; i++) (await registry.scrape()).sent();
  const cachedMs = (performance.now() - t0) / 5;
  const gzipTimes: number[] = [];
  let gzipBytes = 0;
  for (let i = 0; i < 5; i++) {
    await sampler.tickNow();
    const t1 = performance.now();
    const scrape = await registry.scrape('gzip'); // as Prometheus asks: render and compress
    gzipTimes.push(performance.now() - t1);
    gzipBytes = scrape.parts[0].length;
  }
  const text = await registry.metrics();
  const series = text.split('\n').filter((l) => l && !l.startsWith('#')).length;
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return {
    firstMs: times[0], ms: median(times.slice(1)), cachedMs, kib: parts.reduce((n, p) => n + p.length, 0) / 1024, series,
    gzipMs: median(gzipTimes), gzipKib: gzipBytes / 1024,
  };
}

/**
 * Scrapes and ticks at once: a scraper asks every 50 ms (Prometheus asks every 15 s or so) while
 * 10 ticks run 250 ms apart, as in the measurement, and the same 10 ticks run without it. A tick
 * yields between slices of containers, so a scrape waits for one slice at most; a render happens
 * once per tick, between ticks, so a tick waits for one render at most. Reports the longest
 * scrape (from when it was due to its bytes) and how much later ticks start and finish with the scraper.
 */
async function measureContention(sampler: SamplerHandle, registry: ReturnType<typeof createMetricsRegistry>): Promise<NonNullable<Row['contention']>> {
  const quiet = await spacedTicks(sampler, 10);
  let scraping = true;
  let scrapeMaxMs = 0;
  const scraper = (async () => {
    let due = performance.now();
    while (scraping) {
      due += 50;
      await sleep(Math.max(0, due - performance.now()));
      const scrape = await registry.scrape();
      scrape.sent();
      scrapeMaxMs = Math.max(scrapeMaxMs, performance.now() - due);
    }
  })();
  const loaded = await spacedTicks(sampler, 10);
  scraping = false;
  await scraper;
  return { scrapeMaxMs, tickLateMs: loaded.lateMs, quietTickLateMs: quiet.lateMs, tickMs: loaded.wall / 10, quietTickMs: quiet.wall / 10 };
}

/**
 * Ticks on until every history is full (with the row's own ticks, more than it holds), then the sampler's CPU
 * over the next TICKS ticks, and the heap after a full collection: what the agent holds in steady state.
 */
async function measureFullHistory(sampler: SamplerHandle, n: number): Promise<NonNullable<Row['fullHistory']>> {
  await spacedTicks(sampler, HISTORY_SIZE - TICKS);
  const { cpu } = await spacedTicks(sampler, TICKS);
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  const m = process.memoryUsage();
  return { ms: (cpu / (TICKS * n)) * 1000, heapMiB: m.heapUsed / 2 ** 20, arrayBuffersMiB: m.arrayBuffers / 2 ** 20 };
}

function fdLimit(): number {
  return Number(/Max open files\s+(\d+)/.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1] ?? 0);
}

/** ns per null system call on this machine (syscall-cost.c); printed so figures from machines can be compared. */
function syscallCostNs(dir: string): number {
  const run = spawnSync(compile(dir, 'syscall-cost'), { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`syscall-cost: exit ${run.status}: ${run.stderr || run.error?.message}`);
  return Number(run.stdout);
}

const pad = (v: string | number, w: number) => String(v).padStart(w);
const out = (line: string) => process.stdout.write(`${line}\n`);

function printHeader(version: string, syscallNs: number): void {
  out(`cgroup ${version}; ${TICKS} sampler ticks per row, each followed after ${TICK_SPACING_MS} ms by a floor tick; full read every ${FULL_EVERY} ticks unless said.`);
  out(`A null system call costs ${syscallNs} ns on this machine; every read of the floor pays it once.`);
  out('CPU ms per 1000 container-samples = % of one core at 1000 containers sampled every second × 10.');
  out('floor: the same reads, bare, alternating with the sampler\'s ticks (ratio = sampler / floor); hot: the same reads back to back.');
  out('C, C.sys: the floor replayed by a C program (replay.c), alternating too: the least a native, batched reader could cost for the same reads.');
  out('sys, f.sys, C.sys: of the sampler\'s, the floor\'s and C\'s figure, the kernel\'s part (system time); the rest is user time.');
  out('gc: of the sampler\'s figure, V8\'s GC pauses within its ticks (main thread; helper threads not counted).');
  out(`${'N'.padStart(6)}  ${'scenario'.padEnd(36)} ${pad('sampler', 8)} ${pad('sys', 5)} ${pad('% core', 7)} ${pad('floor', 7)} ${pad('f.sys', 6)} ${pad('ratio', 6)} ${pad('C', 5)} ${pad('C.sys', 6)} ${pad('hot', 6)} ${pad('gc', 5)} ${pad('reads', 6)} ${pad('tick ms', 8)}`);
}

/** Each row as soon as it is measured: a long run cut short still shows what it got. */
function printRow(r: Row): void {
  out(`${pad(r.n, 6)}  ${r.scenario.padEnd(36)} ${pad(r.realMs.toFixed(1), 8)} ${pad(r.realSystemMs.toFixed(1), 5)} ${pad((r.realMs / 10).toFixed(2), 7)} ${pad(r.floorMs.toFixed(1), 7)} ${pad(r.floorSystemMs.toFixed(1), 6)} ${pad((r.realMs / r.floorMs).toFixed(2), 6)} ${pad(r.nativeMs.toFixed(1), 5)} ${pad(r.nativeSystemMs.toFixed(1), 6)} ${pad(r.hotFloorMs.toFixed(1), 6)} ${pad(r.gcMs.toFixed(1), 5)} ${pad(r.readsPerSample.toFixed(1), 6)} ${pad(r.tickWallMs.toFixed(1), 8)}`);
  if (r.render) out(`        /metrics at N=${r.n}: scrape after a tick ${r.render.ms.toFixed(1)} ms (median of 5; the process's first ${r.render.firstMs.toFixed(1)} ms), cached ${r.render.cachedMs.toFixed(2)} ms, ${r.render.kib.toFixed(0)} KiB, ${r.render.series} series; `
    + `asked for gzip (as Prometheus does) ${r.render.gzipMs.toFixed(1)} ms, ${r.render.gzipKib.toFixed(0)} KiB`);
  if (r.strides.some((stride) => stride > 1)) {
    const counts = new Map<number, number>();
    for (const stride of r.strides) counts.set(stride, (counts.get(stride) ?? 0) + 1);
    out(`        over the budget, busy containers' figures other than CPU usage were read every ${[...counts].sort(([a], [b]) => a - b).map(([stride, k]) => `${stride} ticks (${k} of ${r.strides.length})`).join(', ')}; `
      + 'the floor replays the reads of a run before the measured one, at the strides of then');
  }
  const h = r.fullHistory;
  if (h) {
    out(`        with every history full (${HISTORY_SIZE} samples per container): sampler ${h.ms.toFixed(1)} ms per 1000 samples; `
      + `heap ${h.heapMiB.toFixed(1)} MiB used after a full GC, array buffers ${h.arrayBuffersMiB.toFixed(1)} MiB`);
  }
  const c = r.contention;
  if (c) {
    out(`        scraping every 50 ms during ticks: longest scrape ${c.scrapeMaxMs.toFixed(1)} ms; ticks start at most ${c.tickLateMs.toFixed(1)} ms late `
      + `(${c.quietTickLateMs.toFixed(1)} without scrapes) and take ${c.tickMs.toFixed(1)} ms (${c.quietTickMs.toFixed(1)})`);
  }
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('the sampler bench creates real cgroups: run it as root');
  const args = process.argv.slice(2);
  const sizes = args.map(Number).filter((x) => x > 0);
  // `--only=idle,10` (starts of scenario names) runs only the matching scenarios, e.g. under --cpu-prof.
  const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',').filter((o) => o !== '');
  const scenarios = only ? SCENARIOS.filter((s) => only.some((o) => s.name.startsWith(o))) : SCENARIOS;
  if (scenarios.length === 0) throw new Error(`--only=${only!.join(',')}: no scenario starts so; there are: ${SCENARIOS.map((s) => s.name).join('; ')}`);
  const parent = `berth-bench-${randomBytes(4).toString('hex')}`;
  const work = mkdtempSync(join(tmpdir(), 'berth-bench-'));
  const cgroups = await createCgroupManager({ parent });
  const cleanUp = async (): Promise<void> => {
    for (const proc of liveTickers) proc.kill('SIGKILL'); // cut short by a signal: measure() did not get to it
    await removeCgroupTree(parent); // kills the workloads too
    rmSync(work, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void cleanUp().finally(() => process.exit(130)));
  }
  try {
    const programs: Programs = { dir: work, ticker: compile(work, 'ticker'), replay: compile(work, 'replay') };
    printHeader(cgroups.version, syscallCostNs(work));
    for (const n of sizes.length ? sizes : [100, 1000]) {
      // ~14 files per container stay open (v1/hybrid); a size over the fd limit is reported
      // instead of failing half-way (raising the hard limit needs CAP_SYS_RESOURCE).
      const need = 15 * n + 200;
      if (need > fdLimit()) { out(`skipped N=${n}: needs ~${need} open files, the fd limit is ${fdLimit()}`); continue; }
      const names = Array.from({ length: n }, (_, i) => `c${String(i).padStart(5, '0')}`);
      try {
        for (const name of names) await cgroups.create(name, { memoryBytes: 256 << 20, cpuQuotaUs: 50000, cpuPeriodUs: 100000, pidsLimit: 100 });
        for (const s of scenarios) printRow(await measure(cgroups, names, programs, s));
      } finally {
        for (const name of names) await cgroups.destroy(name).catch(() => undefined);
      }
    }
    out('goals: sampler < 30 ms per 1000 (3 % of a core at 1000 containers/s), ≤ 2× the floor; /metrics render < 100 ms at N=1000');
  } finally {
    await cleanUp();
  }
}

main().catch((err) => { process.stderr.write(`bench failed: ${(err as Error).stack}\n`); process.exitCode = 1; });
