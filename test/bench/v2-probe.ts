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

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(start);
  return (u.user + u.system) / 1000;
}

/** CPU ms of reading each descriptor once, the parent's first when given. */
function readAll(fds: number[], parentFd?: number): number {
  const u0 = process.cpuUsage();
  if (parentFd !== undefined) readSync(parentFd, buf, 0, buf.length, 0);
  for (const fd of fds) readSync(fd, buf, 0, buf.length, 0);
  return cpuMsSince(u0);
}

async function measure(manager: V2CgroupManager, root: string, names: string[], ticker: string, mode: Mode): Promise<string> {
  const n = names.length;
  const { proc, pids } = await startWorkloads(ticker, names.map(() => mode), false);
  const fds: number[] = [];
  try {
    names.forEach((name, i) => writeFileSync(manager.procsFiles(name)[0], String(pids[i])));
    for (const name of names) fds.push(openSync(join(root, manager.parent, name, 'cpu.stat'), 'r'));
    const parentFd = openSync(join(root, manager.parent, 'cpu.stat'), 'r');
    fds.push(parentFd);
    const probes = fds.slice(0, n);
    const infos: ContainerInfo[] = names.map((name, i) => ({
      id: name, name, status: 'running', pid: pids[i], shimPid: 0, createdAt: '', startedAt: '',
      cgroup: manager.path(name), stateDir: '', spec: { image: 'bench' } as ContainerInfo['spec'],
    }));
    const flushStats = manager.flushStats.bind(manager);
    const noFlush = { statsReader: (id: string) => manager.statsReader(id), procsFiles: (id: string) => manager.procsFiles(id), version: manager.version };
    const logger = pino({ level: 'warn' });
    const withFlush = createSampler({ runtime: { list: () => infos }, cgroups: manager, intervalMs: 1000, logger, historySize: 300 });
    const without = createSampler({ runtime: { list: () => infos }, cgroups: noFlush, intervalMs: 1000, logger, historySize: 300 });
    try {
      for (let i = 0; i < 3; i++) { await withFlush.tickNow(); await without.tickNow(); flushStats(); }
      const ms = { alone: 0, flushed: 0, sampler: 0, samplerNoFlush: 0 };
      for (let r = 0; r < ROUNDS; r++) {
        await sleep(PAUSE_MS); ms.alone += readAll(probes);
        await sleep(PAUSE_MS); ms.flushed += readAll(probes, parentFd);
        await sleep(PAUSE_MS); let u0 = process.cpuUsage(); await withFlush.tickNow(); ms.sampler += cpuMsSince(u0);
        await sleep(PAUSE_MS); u0 = process.cpuUsage(); await without.tickNow(); ms.samplerNoFlush += cpuMsSince(u0);
      }
      const perRead = (v: number) => ((v / (ROUNDS * n)) * 1000).toFixed(2);
      const per1000 = (v: number) => ((v / (ROUNDS * n)) * 1000).toFixed(1);
      return `${String(n).padStart(6)}  ${mode.padEnd(7)} probe µs: alone ${perRead(ms.alone)}, after the parent's ${perRead(ms.flushed)} (×${(ms.alone / ms.flushed).toFixed(2)}); `
        + `sampler ms per 1000 samples: with flushStats ${per1000(ms.sampler)}, without ${per1000(ms.samplerNoFlush)} (×${(ms.samplerNoFlush / ms.sampler).toFixed(2)})`;
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
