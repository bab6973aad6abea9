// The event journal: every event as a JSON line in <state-dir>/events.log (json-lines.ts), read
// back when the next agent starts. Lines that are not events (a foreign or damaged file) are
// skipped with a warning naming file:line rather than failing the agent's start.
import type { Logger } from 'pino';
import { JsonLinesFile } from '../json-lines.js';
import type { BerthEvent, EventJournal } from './bus.js';

/**
 * Per file, two of which are kept: ~2 × 4000 events of ~500 bytes, more than the bus's history
 * of 1000, so a restart restores the whole history.
 */
export const EVENT_JOURNAL_BYTES = 2 * 1024 * 1024;

export function fileJournal(path: string, logger: Pick<Logger, 'error' | 'warn'>, maxBytes = EVENT_JOURNAL_BYTES): EventJournal {
  const file = new JsonLinesFile(path, maxBytes, logger);
  return {
    load() {
      const records = file.readAll();
      const events = records.filter(isEvent);
      if (events.length < records.length) logger.warn(`${path}: ${records.length - events.length} record(s) that are not events skipped`);
      return events;
    },
    append: (event) => file.append(event),
  };
}

function isEvent(r: unknown): r is BerthEvent {
  const e = r as Partial<BerthEvent> | null;
  return typeof e === 'object' && e !== null && Number.isSafeInteger(e.seq) && typeof e.time === 'string'
    && typeof e.kind === 'string' && typeof e.message === 'string';
}
