// What buildServer needs. The runtime, events and logger are always there; each optional part of
// berth (sampler, policy, streams, …) adds one optional field here and one `register` line in
// server.ts, so the API works with whatever parts a daemon or a test wires in.
import type { Logger } from 'pino';
import type { EventBus } from '../events/index.js';
import type { Runtime } from '../runtime/types.js';
import type { SnapshotStore } from '../sampler/types.js';
import type { MetricsRegistry } from '../metrics/index.js';
import type { PolicyEngine } from '../policy/index.js';
import type { StreamHub } from '../stream/index.js';

/** Static facts about the running agent, for GET /v1/version and GET /v1/info. */
export interface AgentFacts {
  version: string;
  startedAt: string;
  stateDir: string;
  cgroupVersion: string;
  cgroupParent: string;
  rulesDir: string;
  socket: string;
  listen: string;      // "127.0.0.1:9465" or "none"
  sampleIntervalMs: number;
}

export type ListenerKind = 'unix' | 'tcp';

export interface ServerDeps {
  runtime: Runtime;
  events: EventBus;
  logger: Logger;
  facts: AgentFacts;
  /** Which listener this server instance answers on: the TCP one guards mutating calls. */
  listener: ListenerKind;
  /** Bearer token for mutating calls on the TCP listener; "" or absent = refused there. */
  token?: string;
  /** The sampler's store: adds `sample` to GET /v1/containers/:id when present. */
  snapshot?: SnapshotStore;
  /** The metrics registry: serves GET /metrics when present. */
  metrics?: MetricsRegistry;
  /** The policy engine: serves /v1/policies, /v1/policies/evaluate and /v1/policies/report when present. */
  policy?: PolicyEngine;
  /** The websocket hub: serves GET /v1/stream when present (one hub shared by both listeners). */
  stream?: StreamHub;
  /** The built dashboard (dist/dashboard): served at / when present. */
  dashboardDir?: string;
}
