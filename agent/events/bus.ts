// The agent's event stream: container lifecycle (runtime), policy decisions (policy) and agent
// notices. daemon.ts creates one bus and hands it to each part; the stream hub, `GET /v1/events`
// and the audit log subscribe to it. Keeps a bounded history for late subscribers, and with a
// journal (journal.ts) writes every event through to the state dir and starts from the history
// there, so `berth events` after an agent restart or crash still shows what happened before it
// and seq numbers go on instead of starting over (a client resuming with ?after=SEQ misses nothing).

export type EventKind =
  | 'container.created' | 'container.started' | 'container.paused' | 'container.resumed'
  | 'container.exited' | 'container.removed' | 'container.updated' | 'container.oom' | 'container.restarting'
  | 'container.renamed' | 'container.health'
  | 'container.exec' | 'container.exec_exited' | 'container.attached' | 'container.detached'
  | 'policy.denied' | 'policy.warned' | 'policy.audited' | 'policy.pending' | 'policy.firing'
  | 'policy.resolved' | 'policy.action' | 'policy.loaded' | 'policy.rejected'
  | 'agent.started' | 'agent.recovered';

export interface BerthEvent {
  seq: number;                // increasing, also across restarts of an agent with a journal
  time: string;               // ISO time
  kind: EventKind;
  containerId?: string;
  containerName?: string;
  message: string;
  data?: Record<string, unknown>;
}

export type EventListener = (event: BerthEvent) => void;

/** Where events outlive the agent (journal.ts). */
export interface EventJournal {
  /** The journal's events, oldest first. */
  load(): BerthEvent[];
  append(event: BerthEvent): void;
}

export interface EventBusOptions {
  historySize?: number;
  journal?: EventJournal;
}

export class EventBus {
  private seq = 0;
  private readonly listeners = new Set<EventListener>();
  private readonly history: BerthEvent[] = [];
  private readonly historySize: number;
  private readonly journal: EventJournal | undefined;

  constructor({ historySize = 1000, journal }: EventBusOptions = {}) {
    this.historySize = historySize;
    this.journal = journal;
    for (const event of journal?.load() ?? []) {
      if (event.seq <= this.seq) continue; // never out of order, whatever the file holds
      this.seq = event.seq;
      this.remember(event);
    }
  }

  emit(kind: EventKind, message: string, fields: Omit<BerthEvent, 'seq' | 'time' | 'kind' | 'message'> = {}): BerthEvent {
    const event: BerthEvent = { seq: ++this.seq, time: new Date().toISOString(), kind, message, ...fields };
    this.journal?.append(event);
    this.remember(event);
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

  private remember(event: BerthEvent): void {
    this.history.push(event);
    if (this.history.length > this.historySize) this.history.shift();
  }
}
