// The agent's metrics registry: a prom-client Registry (never the global one) holding berth's own
// instruments, plus the container and machine series rendered from the snapshot store's latest
// tick. A scrape never reads the kernel; the container text is rendered at most once per tick
// and cached as bytes, so frequent or parallel scrapes send the same bytes again. The bytes of a
// text that a newer one replaced are written into again once no scrape is still sending them.
import { performance } from 'node:perf_hooks';
import { Registry } from 'prom-client';
import type { ContainerInfo, Runtime } from '../runtime/types.js';
import { SAMPLED_STATUSES } from '../sampler/index.js';
import type { SnapshotStore } from '../sampler/types.js';
import type { MetricsLabelSelection } from './container-labels.js';
import { gzipParts } from './compress.js';
import { ExpositionRenderer } from './render.js';
import { piecesToString } from './text-buffer.js';
import { createSelfMetrics, type LaunchOutcome, type SelfMetrics } from './self.js';
import type { ContainerView } from './table.js';

export interface MetricsRegistryOptions {
  store: SnapshotStore;
  runtime: Pick<Runtime, 'list'>;
  /** Labels of berth_build_info, e.g. { version, node_version, cgroup_version }. */
  build?: Record<string, string>;
  /** Container labels on the container series as container_label_* (container-labels.ts); default all. */
  containerLabels?: MetricsLabelSelection;
  /** Monotonic ms for timing the render (a seam for golden tests). */
  monotonicMs?: () => number;
}

/**
 * The container part of the latest tick's text: bytes for the wire, a string made only if asked
 * for. `sending`: scrapes whose response may still read the pieces.
 */
interface RenderCache { key: string; pieces: Buffer[]; text?: string; sending: number }

const NO_RENDER = (): RenderCache => ({ key: '', pieces: [], sending: 0 });

/** A scrape's bytes; `sent()` once the response is over (sent or aborted), so they can be reused. */
export interface Scrape { parts: Buffer[]; sent(): void }

/** How a scrape's bytes go on the wire: the text as is, or gzip-compressed (compress.ts). */
export type ScrapeEncoding = 'identity' | 'gzip';

export class MetricsRegistry extends Registry {
  private readonly renderer: ExpositionRenderer;
  private readonly self: SelfMetrics;
  private readonly unsubscribe: () => void;
  private cache: RenderCache = NO_RENDER();
  /** Set once the first tick with containers arrived: its text is rendered at once (see below). */
  private firstRender: NodeJS.Immediate | undefined;

  constructor(private readonly options: MetricsRegistryOptions) {
    super();
    this.renderer = new ExpositionRenderer({ containerLabels: options.containerLabels });
    this.self = createSelfMetrics(this, options.build ?? { version: 'unknown', node_version: process.version });
    this.unsubscribe = options.store.subscribe((tick) => {
      this.self.sampleDuration.observe(tick.host.agent.sampleDurationSeconds);
      this.self.sampleStride.set(tick.host.agent.sampleStride);
      // The first render in a process runs before V8 has compiled it and into memory never
      // written before: 130-160 ms at 1000 containers here, against 25-40 ms once either was
      // done. Rendered right after the first tick that has containers (an agent restarted with
      // its fleet running), so the first scrape does not wait for that; the next render reuses
      // its pieces as usual.
      if (!this.firstRender && tick.samples.length > 0) this.firstRender = setImmediate(() => this.containerPieces());
    });
  }

  /** Called by the runtime or the daemon once per launch attempt. */
  observeLaunch(seconds: number, outcome: LaunchOutcome): void {
    this.self.launches.inc({ outcome });
    this.self.launchDuration.observe({ outcome }, seconds);
  }

  override async metrics(): Promise<string> {
    const cache = this.containerPieces();
    cache.text ??= piecesToString(cache.pieces);
    return cache.text + (await super.metrics());
  }

  /**
   * The same text as metrics(), as bytes for the HTTP response: the container part (~13 MB at
   * 1000 containers) is rendered as bytes once per tick and sent as is, where a string would make
   * every scrape copy and encode all of it again (each fresh MB costs ~4 ms of page faults here).
   * The caller must call `sent()` only when nothing will read the parts again (a response still
   * writing them would send another tick's bytes); a scrape that never calls it costs only reuse.
   * Compressed, the parts are one fresh buffer, and the text's pieces are free once it is made.
   */
  async scrape(encoding: ScrapeEncoding = 'identity'): Promise<Scrape> {
    this.self.scrapes.inc({ encoding }); // first, so that a scrape counts itself
    const cache = this.containerPieces();
    cache.sending++; // before the await: a scrape meanwhile may render a newer text
    let over = false;
    const sent = (): void => {
      if (over) return;
      over = true;
      cache.sending--;
      this.reuseIfDone(cache);
    };
    const parts = [...cache.pieces, Buffer.from(await super.metrics())];
    if (encoding === 'identity') return { parts, sent };
    try {
      return { parts: [await gzipParts(parts)], sent: () => {} };
    } finally {
      sent();
    }
  }

  /** Stops observing the store. */
  close(): void {
    this.unsubscribe();
    if (this.firstRender) clearImmediate(this.firstRender);
  }

  /**
   * The latest tick's samples of containers the runtime still lists: a container removed since
   * the tick vanishes from this scrape already, not only from the next tick's.
   */
  private containerPieces(): RenderCache {
    const { store, runtime } = this.options;
    const host = store.host();
    const live = new Map<string, ContainerInfo>();
    for (const info of runtime.list()) if (SAMPLED_STATUSES.has(info.status)) live.set(info.id, info);
    const views: ContainerView[] = [];
    for (const sample of store.all()) {
      const info = live.get(sample.id);
      if (info) views.push({ sample, info });
    }
    // The set of containers (and their start times) can change within one tick with the count
    // unchanged (one stops, another restarts): the key names them all. Building it costs far
    // less than a render.
    let key = String(host?.time ?? 0);
    for (const v of views) key += `,${v.sample.id}@${v.info?.startedAt ?? ''}`;
    if (key !== this.cache.key) {
      const replaced = this.cache;
      this.cache = NO_RENDER(); // a render that throws must not leave a cache on reused pieces
      this.reuseIfDone(replaced);
      const now = this.options.monotonicMs ?? (() => performance.now());
      const started = now();
      this.cache = { key, pieces: this.renderer.renderBytes(views, host), sending: 0 };
      this.self.renderDuration.set((now() - started) / 1000);
    }
    return this.cache;
  }

  /** Hands a text's pieces to the renderer once a newer text replaced it and no scrape sends it. */
  private reuseIfDone(cache: RenderCache): void {
    if (cache === this.cache || cache.sending > 0 || cache.pieces.length === 0) return;
    this.renderer.recycle(cache.pieces);
    cache.pieces = [];
  }
}

export function createMetricsRegistry(options: MetricsRegistryOptions): MetricsRegistry {
  return new MetricsRegistry(options);
}
