// Healthcheck cost: the CPU one probe costs the host, with N containers probed every second by a
// real agent, next to `runc exec` of the same command in a runc container (the floor of what a
// docker probe costs: dockerd and containerd-shim add their own work on top), in the same run.
// A probe appends a line to /tmp/probes (a tmpfs of its container's own), so probes are counted exactly.
// Agent CPU (its own, its spawner's, and that of the exec shims and probes the spawner reaped) is
// measured over a window with the healthchecks and over one without them, with the same
// containers: the difference is what the probes cost.
// Run: node --import tsx test/bench/health.ts   (root; N=20 WINDOW_S=20 to change)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { removeCgroupTree, startAgent, type TestAgent } from '../helpers/agent.js';
import { busyboxRootfs } from '../helpers/rootfs.js';
import { RUNC, runcBundle } from '../helpers/runc-bundle.js';
import { waitFor } from '../helpers/wait.js';
import { ensureShim } from '../integration/runtime/harness.js';

const N = Number(process.env.N ?? 20);
const WINDOW_S = Number(process.env.WINDOW_S ?? 20);
const PROBE = ['sh', '-c', 'echo x >> /tmp/probes'];
const TICKS_PER_S = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** CPU seconds of a process: its own (utime + stime) and that of the children it has reaped (cutime + cstime). */
function cpuOf(pid: number | 'self'): { own: number; children: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
  return { own: (f[11]! + f[12]!) / TICKS_PER_S, children: (f[13]! + f[14]!) / TICKS_PER_S };
}

/** The agent's `berth-shim spawner` (it forks the exec shims and reaps them, so their CPU is in its cutime). */
function spawnerOf(agentPid: number): number | undefined {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === agentPid && readFileSync(`/proc/${name}/cmdline`, 'utf8').endsWith('spawner\0')) return Number(name);
    } catch { /* gone meanwhile */ }
  }
  return undefined;
}

/** Agent CPU seconds: all (own, children reaped, the spawner and what it reaped) and the agent process's own. */
function agentCpu(agent: TestAgent): { all: number; own: number } {
  const a = cpuOf(agent.proc!.pid!);
  const spawner = spawnerOf(agent.proc!.pid!);
  const s = spawner ? cpuOf(spawner) : { own: 0, children: 0 };
  return { all: a.own + a.children + s.own + s.children, own: a.own };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

async function startContainers(agent: TestAgent, withHealthcheck: boolean): Promise<{ id: string; pid: number }[]> {
  const out: { id: string; pid: number }[] = [];
  for (let i = 0; i < N; i++) {
    // A /tmp of its own: the containers share one rootfs directory, and each counts its own probes.
    const spec = { rootfs: busyboxRootfs(), cmd: ['sleep', '100000'], start: true, mounts: [{ type: 'tmpfs', target: '/tmp' }],
      ...(withHealthcheck ? { healthcheck: { cmd: PROBE, intervalSeconds: 1, timeoutSeconds: 5 } } : {}) };
    const created = await agent.api('POST', '/v1/containers', spec);
    if (created.status !== 201) throw new Error(`create: ${JSON.stringify(created.body)}`);
    out.push({ id: created.body.id, pid: (await agent.api('GET', `/v1/containers/${created.body.id}`)).body.pid });
  }
  return out;
}

const probesIn = (pid: number) => {
  const file = `/proc/${pid}/root/tmp/probes`;
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').length - 1 : 0;
};

interface Window { cpu: number; own: number; probes: number; answerMs: number[] }

/**
 * Over WINDOW_S seconds: agent CPU seconds (all, and its own part), the probes the containers
 * counted, and how long the agent took to answer GET /healthz, asked every 50 ms: an answer waits
 * for whatever blocks the agent's event loop (Node's fork of itself did, ~8 ms per exec).
 */
async function window(agent: TestAgent, containers: { pid: number }[]): Promise<Window> {
  const probes0 = containers.reduce((s, c) => s + probesIn(c.pid), 0);
  const cpu0 = agentCpu(agent);
  const answerMs: number[] = [];
  const end = performance.now() + WINDOW_S * 1000;
  while (performance.now() < end) {
    const t0 = performance.now();
    await agent.api('GET', '/healthz');
    answerMs.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 50)); // the asking rate, not a synchronisation
  }
  const cpu1 = agentCpu(agent);
  return {
    cpu: cpu1.all - cpu0.all, own: cpu1.own - cpu0.own,
    probes: containers.reduce((s, c) => s + probesIn(c.pid), 0) - probes0, answerMs,
  };
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
}

