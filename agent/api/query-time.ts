// ?since= / ?until= of the logs and events routes: docker's time forms (RFC 3339, unix seconds,
// a duration back from now like 10m).
import { BerthError } from '../errors.js';
import { parseSince } from '../runtime/cri-log.js';

/**
 * The value as an ISO time, fixed when the request arrives: a duration counts back from then, not
 * from whenever a followed stream looks at it.
 */
export function toIsoTime(value: string | undefined, field: 'since' | 'until', now: number): string | undefined {
  if (value === undefined) return undefined;
  const ms = parseSince(value, now);
  if (ms === undefined) {
    throw new BerthError('INVALID_REQUEST', `querystring: ${field} "${value}" is not a time; use RFC 3339, unix seconds or a duration like 10m`, { field });
  }
  return new Date(ms).toISOString();
}
