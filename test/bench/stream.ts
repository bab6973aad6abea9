// Stream hub cost and delivery latency: `node --import tsx test/bench/stream.ts [--clients 100]
// [--containers 200] [--seconds 20]`. A real fastify server on loopback serves /v1/stream from the
// real StreamHub, fed at 1 Hz by test/helpers/samples.ts FakeStore with synthetic containers (the
// kernel-reading part of the agent has its own benchmark, test/bench/sampler.ts). The websocket
// clients run in a child process, so this process's CPU is the agent side only. Each client
// subscribes to `host` and `containers` (every container's sample in every tick, like the
// dashboard's list) and measures latency = frame received − tick pushed, on the shared wall clock.
// A 1-client run first is the reference for the per-tick CPU ratio. Prints one table, then what a
// newly subscribing client costs once every container has a full history in the real snapshot store.
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import pino from 'pino';
import WebSocket from 'ws';
import { EventBus } from '../../agent/events/index.js';
import { streamPlugin } from '../../agent/api/plugins/stream.js';
import { StreamHub } from '../../agent/stream/index.js';
import { createSnapshotStore } from '../../agent/sampler/snapshot.js';
import type { ContainerInfo, Runtime } from '../../agent/runtime/types.js';
import type { ContainerSample, SnapshotStore } from '../../agent/sampler/types.js';
import { FakeStore, fakeHost, fakeSample, fakeStats } from '../helpers/samples.js';
import { waitFor } from '../helpers/wait.js';

const now = () => performance.timeOrigin + performance.now();
const WARMUP_TICKS = 3;
const IDLE_MS = 3000;
const HISTORY = 300; // the agent's default history per container

interface ClientReport { latencies: number[]; frames: number; bytes: number; errors: string[] }
interface Row { clients: number; containers: number; ticks: number; frameKiB: number; p50: number; p99: number; max: number;
  delivered: number; expected: number; cpuPerTickMs: number; idlePerSecondMs: number; syncPerTickMs: number; dropped: number }

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name}: expected a positive integer, got ${process.argv[i + 1]}`);
  return v;
}

function containers(n: number): ContainerInfo[] {
  return Array.from({ length: n }, (_, i) => {
    const id = randomBytes(32).toString('hex');
    return {
      id, name: `bench-${i}`, status: 'running', pid: 1000 + i, shimPid: 900 + i, createdAt: new Date().toISOString(),
      startedAt: new Date().toISOString(), cgroup: `/berth/${id}`, stateDir: '/nonexistent',
      spec: { image: '/rootfs', labels: { app: `bench-${i % 10}` }, resources: { cpus: 0.5, memoryBytes: 256 << 20, pidsLimit: 100 } },
    } as unknown as ContainerInfo;
  });
}

function fakeRuntime(list: ContainerInfo[]): Runtime {
  const byId = new Map(list.map((c) => [c.id, c]));
  return {
    list: () => list,
    get: (key: string) => {
      const c = byId.get(key) ?? list.find((x) => x.name === key || x.id.startsWith(key));
      if (!c) throw new Error(`no such container: ${key}`);
      return c;
    },
  } as unknown as Runtime;
}

/** Synthetic but varying figures, so frames are as big as real ones (no repeated zeros). */
function tickSamples(list: ContainerInfo[], time: number, n: number): ContainerSample[] {
  return list.map((c, i) => fakeSample(c.id, time, {
    name: c.name,
    stats: { ...fakeStats({ cpuUsageNs: n * 1e8 + i * 1e6, memoryBytes: (10 << 20) + i * 4096 + n * 512, limitBytes: 256 << 20, pids: 1 + (i % 7) }),
      spec: { cpuQuotaUs: 50000, cpuPeriodUs: 100000, cpuShares: 1024 } },
    cpu: { cores: 0.1 + (i % 5) / 50, percent: 10 + (i % 5) * 2, throttledRatio: (i % 3) / 10 },
    network: [{ name: 'eth0', rxBytes: n * 1500 + i, rxPackets: n, rxErrors: 0, rxDropped: 0, txBytes: n * 900 + i, txPackets: n, txErrors: 0, txDropped: 0 }],
  }));
}

async function runClients(port: number, n: number): Promise<void> {
  const report: ClientReport = { latencies: [], frames: 0, bytes: 0, errors: [] };
  const sockets: WebSocket[] = [];
  let measuring = false; // warm-up frames are not counted
  await Promise.all(Array.from({ length: n }, () => new Promise<void>((resolve, reject) => {
    // The client side is kept cheap (no UTF-8 validation, only the frame's head decoded) so that
    // 100 clients in one process measure delivery, not this process's own backlog.
    const ws = new WebSocket(`ws://127.0.0.1:${port}/v1/stream`, { skipUTF8Validation: true });
    sockets.push(ws);
    let pendingSnapshots = 2;
    ws.on('error', (err) => { report.errors.push(err.message); reject(err); });
    ws.on('open', () => ws.send(JSON.stringify({ type: 'subscribe', channels: ['host', 'containers'] })));
    ws.on('message', (data: Buffer) => {
      const received = now();
      const head = data.subarray(0, 64).toString();
      const tick = /^\{"type":"tick","time":([0-9.]+)/.exec(head);
      if (tick) {
        if (!measuring) return;
        report.latencies.push(received - Number(tick[1]));
        report.frames++;
        report.bytes += data.length;
      } else if (head.startsWith('{"type":"snapshot"') && --pendingSnapshots === 0) {
        resolve();
      }
    });
  })));
  process.send!({ type: 'ready' });
  await new Promise<void>((resolve) => process.once('message', () => resolve())); // warm-up over
  measuring = true;
  process.send!({ type: 'measuring' });
  await new Promise<void>((resolve) => process.once('message', () => resolve()));
  for (const ws of sockets) ws.close();
  process.send!({ type: 'report', report });
}

