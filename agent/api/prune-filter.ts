// The filters of `POST /v1/containers/prune` (`berth container prune --filter`), docker's keys:
// `until=TIME` (created before a timestamp, or before a duration ago: 24h, 90m) and
// `label=KEY[=VALUE]` / `label!=KEY[=VALUE]` (has / has not). Several values of one key are
// alternatives for label and until alike; the keys must all match.
import { BerthError } from '../errors.js';
import { parseSince } from '../runtime/index.js';
import type { ContainerInfo } from '../runtime/types.js';
import { labelMatcher } from './container-filter.js';

type Test = (c: ContainerInfo) => boolean;

export function parsePruneFilter(args: readonly string[], now = Date.now()): Test {
  const byKey = new Map<string, Test[]>();
  for (const arg of args) {
    const m = /^(until|label!?)=(.*)$/.exec(arg);
    if (!m) throw invalid(`invalid filter "${arg}" (prune knows until=TIME, label=KEY[=VALUE] and label!=KEY[=VALUE])`);
    const [, key, value] = m as unknown as [string, string, string];
    byKey.set(key, [...(byKey.get(key) ?? []), matcher(key, value, now)]);
  }
  const keys = [...byKey.values()];
  return (c) => keys.every((alternatives) => alternatives.some((t) => t(c)));
}

function matcher(key: string, value: string, now: number): Test {
  if (key === 'until') {
    const until = parseSince(value, now);
    if (until === undefined) throw invalid(`invalid filter "until=${value}": a timestamp (RFC 3339 or Unix seconds) or a duration like 24h`);
    return (c) => Date.parse(c.createdAt) < until;
  }
  const has = labelMatcher(value);
  return key === 'label' ? has : (c) => !has(c);
}

function invalid(message: string): BerthError {
  return new BerthError('INVALID_REQUEST', `filter: ${message}`, { field: 'filter' });
}