async function removeAll(agent: TestAgent, containers: { id: string }[]): Promise<void> {
  for (const c of containers) await agent.api('DELETE', `/v1/containers/${c.id}?force=true`);
}

/** CPU seconds and wall milliseconds of each `runc exec` of the probe (the bench waits for each, so cutime holds it). */
function runcExecs(root: string, id: string, count: number): { cpuPerExec: number; wallMs: number[] } {
  const wallMs: number[] = [];
  const total = () => { const c = cpuOf('self'); return c.own + c.children; };
  const cpu0 = total();
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    const r = spawnSync(RUNC, ['--root', root, 'exec', id, ...PROBE], { stdio: 'ignore' });
    wallMs.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`runc exec exited ${r.status}`);
  }
  return { cpuPerExec: (total() - cpu0) / count, wallMs };
}

async function berthProbeMs(agent: TestAgent, containers: { id: string }[]): Promise<number[]> {
  const ms: number[] = [];
  for (const c of containers) {
    const { health } = (await agent.api('GET', `/v1/containers/${c.id}`)).body;
    for (const p of health?.log ?? []) ms.push(Date.parse(p.end) - Date.parse(p.start));
  }
  return ms;
}

async function main(): Promise<void> {
  ensureShim();
  const dir = mkdtempSync(join(tmpdir(), 'berth-bench-'));
  const runcParent = `berth-test-${randomBytes(4).toString('hex')}`;
  const runcRoot = join(dir, 'runc-root');
  const runcId = `bench-${randomBytes(4).toString('hex')}`;
  const agent = await startAgent();
  try {
    const idle = await startContainers(agent, false);
    const base = await window(agent, idle);
    await removeAll(agent, idle);
    const probed = await startContainers(agent, true);
    await waitFor('every container to have been probed', async () => probed.every((c) => probesIn(c.pid) > 0), { timeoutMs: 30_000, intervalMs: 200 });
    const busy = await window(agent, probed);
    const probeMs = await berthProbeMs(agent, probed);
    await removeAll(agent, probed);

    // A writable rootfs: the probe appends to /tmp/probes.
    const bundle = runcBundle(dir, `/${runcParent}/bench`, ['sleep', '100000'], { readonlyRootfs: false });
    const started = spawnSync(RUNC, ['--root', runcRoot, 'run', '-d', '--bundle', bundle, runcId], { stdio: 'ignore' });
    if (started.status !== 0) throw new Error(`runc run -d exited ${started.status}`);
    runcExecs(runcRoot, runcId, 5); // warm-up
    const runc = runcExecs(runcRoot, runcId, Math.max(50, Math.min(busy.probes, 400)));

    const perProbe = (busy.cpu - base.cpu) / busy.probes;
    console.log(`healthchecks: ${N} containers probed every 1 s with \`${PROBE.join(' ')}\`, windows of ${WINDOW_S} s:`);
    console.log(`  agent CPU (own + spawner + the exec shims and probes it reaped): ${(base.cpu / WINDOW_S * 100).toFixed(1)} % of a core without healthchecks, `
      + `${(busy.cpu / WINDOW_S * 100).toFixed(1)} % with (${busy.probes} probes, ${(busy.probes / WINDOW_S).toFixed(1)}/s)`);
    const ownPerProbe = (busy.own - base.own) / busy.probes;
    console.log(`  berth: ${(perProbe * 1000).toFixed(2)} ms CPU per probe (agent process ${(ownPerProbe * 1000).toFixed(2)} ms, exec shim and probe `
      + `${((perProbe - ownPerProbe) * 1000).toFixed(2)} ms); probe start→end median ${median(probeMs).toFixed(1)} ms (last five per container)`);
    const answers = (w: Window) => `median ${median(w.answerMs).toFixed(1)} ms, p99 ${percentile(w.answerMs, 0.99).toFixed(1)} ms, max ${Math.max(...w.answerMs).toFixed(1)} ms`;
    console.log(`  agent answering GET /healthz every 50 ms: without healthchecks ${answers(base)}; with ${answers(busy)}`);
    console.log(`  runc exec of the same command: ${(runc.cpuPerExec * 1000).toFixed(2)} ms CPU per exec; wall median ${median(runc.wallMs).toFixed(1)} ms`);
    console.log(`  ratio berth/runc CPU per probe: ${(perProbe / runc.cpuPerExec).toFixed(2)}; `
      + `at docker's default interval (30 s) 1000 containers would cost ${(perProbe * 1000 / 30 * 100).toFixed(1)} % of a core`);
  } finally {
    spawnSync(RUNC, ['--root', runcRoot, 'delete', '-f', runcId], { stdio: 'ignore' });
    await agent.stop();
    await removeCgroupTree(runcParent);
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
