// Ticks carry no namespaces (they would repeat the same inodes every second), and a container's
// `started` frame goes out before its first sample, so a just-started container arrives without
// them. Once such a container has been sampled, this fetches its inspect record once (read-only
// GET on the same origin), whose `sample` has the namespaces, so the isolation matrix fills in.
import type { NamespaceSample } from './protocol.js';
import type { DashboardState } from './state.js';

const MAX_IN_FLIGHT = 4;

export class NamespaceFiller {
  private readonly asked = new Set<string>(); // `${id}@${startedAt}`: once per run of a container
  private inFlight = 0;

  constructor(private readonly state: DashboardState, private readonly onFilled: () => void) {}

  /** Called after frames were applied; cheap when nothing is missing. */
  check(): void {
    for (const c of this.state.containers.values()) {
      if (this.inFlight >= MAX_IN_FLIGHT) return;
      const s = c.summary;
      if (s.status !== 'running' || s.namespaces.length > 0 || c.samples.length === 0) continue;
      const key = `${s.id}@${s.startedAt ?? ''}`;
      if (this.asked.has(key)) continue;
      this.asked.add(key);
      this.fetch(s.id);
    }
  }

  private fetch(id: string): void {
    this.inFlight++;
    fetch(`/v1/containers/${encodeURIComponent(id)}`, { headers: { accept: 'application/json' } })
      .then(async (res) => (res.ok ? ((await res.json()) as { sample?: { namespaces?: NamespaceSample[] } }) : undefined))
      .then((body) => {
        const namespaces = body?.sample?.namespaces;
        const c = this.state.containers.get(id);
        if (!c || !namespaces?.length) return;
        c.summary = { ...c.summary, namespaces };
        this.state.revisions.list++;
        this.onFilled();
      })
      .catch(() => undefined) // the agent went away: the reconnect's snapshot brings namespaces
      .finally(() => { this.inFlight--; });
  }
}
