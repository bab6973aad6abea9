import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRoute, routeHash } from '../../../dashboard/src/router.js';

test('hash routes map to views and back', () => {
  assert.deepEqual(parseRoute(''), { view: 'overview' });
  assert.deepEqual(parseRoute('#/'), { view: 'overview' });
  assert.deepEqual(parseRoute('#/containers/abc123'), { view: 'container', id: 'abc123' });
  assert.deepEqual(parseRoute('#/containers/'), { view: 'overview' });
  assert.deepEqual(parseRoute('#/isolation'), { view: 'isolation' });
  assert.deepEqual(parseRoute('#/events'), { view: 'events' });
  assert.deepEqual(parseRoute('#/nonsense'), { view: 'overview' });
  for (const r of [{ view: 'container', id: 'web.1' }, { view: 'events' }, { view: 'overview' }] as const) {
    assert.deepEqual(parseRoute(routeHash(r)), r);
  }
});