async function measure(nClients: number, nContainers: number, ticks: number): Promise<Row> {
  const list = containers(nContainers);
  const store = new FakeStore();
  return withServer(store, list, async (port, hub) => {
    store.push({ time: now(), samples: tickSamples(list, now(), 0), host: fakeHost(Date.now()) }); // a snapshot with history

    const child = fork(fileURLToPath(import.meta.url), ['clients', String(port), String(nClients)], { execArgv: ['--import', 'tsx'] });
    try {
      const messages: any[] = [];
      child.on('message', (m) => messages.push(m));
      await waitFor(`${nClients} clients to subscribe`, () => messages.some((m) => m.type === 'ready') || (child.exitCode !== null && Promise.reject(new Error(`clients exited ${child.exitCode}`))), { timeoutMs: 60_000 });

      // The sampler's work (building samples) is done up front, so the CPU measured is the hub's,
      // fastify's and ws's: serialising, framing and writing to the sockets.
      const prepared = Array.from({ length: WARMUP_TICKS + ticks }, (_, n) => ({
        samples: tickSamples(list, Date.now(), n + 1), host: { ...fakeHost(Date.now()), containersRunning: nContainers } }));
      const pushAll = async (from: number, to: number) => {
        let sync = 0;
        const start = now();
        for (let n = from; n < to; n++) {
          const t0 = process.cpuUsage();
          store.push({ time: now(), ...prepared[n]! });
          const d = process.cpuUsage(t0);
          sync += (d.user + d.system) / 1000;
          await delay(Math.max(0, start + (n - from + 1) * 1000 - now()));
        }
        return sync;
      };
      await pushAll(0, WARMUP_TICKS); // JIT and socket buffers warm, like an agent that has been up a while
      child.send({ type: 'measure' });
      await waitFor('the clients to start measuring', () => messages.some((m) => m.type === 'measuring'));
      const idleBefore = process.cpuUsage();
      await delay(IDLE_MS); // the process's floor (timers, tsx, GC of the set-up), to read the figures against
      const idle = process.cpuUsage(idleBefore);
      const before = process.cpuUsage();
      const sync = await pushAll(WARMUP_TICKS, WARMUP_TICKS + ticks);
      const cpu = process.cpuUsage(before);
      child.send({ type: 'stop' });
      const { report } = await waitFor('the client report', () => messages.find((m) => m.type === 'report'), { timeoutMs: 30_000 }) as { report: ClientReport };
      if (report.errors.length) throw new Error(`client errors: ${report.errors.slice(0, 3).join('; ')}`);
      const sorted = report.latencies.sort((a, b) => a - b);
      const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
      return {
        clients: nClients, containers: nContainers, ticks, frameKiB: report.bytes / Math.max(1, report.frames) / 1024,
        p50: q(0.5), p99: q(0.99), max: sorted.at(-1) ?? NaN, delivered: report.frames, expected: nClients * ticks,
        cpuPerTickMs: (cpu.user + cpu.system) / 1000 / ticks, idlePerSecondMs: (idle.user + idle.system) / IDLE_MS, syncPerTickMs: sync / ticks, dropped: hub.stats().droppedFrames,
      };
    } finally {
      child.kill();
    }
  });
}

