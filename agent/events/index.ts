export { EventBus } from './bus.js';
export { fileJournal } from './journal.js';
export type { BerthEvent, EventJournal, EventKind, EventListener } from './bus.js';
