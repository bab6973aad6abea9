export { EventBus } from './bus.js';
export type { BerthEvent, EventKind, EventListener } from './bus.js';
