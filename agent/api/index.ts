export { buildServer } from './server.js';
export { listenUnix, listenTcp } from './listen.js';
export type { AgentFacts, ListenerKind, ServerDeps } from './deps.js';
export type { ErrorBody } from './plugins/error-handler.js';
export { containerSpecSchema, createContainerBodySchema } from './schemas/container-spec.js';
