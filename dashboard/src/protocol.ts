// The stream protocol as the page sees it: the agent's own types (agent/stream/protocol.ts is the
// contract), imported as types only, so nothing of the agent ends up in the bundle but the
// protocol's own constants (that file imports only types).
export { LIST_SNAPSHOT_SAMPLES } from '../../agent/stream/protocol.js';
export type { Channel, ClientMessage, ContainerSummary, ServerMessage, StreamSample } from '../../agent/stream/index.js';
export type { BerthEvent, EventKind } from '../../agent/events/index.js';
export type { HostSample, NamespaceSample } from '../../agent/sampler/index.js';
