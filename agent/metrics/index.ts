// The metrics folder's entry.
export { createMetricsRegistry, MetricsRegistry, type MetricsRegistryOptions, type ScrapeEncoding } from './registry.js';
export type { LaunchOutcome } from './self.js';
export { CONTAINER_ROWS, HOST_ROWS, type ContainerRow, type HostRow, type ContainerView } from './table.js';
export { ExpositionRenderer } from './render.js';
export type { MetricsLabelSelection } from './container-labels.js';
