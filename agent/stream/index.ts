export { StreamHub } from './hub.js';
export type { StreamHubDeps, StreamHubStats } from './hub.js';
export { DEFAULT_LIMITS } from './client.js';
export type { ClientLimits } from './client.js';
export { LIST_SNAPSHOT_SAMPLES, parseClientMessage } from './protocol.js';
export type { Channel, ClientMessage, ServerMessage, StreamSample, ContainerSummary } from './protocol.js';
export { toStreamSample, toSummary } from './condense.js';
