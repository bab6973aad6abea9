// Everything the page knows, built only from stream frames: the host's recent samples, each
// container's summary with a bounded ring of its recent samples, the recent events and the policy state
// derived from them. Views read it; `revisions` tell the render loop what changed since a view drew.
import { Ring } from './ring.js';
import { PolicyTracker } from './policy-state.js';
import { LIST_SNAPSHOT_SAMPLES, type BerthEvent, type ContainerSummary, type HostSample, type ServerMessage, type StreamSample } from './protocol.js';

/** Samples kept per series: 5 minutes at the default 1 s interval. */
export const HISTORY_POINTS = 300;
/**
 * Samples kept of a container not open in the detail view: as many as a `containers` snapshot
 * brings, for the list's newest figures and rates (rates.ts). A ring of HISTORY_POINTS for each
 * held ~35 MiB more in the tab at 1000 containers after 300 ticks (test/bench/dashboard.ts).
 */
export const LIST_POINTS = LIST_SNAPSHOT_SAMPLES;
export const EVENTS_KEPT = 500;

export interface ContainerState {
  summary: ContainerSummary;
  samples: Ring<StreamSample>;
}

export interface Revisions {
  host: number;        // a host sample arrived
  list: number;        // a container was added, removed, or its summary changed
  samples: number;     // container samples arrived
  events: number;      // an event arrived
}

export class DashboardState {
  intervalMs = 1000;
  agentVersion = '';
  readonly host = new Ring<HostSample>(HISTORY_POINTS);
  readonly containers = new Map<string, ContainerState>();
  readonly events = new Ring<BerthEvent>(EVENTS_KEPT);
  readonly policy = new PolicyTracker();
  readonly revisions: Revisions = { host: 0, list: 0, samples: 0, events: 0 };
  /** Bumped when a snapshot replaced the event history (a reconnect): feeds redraw from scratch. */
  eventsEpoch = 0;
  /** Per `container:<id>` snapshot: whether the agent knew the id (the detail view says "not found" otherwise). */
  readonly detailSnapshots = new Map<string, boolean>();
  lastError = '';

  apply(msg: ServerMessage): void {
    switch (msg.type) {
      case 'hello': this.intervalMs = msg.intervalMs; this.agentVersion = msg.version; break;
      case 'snapshot': this.applySnapshot(msg); break;
      case 'tick': this.applyTick(msg.host, msg.samples); break;
      case 'container': this.applyChange(msg.change, msg.container); break;
      case 'event': this.applyEvent(msg.event); break;
      case 'error': this.lastError = msg.message; break;
      case 'subscribed': break;
    }
  }

  /** The container for a full id, a unique id prefix or a name. */
  find(key: string): ContainerState | undefined {
    const exact = this.containers.get(key);
    if (exact) return exact;
    let found: ContainerState | undefined;
    for (const c of this.containers.values()) {
      if (c.summary.name === key) return c;
      if (c.summary.id.startsWith(key)) {
        if (found) return undefined; // ambiguous prefix
        found = c;
      }
    }
    return found;
  }

  private applySnapshot(msg: Extract<ServerMessage, { type: 'snapshot' }>): void {
    if (msg.channel === 'host') {
      this.host.reset(msg.history.length ? msg.history : msg.host ? [msg.host] : []);
      this.revisions.host++;
    } else if (msg.channel === 'containers') {
      const m = msg as Extract<ServerMessage, { channel: 'containers' }>;
      this.containers.clear();
      for (const summary of m.containers) this.upsert(summary, m.samples[summary.id] ?? []);
      this.revisions.list++;
      this.revisions.samples++;
    } else if (msg.channel === 'events') {
      const m = msg as Extract<ServerMessage, { channel: 'events' }>;
      this.events.reset(m.events);
      this.eventsEpoch++;
      this.policy.reset(this.events);
      this.revisions.events++;
      this.revisions.list++;
    } else {
      const m = msg as Extract<ServerMessage, { channel: `container:${string}` }>;
      const id = m.channel.slice('container:'.length);
      this.detailSnapshots.set(id, m.container !== null);
      if (m.container) {
        this.detailSnapshots.set(m.container.id, true);
        this.upsert(m.container, m.history, HISTORY_POINTS);
      }
      this.revisions.list++;
      this.revisions.samples++;
    }
  }

  /** The detail view of `key` closed: its container keeps only the samples the list needs. */
  detailClosed(key: string): void {
    const c = this.find(key);
    if (c && c.samples.capacity > LIST_POINTS) c.samples = ringOf(LIST_POINTS, c.samples.toArray());
  }

  /** `points`: the ring's capacity for `history` (a detail snapshot's is HISTORY_POINTS). */
  private upsert(summary: ContainerSummary, history?: StreamSample[], points = LIST_POINTS): void {
    const existing = this.containers.get(summary.id);
    if (existing) {
      // A lifecycle frame sent before the first sample of this run has no namespaces: keep the ones
      // known for the same run (same startedAt); a restart has new namespaces, learnt later.
      const sameRun = existing.summary.startedAt === summary.startedAt;
      const namespaces = summary.namespaces.length || !sameRun ? summary.namespaces : existing.summary.namespaces;
      existing.summary = { ...summary, namespaces };
      // A snapshot sizes the ring (a detail's grows it even before the container has samples).
      if (history) existing.samples = ringOf(points, history.length ? history : existing.samples.toArray());
      return;
    }
    this.containers.set(summary.id, { summary, samples: ringOf(points, history ?? []) });
  }

  private applyTick(host: HostSample | undefined, samples: StreamSample[] | undefined): void {
    if (host && (this.host.last()?.time ?? -Infinity) < host.time) {
      this.host.push(host);
      this.revisions.host++;
    }
    if (!samples) return;
    for (const s of samples) {
      const c = this.containers.get(s.id);
      // Unknown ids are containers whose `created` frame is still to come; a snapshot covers them.
      if (c && (c.samples.last()?.t ?? -Infinity) < s.t) c.samples.push(s);
    }
    this.revisions.samples++;
  }

  private applyChange(change: string, container: ContainerSummary | { id: string }): void {
    if (change === 'removed') {
      this.containers.delete(container.id);
      this.detailSnapshots.set(container.id, false);
    } else if ('name' in container) {
      this.upsert(container);
    }
    this.revisions.list++;
  }

  private applyEvent(event: BerthEvent): void {
    this.events.push(event);
    this.policy.apply(event);
    this.revisions.events++;
    if (event.kind.startsWith('policy.')) this.revisions.list++; // the policy column may change
  }
}

function ringOf(capacity: number, items: readonly StreamSample[]): Ring<StreamSample> {
  const ring = new Ring<StreamSample>(capacity);
  ring.reset(items);
  return ring;
}
