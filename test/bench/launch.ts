// Launch latency and idle memory: create → start → exit → delete of /bin/true through the API
// of a real agent, next to `runc run` of the same OCI bundle in the same run (N=30 each), and
// the shim's Pss per idle container for 20 idle containers.
// Run: node --import tsx test/bench/launch.ts   (root)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { removeCgroupTree, startAgent, type TestAgent } from '../helpers/agent.js';
import { busyboxRootfs } from '../helpers/rootfs.js';
import { RUNC, runcBundle } from '../helpers/runc-bundle.js';
import { ensureShim } from '../integration/runtime/harness.js';

const N = Number(process.env.N ?? 30);
const IDLE = Number(process.env.IDLE ?? 20);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

async function berthOnce(agent: TestAgent, b: string): Promise<number> {
  const t0 = performance.now();
  const created = await agent.api('POST', '/v1/containers', { bundle: b, start: true });
  if (created.status !== 201) throw new Error(`create: ${JSON.stringify(created.body)}`);
  const exit = await agent.api('POST', `/v1/containers/${created.body.id}/wait`);
  if (exit.body.exitCode !== 0) throw new Error(`exit: ${JSON.stringify(exit.body)}`);
  const del = await agent.api('DELETE', `/v1/containers/${created.body.id}`);
  if (del.status !== 204) throw new Error(`delete: ${JSON.stringify(del.body)}`);
  return performance.now() - t0;
}

function runcOnce(b: string, root: string): number {
  const t0 = performance.now();
  const r = spawnSync(RUNC, ['--root', root, 'run', '--bundle', b, `bench-${randomBytes(4).toString('hex')}`], { stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`runc run exited ${r.status}`);
  return performance.now() - t0;
}

function pssKb(pid: number): number {
  const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

async function idleMemory(agent: TestAgent, rootfs: string): Promise<{ pss: number[]; privateKb: number[] }> {
  const pss: number[] = [];
  const privateKb: number[] = [];
  for (let i = 0; i < IDLE; i++) {
    const c = await agent.api('POST', '/v1/containers', { rootfs, cmd: ['sleep', '1000'], start: true });
    if (c.status !== 201) throw new Error(`create idle: ${JSON.stringify(c.body)}`);
  }
  for (const c of (await agent.api('GET', '/v1/containers')).body as { shimPid: number }[]) {
    pss.push(pssKb(c.shimPid));
    const rollup = readFileSync(`/proc/${c.shimPid}/smaps_rollup`, 'utf8');
    const priv = ['Private_Clean', 'Private_Dirty'].reduce((s, k) => s + Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(rollup)?.[1] ?? 0), 0);
    privateKb.push(priv);
  }
  return { pss, privateKb };
}

async function main(): Promise<void> {
  ensureShim();
  const dir = mkdtempSync(join(tmpdir(), 'berth-bench-'));
  const runcParent = `berth-test-${randomBytes(4).toString('hex')}`;
  const agent = await startAgent();
  try {
    const b = runcBundle(dir, `/${runcParent}/bench`, ['/bin/true']);
    const runcRoot = join(dir, 'runc-root');
    await berthOnce(agent, b); // warm-up of both (page cache, JIT)
    runcOnce(b, runcRoot);
    const berth: number[] = [];
    const runc: number[] = [];
    for (let i = 0; i < N; i++) { // interleaved, so drift of the machine affects both alike
      berth.push(await berthOnce(agent, b));
      runc.push(runcOnce(b, runcRoot));
    }
    const mb = median(berth);
    const mr = median(runc);
    console.log(`launch create→start→exit→delete of /bin/true, N=${N} each, same bundle:`);
    console.log(`  berth (API over unix socket): median ${mb.toFixed(1)} ms  (min ${Math.min(...berth).toFixed(1)}, max ${Math.max(...berth).toFixed(1)})`);
    console.log(`  runc run:                     median ${mr.toFixed(1)} ms  (min ${Math.min(...runc).toFixed(1)}, max ${Math.max(...runc).toFixed(1)})`);
    console.log(`  ratio berth/runc: ${(mb / mr).toFixed(2)} (goal ≤ 0.5)`);
    const mem = await idleMemory(agent, busyboxRootfs());
    console.log(`idle shim memory over ${IDLE} idle containers: Pss median ${median(mem.pss)} kB (max ${Math.max(...mem.pss)} kB), `
      + `private median ${median(mem.privateKb)} kB`);
  } finally {
    await agent.stop();
    await removeCgroupTree(runcParent);
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
