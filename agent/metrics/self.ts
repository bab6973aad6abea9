// berth's own instruments: prom-client objects on the agent's registry (never the global one).
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export type LaunchOutcome = 'success' | 'failure' | 'denied';

export interface SelfMetrics {
  sampleDuration: Histogram<string>;
  sampleStride: Gauge<string>;
  renderDuration: Gauge<string>;
  launches: Counter<'outcome'>;
  launchDuration: Histogram<'outcome'>;
  scrapes: Counter<'encoding'>;
  buildInfo: Gauge<string>;
}

export function createSelfMetrics(registry: Registry, build: Record<string, string>): SelfMetrics {
  const registers = [registry];
  const buildInfo = new Gauge({
    name: 'berth_build_info', help: 'Build of the berth agent; the value is always 1.', labelNames: Object.keys(build), registers,
  });
  buildInfo.set(build, 1);
  return {
    sampleDuration: new Histogram({
      name: 'berth_sampler_duration_seconds', help: 'Wall time of one sampler tick over every container and the host.',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1], registers,
    }),
    sampleStride: new Gauge({
      name: 'berth_sampler_stride',
      help: 'Every how many sampler ticks the figures of busy containers other than CPU usage are read: 1, or more while reading them every tick would cost more than the CPU budget (--sample-budget).',
      registers,
    }),
    renderDuration: new Gauge({
      name: 'berth_metrics_render_seconds', help: 'Time the last render of the container series took (once per tick at most).', registers,
    }),
    launches: new Counter({
      name: 'berth_container_launches_total', help: 'Container launches by outcome.', labelNames: ['outcome'], registers,
    }),
    launchDuration: new Histogram({
      name: 'berth_container_launch_duration_seconds', help: 'Time from a launch request to the container running (or failing).',
      labelNames: ['outcome'], buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers,
    }),
    scrapes: new Counter({
      name: 'berth_metrics_scrapes_total', help: 'Scrapes of /metrics by content encoding (gzip when the scraper asks for it, as Prometheus does).',
      labelNames: ['encoding'], registers,
    }),
    buildInfo,
  };
}
