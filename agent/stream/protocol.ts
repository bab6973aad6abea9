// The /v1/stream wire protocol: JSON text frames, each with a `type`. This file is the contract
// between the agent and every client (the dashboard, scripts); docs in README "Streams".
import type { BerthEvent } from '../events/index.js';
import type { ContainerStatus, HealthState } from '../runtime/types.js';
import type { HostSample, NamespaceSample } from '../sampler/types.js';

export type ContainerChange = 'created' | 'started' | 'paused' | 'resumed' | 'exited' | 'restarting' | 'removed' | 'updated';

/** Channels a client can subscribe to; `container:<id>` adds full detail for one container. */
export type Channel = 'host' | 'containers' | 'events' | `container:${string}`;

export interface ContainerSummary {
  id: string;
  name: string;
  image: string;
  status: ContainerStatus | 'restarting'; // restarting: exited, its restart policy will run it again
  pid: number;
  createdAt: string;
  startedAt?: string;
  exitCode?: number;
  oomKilled?: boolean;
  restartCount: number;       // runs the restart policy started
  health?: HealthState['status']; // with a healthcheck
  stopReason?: string;        // "policy memory-guard/memory-hog" when berth stopped it
  limits: { cpus: number; memoryBytes: number; pidsLimit: number };
  namespaces: NamespaceSample[];
  labels: Record<string, string>;
}

/**
 * Samples per container in a `containers` snapshot: two, so a client can show rates of counters at
 * once. Each container's full history comes with its own channel: at 1000 containers, full
 * histories made a 93 MiB frame that held the event loop (and so the sampler) for 3 s (bench/stream.ts).
 */
export const LIST_SNAPSHOT_SAMPLES = 2;

/** One container's figures for one tick, in base units; compact because it is sent to every client each second. */
export interface StreamSample {
  id: string;
  t: number;                  // ms since epoch
  cpuCores: number;           // CPU used over the last interval, in cores
  cpuQuotaCores: number;      // 0 = no quota
  throttledRatio: number;     // throttled periods / periods over the last interval
  memUsage: number;
  memWorkingSet: number;
  memLimit: number;           // 0 = unlimited
  pids: number;
  pidsLimit: number;          // 0 = unlimited
  ioReadBytes: number;        // counters; the client derives rates
  ioWriteBytes: number;
  netRxBytes: number;
  netTxBytes: number;
  oomEvents: number;
}

export type ServerMessage =
  | { type: 'hello'; version: string; intervalMs: number; channels: string[] }
  | { type: 'snapshot'; channel: 'host'; host: HostSample | null; history: HostSample[] }
  | { type: 'snapshot'; channel: 'containers'; containers: ContainerSummary[]; samples: Record<string, StreamSample[]> }
  | { type: 'snapshot'; channel: 'events'; events: BerthEvent[] }
  | { type: 'snapshot'; channel: `container:${string}`; container: ContainerSummary | null; history: StreamSample[] }
  | { type: 'tick'; time: number; host?: HostSample; samples?: StreamSample[] }
  | { type: 'container'; change: ContainerChange; container: ContainerSummary | { id: string } }
  | { type: 'event'; event: BerthEvent }
  | { type: 'subscribed'; channels: string[] }
  | { type: 'error'; message: string };

export type ClientMessage =
  | { type: 'subscribe'; channels: Channel[] }
  | { type: 'unsubscribe'; channels: Channel[] }
  | { type: 'ping' };

const CHANNEL_PATTERN = /^(host|containers|events|container:[0-9a-zA-Z][0-9a-zA-Z_.-]{0,127})$/;

/** Parses one client frame; throws an Error whose message is sent back to the client. */
export function parseClientMessage(raw: string, maxChannels = 64): ClientMessage {
  let msg: unknown;
  try {
    msg = JSON.parse(raw);
  } catch {
    throw new Error('message is not valid JSON');
  }
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) throw new Error('message must be a JSON object');
  const { type, channels } = msg as { type?: unknown; channels?: unknown };
  if (type === 'ping') return { type };
  if (type !== 'subscribe' && type !== 'unsubscribe') {
    throw new Error(`type: expected "subscribe", "unsubscribe" or "ping", got ${JSON.stringify(type)}`);
  }
  if (!Array.isArray(channels) || channels.length === 0) throw new Error('channels: expected a non-empty array');
  if (channels.length > maxChannels) throw new Error(`channels: at most ${maxChannels} per message`);
  for (const [i, c] of channels.entries()) {
    if (typeof c !== 'string' || !CHANNEL_PATTERN.test(c)) {
      throw new Error(`channels[${i}]: expected host, containers, events or container:<id>, got ${JSON.stringify(c)}`);
    }
  }
  return { type, channels: channels as Channel[] };
}
