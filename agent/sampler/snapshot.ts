// The latest sample per container plus a bounded history (history.ts), for the host too. Written only
// by the sampler (record), read by /metrics, streams, runtime rules and the dashboard.
import { SampleHistory } from './history.js';
import type { ContainerSample, HostSample, SampleTick, SnapshotStore } from './types.js';

/** Fixed-capacity ring: push overwrites the oldest; no array shifting per sample. */
export class Ring<T> {
  private readonly items: (T | undefined)[];
  private next = 0;
  private size = 0;

  constructor(readonly capacity: number) { this.items = new Array<T | undefined>(capacity); }

  push(item: T): void {
    this.items[this.next] = item;
    this.next = (this.next + 1) % this.capacity;
    if (this.size < this.capacity) this.size++;
  }

  latest(): T | undefined { return this.size ? this.items[(this.next - 1 + this.capacity) % this.capacity] : undefined; }

  /** Oldest first; the newest `limit` items. */
  toArray(limit = this.size): T[] {
    const n = Math.max(0, Math.min(limit, this.size));
    const out = new Array<T>(n);
    const start = (this.next - n + this.capacity) % this.capacity;
    for (let i = 0; i < n; i++) out[i] = this.items[(start + i) % this.capacity] as T;
    return out;
  }
}

export interface WritableSnapshotStore extends SnapshotStore {
  /**
   * Stores one tick, then runs the listeners. Containers absent from the tick are dropped unless
   * listed in `alive` (still running, but this tick's read failed: keep their history).
   */
  record(tick: SampleTick, alive?: ReadonlySet<string>): void;
}

export function createSnapshotStore(historySize = 300, onListenerError?: (err: unknown) => void): WritableSnapshotStore {
  if (!Number.isInteger(historySize) || historySize < 1) throw new Error(`snapshot history size: must be a positive integer, got ${historySize}`);
  /** `recordedAt`: the last record() whose tick had a sample of the container. */
  const containers = new Map<string, { id: string; history: SampleHistory; recordedAt: number }>();
  let records = 0;
  const hostRing = new Ring<HostSample>(historySize);
  const listeners = new Set<(tick: SampleTick) => void>();

  return {
    record(tick, alive) {
      const recording = ++records;
      for (const s of tick.samples) {
        let entry = containers.get(s.id);
        if (!entry) containers.set(s.id, (entry = { id: s.id, history: new SampleHistory(historySize), recordedAt: 0 }));
        entry.history.push(s);
        entry.recordedAt = recording;
      }
      // values(), not entries: no [id, entry] pair made per container per tick
      for (const entry of containers.values()) if (entry.recordedAt !== recording && !alive?.has(entry.id)) containers.delete(entry.id);
      hostRing.push(tick.host);
      for (const listener of listeners) {
        try { listener(tick); } catch (err) { onListenerError?.(err); }
      }
    },
    latest: (id) => containers.get(id)?.history.latest(),
    history: (id, limit) => containers.get(id)?.history.toArray(limit) ?? [],
    all: () => Array.from(containers.values(), ({ history }) => history.latest() as ContainerSample),
    host: () => hostRing.latest(),
    hostHistory: (limit) => hostRing.toArray(limit),
    subscribe(listener) {
      listeners.add(listener);
      return () => { listeners.delete(listener); };
    },
  };
}
