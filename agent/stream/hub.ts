// The websocket hub behind /v1/stream. It turns each sampler tick and each bus event into frames
// once (serialised once, shared by every client that wants the same thing) and hands them to the
// clients, each of which applies its own backpressure (client.ts).
import type { WebSocket } from 'ws';
import type { Logger } from 'pino';
import type { BerthEvent, EventBus } from '../events/index.js';
import type { ContainerInfo, Runtime } from '../runtime/types.js';
import type { SampleTick, SnapshotStore } from '../sampler/types.js';
import { StreamClient, DEFAULT_LIMITS, type ClientLimits } from './client.js';
import { toStreamSample, toSummary } from './condense.js';
import { LIST_SNAPSHOT_SAMPLES, parseClientMessage, type Channel, type ContainerChange, type ServerMessage, type StreamSample } from './protocol.js';

export interface StreamHubDeps {
  store: SnapshotStore;
  events: EventBus;
  runtime: Runtime;
  intervalMs: number;
  version: string;
  logger: Logger;
  limits?: Partial<ClientLimits>;
  now?: () => number;
}

export interface StreamHubStats { clients: number; droppedFrames: number; disconnectedSlow: number }

const CONTAINER_PREFIX = 'container:';

const CONTAINER_CHANGES: Record<string, ContainerChange> = {
  'container.created': 'created', 'container.started': 'started', 'container.paused': 'paused',
  'container.resumed': 'resumed', 'container.exited': 'exited', 'container.restarting': 'restarting',
  'container.removed': 'removed', 'container.updated': 'updated', 'container.renamed': 'updated', 'container.health': 'updated',
};

export class StreamHub {
  private readonly clients = new Set<StreamClient>();
  private readonly limits: ClientLimits;
  private readonly now: () => number;
  private unsubscribers: (() => void)[] = [];
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private droppedOfGone = 0;
  private disconnectedSlow = 0;

  constructor(private readonly deps: StreamHubDeps) {
    this.limits = { ...DEFAULT_LIMITS, ...deps.limits };
    this.now = deps.now ?? Date.now;
  }

  start(): void {
    this.unsubscribers.push(this.deps.store.subscribe((tick) => this.onTick(tick)));
    this.unsubscribers.push(this.deps.events.subscribe((event) => this.onEvent(event)));
    this.heartbeatTimer = setInterval(() => this.onHeartbeat(), this.limits.heartbeatMs);
    this.heartbeatTimer.unref();
  }

  stop(): void {
    for (const u of this.unsubscribers) u();
    this.unsubscribers = [];
    clearInterval(this.heartbeatTimer);
    for (const c of this.clients) c.socket.close(1001, 'agent shutting down');
    this.clients.clear();
  }

  stats(): StreamHubStats {
    let dropped = this.droppedOfGone;
    for (const c of this.clients) dropped += c.dropped;
    return { clients: this.clients.size, droppedFrames: dropped, disconnectedSlow: this.disconnectedSlow };
  }

  /** Takes over a freshly upgraded socket. Listeners are attached synchronously (no frame is lost). */
  attach(socket: WebSocket): void {
    const client = new StreamClient(socket, this.limits, this.now);
    this.clients.add(client);
    socket.on('message', (data, isBinary) => this.onMessage(client, isBinary ? '' : data.toString()));
    socket.on('close', () => this.forget(client));
    socket.on('error', (err) => {
      this.deps.logger.debug({ err }, 'stream client error');
      this.forget(client);
    });
    this.reply(client, {
      type: 'hello', version: this.deps.version, intervalMs: this.deps.intervalMs,
      channels: ['host', 'containers', 'events', 'container:<id>'],
    });
  }

  private forget(client: StreamClient): void {
    if (this.clients.delete(client)) this.droppedOfGone += client.dropped;
  }

  private reply(client: StreamClient, msg: ServerMessage): void {
    client.sendNow(JSON.stringify(msg));
  }

  private onMessage(client: StreamClient, raw: string): void {
    let msg;
    try {
      msg = parseClientMessage(raw);
    } catch (err) {
      this.reply(client, { type: 'error', message: (err as Error).message });
      return;
    }
    if (msg.type === 'ping') return;
    if (msg.type === 'unsubscribe') {
      for (const ch of msg.channels) client.channels.delete(this.canonical(ch));
    } else {
      for (const ch of msg.channels.map((c) => this.canonical(c))) {
        if (client.channels.has(ch)) continue;
        client.channels.add(ch);
        this.sendSnapshot(client, ch);
      }
    }
    this.reply(client, { type: 'subscribed', channels: [...client.channels] });
  }

  /** `container:<name or id prefix>` → `container:<full id>`, so ticks match it by id. */
  private canonical(channel: Channel): Channel {
    const key = containerKeyOf(channel);
    if (key === undefined) return channel;
    const info = this.findContainer(key);
    return info ? `container:${info.id}` : channel; // unknown: the snapshot says so (container: null)
  }

  /** The runtime's record, or undefined when no container has that id, prefix or name (any more). */
  private findContainer(idOrName: string): ContainerInfo | undefined {
    try {
      return this.deps.runtime.get(idOrName);
    } catch {
      return undefined;
    }
  }

