// The agent's event stream: container lifecycle (runtime), policy decisions (policy) and agent
// notices. daemon.ts creates one bus and hands it to each part; the stream hub, `GET /v1/events`
// and the audit log subscribe to it. Keeps a bounded history for late subscribers.

export type EventKind =
  | 'container.created' | 'container.started' | 'container.paused' | 'container.resumed'
  | 'container.exited' | 'container.removed' | 'container.updated' | 'container.oom' | 'container.restarting'
  | 'container.renamed' | 'container.health'
  | 'container.exec' | 'container.exec_exited' | 'container.attached' | 'container.detached'
  | 'policy.denied' | 'policy.warned' | 'policy.audited' | 'policy.pending' | 'policy.firing'
  | 'policy.resolved' | 'policy.action' | 'policy.loaded' | 'policy.rejected'
  | 'agent.started' | 'agent.recovered';

export interface BerthEvent {
  seq: number;                // monotonically increasing per agent run
  time: string;               // ISO time
  kind: EventKind;
  containerId?: string;
  containerName?: string;
  message: string;
  data?: Record<string, unknown>;
}

export type EventListener = (event: BerthEvent) => void;

export class EventBus {
  private seq = 0;
  private readonly listeners = new Set<EventListener>();
  private readonly history: BerthEvent[] = [];

  constructor(private readonly historySize = 1000) {}

  emit(kind: EventKind, message: string, fields: Omit<BerthEvent, 'seq' | 'time' | 'kind' | 'message'> = {}): BerthEvent {
    const event: BerthEvent = { seq: ++this.seq, time: new Date().toISOString(), kind, message, ...fields };
    this.history.push(event);
    if (this.history.length > this.historySize) this.history.shift();
    for (const listener of this.listeners) listener(event);
    return event;
  }

  /** Returns an unsubscribe function. Listeners must not throw; they run synchronously. */
  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Events after `afterSeq` still in the bounded history. */
  since(afterSeq = 0): BerthEvent[] {
    return this.history.filter((e) => e.seq > afterSeq);
  }
}
