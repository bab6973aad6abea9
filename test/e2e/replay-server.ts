// A small stand-in agent for browser tests that need more containers than this machine runs
// comfortably: the real StreamHub and the real dashboard and stream plugins on a real fastify
// server on loopback, fed by FakeStore with synthetic containers at a fixed interval.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { dashboardPlugin } from '../../agent/api/plugins/dashboard.js';
import { streamPlugin } from '../../agent/api/plugins/stream.js';
import { EventBus } from '../../agent/events/index.js';
import type { ContainerInfo, Runtime } from '../../agent/runtime/types.js';
import type { ContainerSample, NamespaceSample } from '../../agent/sampler/types.js';
import { StreamHub } from '../../agent/stream/index.js';
import { ROOT } from '../helpers/agent.js';
import { FakeStore, fakeHost, fakeSample, fakeStats } from '../helpers/samples.js';

const NAMESPACES: NamespaceSample[] = [
  { type: 'pid', inode: 1, hostShared: false }, { type: 'net', inode: 2, hostShared: false },
  { type: 'mnt', inode: 3, hostShared: false }, { type: 'uts', inode: 4, hostShared: false },
  { type: 'ipc', inode: 5, hostShared: false }, { type: 'cgroup', inode: 6, hostShared: false },
  { type: 'user', inode: 7, hostShared: true },
];

export interface ReplayServer { url: string; containers: ContainerInfo[]; events: EventBus; ticks(): number; close(): Promise<void> }

function fakeContainers(n: number): ContainerInfo[] {
  const started = new Date(Date.now() - 60_000).toISOString();
  return Array.from({ length: n }, (_, i) => {
    const id = randomBytes(32).toString('hex');
    return {
      id, name: `synthetic-${String(i).padStart(3, '0')}`, status: 'running', pid: 10_000 + i, shimPid: 9_000 + i,
      createdAt: started, startedAt: started, cgroup: `/berth/${id}`, stateDir: '/nonexistent',
      spec: { image: `/images/app-${i % 7}`, labels: {}, resources: { cpus: 0.5, memoryBytes: 128 << 20, pidsLimit: 100 } },
    } as unknown as ContainerInfo;
  });
}

function samplesAt(list: ContainerInfo[], time: number, n: number): ContainerSample[] {
  return list.map((c, i) => fakeSample(c.id, time, {
    name: c.name,
    stats: { ...fakeStats({ cpuUsageNs: n * 1e8, memoryBytes: (8 << 20) + ((i * 7919 + n * 104729) % (32 << 20)), limitBytes: 128 << 20, pids: 1 + ((i + n) % 9) }),
      spec: { cpuQuotaUs: 50000, cpuPeriodUs: 100000, cpuShares: 1024 } },
    cpu: { cores: ((i * 13 + n * 7) % 50) / 100, percent: 0, throttledRatio: ((i + n) % 4) / 10 },
    network: [{ name: 'eth0', rxBytes: n * 1000 * (i + 1), rxPackets: n, rxErrors: 0, rxDropped: 0, txBytes: n * 500 * (i + 1), txPackets: n, txErrors: 0, txDropped: 0 }],
    namespaces: NAMESPACES,
  }));
}

export async function startReplayServer(nContainers: number, intervalMs: number): Promise<ReplayServer> {
  const containers = fakeContainers(nContainers);
  const store = new FakeStore();
  const events = new EventBus();
  const runtime = {
    list: () => containers,
    get: (key: string) => {
      const c = containers.find((x) => x.id === key || x.name === key || x.id.startsWith(key));
      if (!c) throw new Error(`no such container: ${key}`);
      return c;
    },
  } as unknown as Runtime;
  const hub = new StreamHub({ store, events, runtime, intervalMs, version: 'replay', logger: pino({ level: 'silent' }) });
  // A stand-in: closing it ends every connection at once instead of waiting for the browser's to end.
  const app: FastifyInstance = Fastify({ forceCloseConnections: true });
  let n = 0;
  const push = () => {
    n++;
    const time = Date.now();
    store.push({ time, samples: samplesAt(containers, time, n), host: { ...fakeHost(time), containersRunning: nContainers } });
  };
  push();
  hub.start();
  await app.register(streamPlugin, { hub });
  await app.register(dashboardPlugin, { dir: join(ROOT, 'dist/dashboard') });
  app.get('/v1/containers/:id/logs', async (_req, reply) => reply.type('text/plain').send('synthetic log line\n'));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const timer = setInterval(push, intervalMs);
  const { port } = app.server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`, containers, events, ticks: () => n,
    close: async () => {
      clearInterval(timer);
      hub.stop();
      await app.close();
    },
  };
}