/** Serves `store` through a real hub and fastify on loopback until `use` is done. */
async function withServer<T>(store: SnapshotStore, list: ContainerInfo[], use: (port: number, hub: StreamHub) => Promise<T>): Promise<T> {
  const hub = new StreamHub({ store, events: new EventBus(), runtime: fakeRuntime(list), intervalMs: 1000, version: 'bench', logger: pino({ level: 'warn' }) });
  const app = Fastify();
  try {
    hub.start();
    await app.register(streamPlugin, { hub });
    await app.listen({ host: '127.0.0.1', port: 0 });
    return await use((app.server.address() as { port: number }).port, hub);
  } finally {
    hub.stop();
    await app.close();
  }
}

interface SubscribeRow { channel: string; kib: number; deliveredMs: number; longestBlockMs: number }

/**
 * A client subscribing once every container has a full history: the snapshot's size, the time until
 * it arrived, and the longest the event loop (which also runs the sampler) was blocked meanwhile.
 * The client is in this process but does not parse the frame, so the block is the agent's work.
 */
async function measureSubscribe(nContainers: number): Promise<SubscribeRow[]> {
  const list = containers(nContainers);
  const store = createSnapshotStore(HISTORY);
  const start = Date.now() - HISTORY * 1000;
  for (let n = 0; n < HISTORY; n++) {
    const time = start + n * 1000;
    store.record({ time, samples: tickSamples(list, time, n), host: { ...fakeHost(time), containersRunning: nContainers } });
  }
  return withServer(store, list, async (port) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/v1/stream`, { skipUTF8Validation: true });
    // Arrival is stamped here: waitFor's polling would add up to its interval to the figure.
    const snapshots: { frame: Buffer; at: number }[] = [];
    ws.on('message', (frame: Buffer) => { if (frame.subarray(0, 32).toString().startsWith('{"type":"snapshot"')) snapshots.push({ frame, at: now() }); });
    await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
    const rows: SubscribeRow[] = [];
    try {
      for (const channel of ['containers', `container:${list[0]!.id}`, 'host']) {
        snapshots.length = 0;
        const blocks = monitorEventLoopDelay({ resolution: 1 });
        blocks.enable();
        const t0 = now();
        ws.send(JSON.stringify({ type: 'subscribe', channels: [channel] }));
        const { frame, at } = await waitFor(`the ${channel} snapshot`, () => snapshots[0], { timeoutMs: 60_000 });
        blocks.disable();
        rows.push({ channel: channel.replace(list[0]!.id, '<id>'), kib: frame.length / 1024, deliveredMs: at - t0, longestBlockMs: blocks.max / 1e6 });
        ws.send(JSON.stringify({ type: 'unsubscribe', channels: [channel] }));
      }
    } finally {
      ws.terminate();
    }
    return rows;
  });
}

function printTable(rows: Row[]): void {
  const ref = rows[0]!;
  const header = ['clients', 'containers', 'ticks', 'frame KiB', 'latency p50 ms', 'p99 ms', 'max ms', 'delivered', 'dropped',
    'agent CPU ms/tick', 'idle ms/s', 'hub sync ms/tick', 'CPU vs 1 client'];
  const lines = rows.map((r) => [r.clients, r.containers, r.ticks, r.frameKiB.toFixed(1), r.p50.toFixed(2), r.p99.toFixed(2), r.max.toFixed(2),
    `${r.delivered}/${r.expected}`, r.dropped, r.cpuPerTickMs.toFixed(2), r.idlePerSecondMs.toFixed(2), r.syncPerTickMs.toFixed(2), `${(r.cpuPerTickMs / ref.cpuPerTickMs).toFixed(1)}x`].map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
  console.log(fmt(header));
  for (const l of lines) console.log(fmt(l));
}

async function main(): Promise<void> {
  if (process.argv[2] === 'clients') return runClients(Number(process.argv[3]), Number(process.argv[4]));
  const clients = arg('clients', 100);
  const nContainers = arg('containers', 200);
  const seconds = arg('seconds', 20);
  console.log(`stream bench: ${clients} websocket clients × ${nContainers} containers at 1 Hz for ${seconds} s (Node ${process.version}); reference: 1 client`);
  const rows = [await measure(1, nContainers, seconds), await measure(clients, nContainers, seconds)];
  printTable(rows);
  console.log(`\na new client's snapshot, ${nContainers} containers with ${HISTORY} samples of history each:`);
  for (const r of await measureSubscribe(nContainers)) {
    console.log(`  ${r.channel.padEnd(16)} ${r.kib.toFixed(1).padStart(8)} KiB  delivered in ${r.deliveredMs.toFixed(1)} ms, longest event-loop block ${r.longestBlockMs.toFixed(1)} ms`);
  }
}

main().catch((err: unknown) => {
  console.error(`stream bench failed: ${(err as Error).stack ?? String(err)}`);
  process.exitCode = 1;
});
