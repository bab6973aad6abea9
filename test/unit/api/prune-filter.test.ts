import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePruneFilter } from '../../../agent/api/prune-filter.js';
import type { BerthError } from '../../../agent/errors.js';
import type { ContainerInfo } from '../../../agent/runtime/types.js';

const NOW = Date.parse('2026-12-04T12:00:00Z');
const c = (name: string, createdAt: string, labels: Record<string, string> = {}) => ({ name, createdAt, spec: { labels } }) as unknown as ContainerInfo;
const old = c('old', '2026-12-01T00:00:00Z', { tier: 'batch' });
const recent = c('recent', '2026-12-04T11:30:00Z', { tier: 'web', keep: '' });
const names = (filter: string[]) => [old, recent].filter(parsePruneFilter(filter, NOW)).map((x) => x.name);

test('until takes a timestamp or a duration ago; label and label! match keys and values; keys AND, values OR', () => {
  assert.deepEqual(names([]), ['old', 'recent']);
  assert.deepEqual(names(['until=24h']), ['old']);
  assert.deepEqual(names(['until=10m']), ['old', 'recent']);
  assert.deepEqual(names(['until=2026-12-02T00:00:00Z']), ['old']);
  assert.deepEqual(names([`until=${Date.parse('2026-12-04T11:45:00Z') / 1000}`]), ['old', 'recent']);
  assert.deepEqual(names(['label=keep']), ['recent']);
  assert.deepEqual(names(['label!=keep']), ['old']);
  assert.deepEqual(names(['label=tier=batch']), ['old']);
  assert.deepEqual(names(['label=tier=batch', 'label=tier=web']), ['old', 'recent']);
  assert.deepEqual(names(['label=tier', 'until=24h']), ['old']);
});

test('unknown keys and bad times are refused by name', () => {
  const refused = (filter: string[], message: RegExp) => assert.throws(() => parsePruneFilter(filter, NOW),
    (e: BerthError) => e.code === 'INVALID_REQUEST' && e.details?.field === 'filter' && message.test(e.message));
  refused(['status=exited'], /invalid filter "status=exited" \(prune knows until=TIME/);
  refused(['until=yesterday'], /invalid filter "until=yesterday": a timestamp/);
  refused(['label'], /invalid filter "label"/);
});
