// The cgroup v2 probe with and without the subtree flush (agent/cgroups/v2/subtree-flush.ts):
// `node --import tsx test/bench/v2-probe.ts [N…]` (root). Runs on any host with a cgroup2 mount
// (a hybrid host's /sys/fs/cgroup/unified too: cpu.stat's usage lines need no controller).
// Makes N cgroups through the real V2CgroupManager, puts one ticker workload in each (idle or
// active, test/bench/ticker.c), and measures, alternating after the same pause as the sampler bench:
//  - the bare probe reads: every container's cpu.stat, alone, and after one read of the parent's;
//  - the real sampler over those cgroups (createSampler().tickNow()), with the manager's
//    flushStats, and with it taken away.
// CPU µs per container (probe) and CPU ms per 1000 container-samples (sampler); removes everything it made.
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { detectCgroupLayout } from '../../agent/cgroups/detect.js';
import { V2CgroupManager } from '../../agent/cgroups/manager-v2.js';
import { DEFAULT_TIMEOUTS } from '../../agent/cgroups/options.js';
import { createSampler } from '../../agent/sampler/index.js';
import type { ContainerInfo } from '../../agent/runtime/types.js';
import { removeCgroupTree } from '../helpers/agent.js';
import { compile, liveTickers, startWorkloads, type Mode } from './workloads.js';

const ROUNDS = 20;
const PAUSE_MS = 250;
const buf = Buffer.allocUnsafe(4096);

/** CPU ms of `work`, after the pause every measurement gets. */
async function cpuMsOf(work: () => unknown): Promise<number> {
  await sleep(PAUSE_MS);
  const u0 = process.cpuUsage();
  await work();
  const u = process.cpuUsage(u0);
  return (u.user + u.system) / 1000;
}

/** Reads each descriptor once. */
function readAll(fds: number[]): void {
  for (const fd of fds) readSync(fd, buf, 0, buf.length, 0);
}

async function measure(manager: V2CgroupManager, root: string, names: string[], ticker: string, mode: Mode): Promise<string> {
  const n = names.length;
  const { proc, pids } = await startWorkloads(ticker, names.map(() => mode), false);
  const fds: number[] = []; // every descriptor opened, closed at the end
  const open = (path: string) => { const fd = openSync(path, 'r'); fds.push(fd); return fd; };
  try {
    names.forEach((name, i) => writeFileSync(manager.procsFiles(name)[0], String(pids[i])));
    const probes = names.map((name) => open(join(root, manager.parent, name, 'cpu.stat')));
    const parentThenProbes = [open(join(root, manager.parent, 'cpu.stat')), ...probes];
    const infos: ContainerInfo[] = names.map((name, i) => ({
      id: name, name, status: 'running', pid: pids[i], shimPid: 0, createdAt: '', startedAt: '',
      cgroup: manager.path(name), stateDir: '', spec: { image: 'bench' } as ContainerInfo['spec'],
    }));
    const noFlush = { statsReader: (id: string) => manager.statsReader(id), procsFiles: (id: string) => manager.procsFiles(id), version: manager.version };
    const logger = pino({ level: 'warn' });
    const withFlush = createSampler({ runtime: { list: () => infos }, cgroups: manager, intervalMs: 1000, logger, historySize: 300, cpuBudget: null });
    const without = createSampler({ runtime: { list: () => infos }, cgroups: noFlush, intervalMs: 1000, logger, historySize: 300, cpuBudget: null });
    try {
      for (let i = 0; i < 3; i++) { await withFlush.tickNow(); await without.tickNow(); }
      const ms = { alone: 0, flushed: 0, sampler: 0, samplerNoFlush: 0 };
      for (let r = 0; r < ROUNDS; r++) {
        ms.alone += await cpuMsOf(() => readAll(probes));
        ms.flushed += await cpuMsOf(() => readAll(parentThenProbes));
        ms.sampler += await cpuMsOf(() => withFlush.tickNow());
        ms.samplerNoFlush += await cpuMsOf(() => without.tickNow());
      }
      // ms per container-sample × 1000: µs per probe read, or ms per 1000 samples
      const per = (v: number, digits: number) => ((v / (ROUNDS * n)) * 1000).toFixed(digits);
      return `${String(n).padStart(6)}  ${mode.padEnd(7)} probe µs: alone ${per(ms.alone, 2)}, after the parent's ${per(ms.flushed, 2)} (×${(ms.alone / ms.flushed).toFixed(2)}); `
        + `sampler ms per 1000 samples: with flushStats ${per(ms.sampler, 1)}, without ${per(ms.samplerNoFlush, 1)} (×${(ms.samplerNoFlush / ms.sampler).toFixed(2)})`;
    } finally {
      withFlush.stop();
      without.stop();
    }
  } finally {
    for (const fd of fds) closeSync(fd);
    proc.kill('SIGKILL');
    for (const name of names) await manager.killAll(name);
  }
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('the v2 probe bench creates real cgroups: run it as root');
  const root = detectCgroupLayout({ procRoot: '/proc' }).unified;
  if (root === undefined) throw new Error('no cgroup2 mount on this host');
  const sizes = process.argv.slice(2).map(Number).filter((x) => x > 0);
  const parent = `berth-bench-${randomBytes(4).toString('hex')}`;
  const work = mkdtempSync(join(tmpdir(), 'berth-bench-'));
  const manager = new V2CgroupManager(root, { parent, timeouts: DEFAULT_TIMEOUTS });
  const cleanUp = async (): Promise<void> => {
    for (const proc of liveTickers) proc.kill('SIGKILL');
    await removeCgroupTree(parent);
    rmSync(work, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void cleanUp().finally(() => process.exit(130)));
  try {
    const ticker = compile(work, 'ticker');
    process.stdout.write(`cgroup2 at ${root}; ${ROUNDS} rounds, each read ${PAUSE_MS} ms after the last; N cgroups with one workload each.\n`);
    for (const n of sizes.length ? sizes : [1000]) {
      const names = Array.from({ length: n }, (_, i) => `c${String(i).padStart(5, '0')}`);
      try {
        for (const name of names) await manager.create(name, {});
        for (const mode of ['active', 'idle'] as const) process.stdout.write(`${await measure(manager, root, names, ticker, mode)}\n`);
      } finally {
        for (const name of names) await manager.destroy(name).catch(() => undefined);
      }
    }
  } finally {
    await cleanUp();
  }
}

main().catch((err) => { process.stderr.write(`bench failed: ${(err as Error).stack}\n`); process.exitCode = 1; });