  private sendSnapshot(client: StreamClient, channel: Channel): void {
    const { store, runtime, events } = this.deps;
    if (channel === 'host') {
      this.reply(client, { type: 'snapshot', channel, host: store.host() ?? null, history: store.hostHistory() });
    } else if (channel === 'events') {
      this.reply(client, { type: 'snapshot', channel, events: events.since(0) });
    } else if (channel === 'containers') {
      const containers = runtime.list(true);
      const samples: Record<string, StreamSample[]> = {};
      for (const c of containers) samples[c.id] = store.history(c.id, LIST_SNAPSHOT_SAMPLES).map(toStreamSample);
      this.reply(client, {
        type: 'snapshot', channel,
        containers: containers.map((c) => toSummary(c, store.latest(c.id))), samples,
      });
    } else {
      const info = this.findContainer(channel.slice(CONTAINER_PREFIX.length));
      this.reply(client, {
        type: 'snapshot', channel,
        container: info ? toSummary(info, store.latest(info.id)) : null,
        history: info ? store.history(info.id).map(toStreamSample) : [],
      });
    }
  }

  private onTick(tick: SampleTick): void {
    if (this.clients.size === 0) return;
    // Serialise each piece once; frames are assembled per distinct subscription.
    const hostJson = JSON.stringify(tick.host);
    const sampleJson = new Map<string, string>();
    for (const s of tick.samples) sampleJson.set(s.id, JSON.stringify(toStreamSample(s)));
    const allSamples = `[${[...sampleJson.values()].join(',')}]`;
    const frames = new Map<string, string>();
    for (const client of this.clients) {
      if (client.needsResync && client.flush()) this.resync(client);
      const key = tickKey(client.channels, sampleJson);
      if (key === '') continue;
      let frame = frames.get(key);
      if (frame === undefined) {
        frame = buildTick(tick.time, client.channels, hostJson, allSamples, sampleJson);
        frames.set(key, frame);
      }
      client.sendTick(frame);
      if (client.overLimit()) this.disconnectSlow(client);
    }
  }

  private resync(client: StreamClient): void {
    client.needsResync = false;
    for (const ch of client.channels) this.sendSnapshot(client, ch);
  }

  private onEvent(event: BerthEvent): void {
    if (this.clients.size === 0) return;
    const eventFrame = JSON.stringify({ type: 'event', event } satisfies ServerMessage);
    const change = CONTAINER_CHANGES[event.kind];
    const containerFrame = change && event.containerId ? this.containerFrame(change, event.containerId) : undefined;
    for (const client of this.clients) {
      if (client.channels.has('events')) client.sendEvent(eventFrame);
      if (containerFrame && (client.channels.has('containers') || client.channels.has(`container:${event.containerId}`))) {
        client.sendEvent(containerFrame);
      }
      if (client.overLimit()) this.disconnectSlow(client);
    }
  }

  private containerFrame(change: (typeof CONTAINER_CHANGES)[string], id: string): string {
    // Removed (or gone before we looked): the id only.
    const info = change === 'removed' ? undefined : this.findContainer(id);
    const container = info ? toSummary(info, this.deps.store.latest(id)) : undefined;
    return JSON.stringify({ type: 'container', change, container: container ?? { id } } satisfies ServerMessage);
  }

  private onHeartbeat(): void {
    for (const client of this.clients) {
      if (client.overLimit() || !client.heartbeat()) this.disconnectSlow(client);
    }
  }

  private disconnectSlow(client: StreamClient): void {
    this.disconnectedSlow++;
    this.forget(client);
    client.socket.terminate();
  }
}

/** The id (or, before canonical(), the name or prefix) of a `container:<key>` channel; undefined for others. */
function containerKeyOf(channel: Channel): string | undefined {
  return channel.startsWith(CONTAINER_PREFIX) ? channel.slice(CONTAINER_PREFIX.length) : undefined;
}

/** Identifies which tick frame a client needs: clients with equal keys share one serialised frame. */
function tickKey(channels: Set<Channel>, samples: Map<string, string>): string {
  const parts: string[] = [];
  if (channels.has('host')) parts.push('h');
  if (channels.has('containers')) parts.push('*');
  else {
    for (const ch of channels) {
      const id = containerKeyOf(ch);
      if (id !== undefined && samples.has(id)) parts.push(id);
    }
  }
  return parts.join('|');
}

function buildTick(time: number, channels: Set<Channel>, hostJson: string, allSamples: string,
  samples: Map<string, string>): string {
  let body = `{"type":"tick","time":${time}`;
  if (channels.has('host')) body += `,"host":${hostJson}`;
  if (channels.has('containers')) {
    body += `,"samples":${allSamples}`;
  } else {
    const own: string[] = [];
    for (const ch of channels) {
      const id = containerKeyOf(ch);
      const json = id === undefined ? undefined : samples.get(id);
      if (json) own.push(json);
    }
    if (own.length) body += `,"samples":[${own.join(',')}]`;
  }
  return `${body}}`;
}
